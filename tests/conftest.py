"""Shared fixtures: the real default model (loaded once per test process)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from decoding.model_source import resolve_model
from decoding.settings import ModelSettings

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def default_model_path() -> Path:
    return resolve_model("default")


@pytest.fixture(scope="session")
def runtime(default_model_path: Path) -> Iterator[object]:
    from decoding.llama_runtime import LlamaRuntime

    yield LlamaRuntime(default_model_path, ModelSettings(n_ctx=2048))
