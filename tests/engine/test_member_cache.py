"""Member lists kept across versions (completion_engine/member_cache.py): every kept answer is Jedi's own."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest

from completion_engine import Document, EngineSettings, JediSettings, PythonEngine

from .conftest import WORKSPACE

APP = """\
import os
from collections import OrderedDict

from shop.models import Account


class Ledger:
    def __init__(self):
        self.entries = []

    def add(self, entry):
        self.entries.append(entry)
        FIRST

    def total(self):
        SECOND
        return len(self.entries)


def main(account: Account):
    books = OrderedDict()
    THIRD
"""

RECEIVERS = ["os.path.", "OrderedDict().", "self.", "Ledger.", "'text'.", "account.", "books."]


@pytest.fixture(scope="module")
def fresh() -> Iterator[PythonEngine]:
    """An engine that never keeps member lists: Jedi's answer every time."""
    engine = PythonEngine(EngineSettings(jedi=JediSettings(timeout_ms=20_000, member_cache=False)))
    yield engine
    engine.close()


_versions = itertools.count(1)


def names(engine: PythonEngine, text: str, at: str) -> tuple[frozenset[str], bool]:
    """The names and completeness at the end of ``at``, in a new version of the document."""
    doc = Document(
        uri="file:///members/app.py",
        version=next(_versions),
        text=text,
        cursor=text.index(at) + len(at),
        path=WORKSPACE / "app.py",
        workspace_root=WORKSPACE,
    )
    site = engine.classify(doc)
    assert site is not None and site.kind == "member", at
    found = engine.candidates(doc, site)
    assert found.names is not None, at
    return frozenset(found.names.names("")), found.complete


@pytest.mark.parametrize("receiver", RECEIVERS)
def test_a_kept_list_is_jedis_list(engine: PythonEngine, fresh: PythonEngine, receiver: str) -> None:
    first_at, second_at = f"x = {receiver}", f"print({receiver}"
    if receiver in ("self.", "Ledger."):  # in two methods of the class
        first = APP.replace("FIRST", first_at).replace("SECOND", "pass").replace("THIRD", "pass")
        second = APP.replace("FIRST", "pass").replace("SECOND", second_at).replace("THIRD", "pass")
    else:
        first = APP.replace("FIRST", "pass").replace("SECOND", "pass").replace("THIRD", first_at)
        second = APP.replace("FIRST", "pass").replace("SECOND", "pass").replace("THIRD", second_at)
    assert names(engine, first, first_at) == names(fresh, first, first_at)
    hits = engine.jedi.members.hits
    assert names(engine, second, second_at) == names(fresh, second, second_at)
    if receiver not in ("self.", "Ledger."):  # the class's text changed between the two
        assert engine.jedi.members.hits == hits + 1, receiver


def test_an_edit_in_the_class_is_a_new_list(engine: PythonEngine) -> None:
    before = APP.replace("FIRST", "x = self.").replace("SECOND", "pass").replace("THIRD", "pass")
    after = before.replace("self.entries = []", "self.entries = []\n        self.audit = []")
    assert "audit" not in names(engine, before, "x = self.")[0]
    assert "audit" in names(engine, after, "x = self.")[0]


def test_typing_on_the_line_keeps_the_list_of_self(engine: PythonEngine, fresh: PythonEngine) -> None:
    hits = engine.jedi.members.hits
    for line in ("x = self.", "total = len(self.entries) + self."):  # the user typed on the same line
        text = APP.replace("FIRST", line).replace("SECOND", "pass").replace("THIRD", "pass")
        assert names(engine, text, line) == names(fresh, text, line)
    assert engine.jedi.members.hits == hits + 1
