"""Bad input never kills the server: each case answers (possibly empty) and serving goes on."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.lsp.session import CONFIG, ghost_text, inline, open_doc, start

URI = "file:///tmp/ghostwise-test/bad.py"
GOOD = "def add(a, b):\n    return "


@pytest_lsp.fixture(config=CONFIG)
async def client(lsp_client: LanguageClient):
    statuses = await start(lsp_client, options={"nCtx": 1024, "maxMs": 800})
    assert statuses[-1]["state"] == "ready", statuses
    yield
    await lsp_client.shutdown_session()


async def still_serving(client: LanguageClient) -> None:
    open_doc(client, URI, GOOD, version=100)
    result = await inline(client, URI, 1, len("    return "))
    assert ghost_text(result).strip()


@pytest.mark.parametrize(("line", "character"), [(1, 500), (40, 0), (40, 9)])
async def test_position_past_the_end(client: LanguageClient, line: int, character: int) -> None:
    open_doc(client, URI, GOOD)
    await inline(client, URI, line, character)  # clamped to the end of the line / document
    await still_serving(client)


async def test_unknown_document(client: LanguageClient) -> None:
    assert await inline(client, "file:///nowhere/never-opened.py", 0, 0) is None
    await still_serving(client)


async def test_an_unopened_fifo_is_never_read(client: LanguageClient, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.py"
    os.mkfifo(fifo)  # reading it would block until someone writes: it froze the whole server
    assert await asyncio.wait_for(inline(client, fifo.as_uri(), 0, 0), 30) is None
    await still_serving(client)


async def test_a_nul_in_the_uri(client: LanguageClient) -> None:
    uri = "file:///tmp/ghostwise-test/a%00b.py"
    assert await inline(client, uri, 0, 0) is None  # not open: no read, no ValueError
    open_doc(client, uri, GOOD)
    result = await inline(client, uri, 1, len("    return "))
    assert result is None or isinstance(result, types.InlineCompletionList)
    await still_serving(client)


async def test_a_change_to_an_unopened_document(client: LanguageClient) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri="file:///nowhere/x.py", version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text="x = 1\n")],
        )
    )
    assert await inline(client, "file:///nowhere/x.py", 0, 0) is None
    await still_serving(client)


async def test_empty_document(client: LanguageClient) -> None:
    open_doc(client, URI, "")
    await inline(client, URI, 0, 0)
    await still_serving(client)


async def test_five_megabyte_document(client: LanguageClient) -> None:
    big = "".join(f"value_{i} = {i} * 2  # padding padding padding padding\n" for i in range(100_000))
    assert len(big) > 5_000_000
    open_doc(client, URI, big + GOOD)
    result = await inline(client, URI, 100_001, len("    return "))
    assert result is None or isinstance(result.items[0].insert_text, str)
    await still_serving(client)


async def test_lone_surrogates_and_replacement_text(client: LanguageClient) -> None:
    open_doc(client, URI, "name = 'caf\udce9'\nbroken = '\ud800'\nprint(")
    await inline(client, URI, 2, len("print("))
    await still_serving(client)


async def test_prompt_larger_than_context_is_truncated(client: LanguageClient) -> None:
    text = "".join(f"def helper_{i}(x):\n    return x + {i}\n\n" for i in range(600)) + "total = helper_1("
    open_doc(client, URI, text)
    result = await inline(client, URI, text.count("\n"), len("total = helper_1("))
    assert "\n" not in ghost_text(result)
    await still_serving(client)


async def test_non_python_language_gets_prefix_only_completion(client: LanguageClient) -> None:
    uri = "file:///tmp/ghostwise-test/app.js"
    text = "function add(a, b) {\n  return "
    open_doc(client, uri, text, language_id="javascript")
    result = await inline(client, uri, 1, len("  return "))
    assert ghost_text(result).strip()
