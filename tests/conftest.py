"""Shared fixtures: the real default model (loaded once per test process)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from decoding.model_source import resolve_model
from decoding.settings import ModelSettings

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session", autouse=True)
def private_dev_data(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Servers started by tests record dev data in a temporary directory, never the user's."""
    mp = pytest.MonkeyPatch()
    mp.setenv("GHOSTWISE_DATA_DIR", str(tmp_path_factory.mktemp("devdata")))
    yield
    mp.undo()


@pytest.fixture(scope="session")
def default_model_path() -> Path:
    return resolve_model("default")


@pytest.fixture(scope="session")
def runtime(default_model_path: Path) -> Iterator[object]:
    from decoding.llama_runtime import LlamaRuntime

    yield LlamaRuntime(default_model_path, ModelSettings(n_ctx=2048))
