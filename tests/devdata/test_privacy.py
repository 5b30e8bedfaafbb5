"""devData levels over the real LSP: off writes nothing, metadata no code text, full the excerpts."""

from __future__ import annotations

import asyncio
from pathlib import Path

from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.devdata.conftest import read_events, wait_events
from tests.devdata.lsp_steps import FAST, accept, suggest
from tests.lsp.session import start

SECRET_URI = "file:///tmp/ghostwise-devdata/zanzibar_ledger.py"
SECRET = '''def zanzibar_quokka_total(quokka_prices):
    """Add up the quokka prices."""
    return '''


def set_level(client: LanguageClient, level: str) -> None:
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"ghostwise": {"devData": level}})
    )


async def test_privacy_levels(client: LanguageClient, data_dir: Path) -> None:
    await start(client, options={**FAST, "devData": "off"})
    off, _ = await suggest(client, SECRET, SECRET_URI)
    await accept(client, off)
    await asyncio.sleep(0.5)
    assert not data_dir.exists()  # off: not even a directory

    set_level(client, "metadata")
    metadata, metadata_text = await suggest(client, SECRET, SECRET_URI)
    await accept(client, metadata)
    set_level(client, "full")
    full, full_text = await suggest(client, SECRET, SECRET_URI)
    await accept(client, full)
    lowered, _ = await suggest(client, SECRET, SECRET_URI)
    set_level(client, "metadata")  # the level went down before the outcome: no text
    await accept(client, lowered)

    events = await wait_events(data_dir, metadata, full, lowered)
    assert off not in events
    assert events[metadata].text is None and events[metadata].pruned_names == {}
    assert events[lowered].text is None
    text = events[full].text
    assert text is not None
    assert (text.uri, text.prefix, text.suffix, text.suggestion) == (SECRET_URI, SECRET, "", full_text)
    raw = b"".join(p.read_bytes() for p in (data_dir / "devdata").glob("*.jsonl")).decode()
    metadata_lines = [line for line in raw.splitlines() if full not in line]
    assert len(metadata_lines) == 2
    for line in metadata_lines:  # no code text at all: names, the path, the suggestion
        for secret in ("zanzibar", "quokka", "prices", metadata_text.strip()):
            assert secret not in line, (secret, line)
    assert read_events(data_dir).keys() == {metadata, full, lowered}


async def test_unwritable_data_dir_warns_once_and_serves_on(client: LanguageClient, data_dir: Path) -> None:
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    data_dir.write_text("a file where the data directory should be")
    await start(client, options=FAST)
    for _ in range(2):
        suggestion_id, _ = await suggest(client)
        await accept(client, suggestion_id)
    await asyncio.sleep(0.5)
    warnings = [m for m in client.messages if "dev data" in m.message]
    assert len(warnings) == 1 and warnings[0].type == types.MessageType.Warning, client.messages
    assert (await suggest(client))[1]  # still serving
