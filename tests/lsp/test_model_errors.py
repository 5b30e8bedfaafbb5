"""A model that cannot load: clear message naming the path, empty answers, the server keeps running."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.lsp.session import CONFIG, inline, open_doc, start

URI = "file:///tmp/ghostwise-test/model.py"


@pytest_lsp.fixture(config=CONFIG)
async def client(lsp_client: LanguageClient):
    yield
    await lsp_client.shutdown_session()


def bad_models(tmp: Path) -> dict[str, Path]:
    not_gguf = tmp / "weights.gguf"
    not_gguf.write_text("this is not a model")
    truncated = tmp / "truncated.gguf"
    truncated.write_bytes(b"GGUF\x03\x00\x00\x00")
    return {
        "missing": tmp / "no-such-model.gguf",
        "not_gguf": not_gguf,
        "truncated": truncated,
        "directory": tmp,
    }


@pytest.mark.parametrize("case", ["missing", "not_gguf", "truncated", "directory"])
async def test_unusable_model_is_reported_once(client: LanguageClient, tmp_path: Path, case: str) -> None:
    path = bad_models(tmp_path)[case]
    statuses = await start(client, options={"model": str(path)})
    assert statuses[-1]["state"] == "error"
    errors = [m for m in client.messages if m.type == types.MessageType.Error]
    assert len(errors) == 1 and str(path) in errors[0].message, errors
    open_doc(client, URI, "import os\nos.")
    assert await inline(client, URI, 1, 3) is None  # answers, empty


async def test_fixing_the_setting_loads_the_model(client: LanguageClient, tmp_path: Path) -> None:
    statuses = await start(client, options={"model": str(tmp_path / "missing.gguf")})
    assert statuses[-1]["state"] == "error"
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"ghostwise": {"model": "default"}})
    )
    for _ in range(600):
        if statuses[-1]["state"] == "ready":
            break
        await asyncio.sleep(0.1)
    assert statuses[-1]["state"] == "ready"
    open_doc(client, URI, "def add(a, b):\n    return ")
    result = await inline(client, URI, 1, 11)
    assert result is not None and result.items


async def test_invalid_settings_are_reported_and_ignored(client: LanguageClient) -> None:
    statuses = await start(client, options={"maxLines": "many", "bogus": 1, "guided": {"pruning": "yes"}})
    assert statuses[-1]["state"] == "ready"
    warnings = " ".join(m.message for m in client.messages if m.type == types.MessageType.Warning)
    assert "maxLines" in warnings and "bogus" in warnings and "guided.pruning" in warnings
