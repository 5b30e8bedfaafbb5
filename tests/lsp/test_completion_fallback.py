"""textDocument/completion fallback: one labelled full-line edit, for clients without ghost text."""

from __future__ import annotations

import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from lsp_server.items import snippet_text
from tests.lsp.session import CONFIG, open_doc, start

URI = "file:///tmp/ghostwise-test/fallback.py"
TEXT = "def add(a, b):\n    return "


@pytest_lsp.fixture(config=CONFIG)
async def client(lsp_client: LanguageClient):
    yield
    await lsp_client.shutdown_session()


async def complete(client: LanguageClient) -> types.CompletionList | None:
    result = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=URI), position=types.Position(line=1, character=11)
        )
    )
    assert result is None or isinstance(result, types.CompletionList)
    return result


async def test_client_without_inline_gets_one_full_line_item(client: LanguageClient) -> None:
    await start(client, inline=False)
    open_doc(client, URI, TEXT)
    result = await complete(client)
    assert result is not None and len(result.items) == 1
    item = result.items[0]
    assert item.label.startswith("✦") and item.detail == "ghostwise suggestion"
    assert isinstance(item.text_edit, types.TextEdit)
    assert item.text_edit.range.start == types.Position(line=1, character=0)
    assert item.text_edit.range.end == types.Position(line=1, character=11)
    assert item.text_edit.new_text.startswith("    return ") and len(item.text_edit.new_text) > 11
    assert item.insert_text_format == types.InsertTextFormat.PlainText  # no snippet support declared
    assert item.data is not None and item.data["id"] and item.data["stats"]["generated_tokens"] > 0


async def test_a_snippet_for_clients_with_snippets(client: LanguageClient) -> None:
    """Neovim 0.10-0.11 insert only the first word of a plain-text edit, a snippet whole."""
    await start(client, inline=False, snippets=True)
    text = 'def fee(total):\n    note = f"${total}"\n    return '  # snippet syntax above: $, { and }
    open_doc(client, URI, text)
    result = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=URI), position=types.Position(line=2, character=11)
        )
    )
    assert isinstance(result, types.CompletionList) and len(result.items) == 1
    item = result.items[0]
    assert item.insert_text_format == types.InsertTextFormat.Snippet
    assert isinstance(item.text_edit, types.TextEdit) and item.text_edit.new_text.startswith("    return ")
    assert isinstance(item.documentation, str)  # the suggestion's text
    assert item.text_edit.new_text == snippet_text("    return " + item.documentation)


async def test_inline_clients_get_no_duplicate_completion_item(client: LanguageClient) -> None:
    await start(client, inline=True)
    open_doc(client, URI, TEXT)
    assert await complete(client) is None


async def test_fallback_always_when_configured(client: LanguageClient) -> None:
    await start(client, inline=True, options={"completionFallback": "always"})
    open_doc(client, URI, TEXT)
    result = await complete(client)
    assert result is not None and len(result.items) == 1
