"""Fixtures: a real server whose dev data goes to a temporary directory, and event helpers."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from pytest_lsp import ClientServerConfig, LanguageClient

from lsp_server.devdata.reader import EventReader
from lsp_server.devdata.schema import Event
from lsp_server.devdata.writer import DATA_DIR_ENV
from tests.lsp.session import SERVER


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest_asyncio.fixture
async def client(data_dir: Path) -> AsyncIterator[LanguageClient]:
    """A started (not yet initialized) server writing dev data under ``data_dir``."""
    config = ClientServerConfig(server_command=SERVER, server_env={**os.environ, DATA_DIR_ENV: str(data_dir)})
    lsp_client = await config.start()
    assert isinstance(lsp_client, LanguageClient)
    yield lsp_client
    await lsp_client.shutdown_session()
    await lsp_client.stop()


def read_events(data_dir: Path) -> dict[str, Event]:
    return {e.id: e for e in EventReader(data_dir / "devdata").events()}


async def wait_events(data_dir: Path, *ids: str, timeout_s: float = 10.0) -> dict[str, Event]:
    """Poll until events for all ``ids`` have been written."""
    for _ in range(int(timeout_s / 0.05)):
        events = read_events(data_dir)
        if all(i in events for i in ids):
            return events
        await asyncio.sleep(0.05)
    raise TimeoutError(f"events {ids} not written; have {sorted(read_events(data_dir))}")
