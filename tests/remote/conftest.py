"""A real llama-server with the default model, shared by the remote tests (built once, cached)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.remote.llama_server import LlamaServer, build
from tests.remote.proxy import Proxy


@pytest.fixture(scope="session")
def llama_server_binary() -> Path:
    return build()


@pytest.fixture(scope="session")
def llama_server(
    llama_server_binary: Path, default_model_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LlamaServer]:
    """One server for the tests that do not stop it (two slots, 4096 tokens each)."""
    server = LlamaServer(
        llama_server_binary, default_model_path, tmp_path_factory.mktemp("llama-server") / "server.log"
    ).start()
    yield server
    server.stop()


@pytest.fixture
def own_server(llama_server_binary: Path, default_model_path: Path, tmp_path: Path) -> Iterator[LlamaServer]:
    """A server of the test's own, not started yet: the test kills and restarts it."""
    server = LlamaServer(llama_server_binary, default_model_path, tmp_path / "server.log")
    yield server
    server.stop()


@pytest.fixture
def proxy(llama_server: LlamaServer) -> Iterator[Proxy]:
    """A proxy in front of the shared server, which misbehaves when told (``proxy.mode``)."""
    p = Proxy(llama_server.port)
    yield p
    p.close()
