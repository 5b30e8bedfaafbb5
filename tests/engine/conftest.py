"""Shared fixtures: one warm engine over the fixture workspace, and documents with a cursor marker."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from completion_engine import Document, EngineSettings, JediSettings, PythonEngine

WORKSPACE = Path(__file__).parents[1] / "data" / "engine" / "workspace"
CURSOR = "|"
_versions = itertools.count(1)

MakeDoc = Callable[..., Document]


@pytest.fixture(scope="session")
def engine() -> Iterator[PythonEngine]:
    """A warm engine with a generous time-out, so loaded CI machines do not turn answers into unknowns."""
    eng = PythonEngine(EngineSettings(jedi=JediSettings(timeout_ms=20_000)))
    eng.warm()
    yield eng
    eng.close()


def make_doc(marked: str, *, name: str = "app.py", root: Path | None = WORKSPACE) -> Document:
    """A fresh document version from ``marked`` text, its cursor at the ``|`` marker."""
    cursor = marked.index(CURSOR)
    text = marked[:cursor] + marked[cursor + 1 :]
    path = (root / name) if root is not None else None
    version = next(_versions)
    return Document(
        uri=f"file:///test/{version}/{name}",
        version=version,
        text=text,
        cursor=cursor,
        path=path,
        workspace_root=root,
    )


@pytest.fixture
def doc() -> MakeDoc:
    return make_doc
