"""Helpers to drive the real server over stdio with pytest-lsp's client."""

from __future__ import annotations

import asyncio
import sys
from typing import Any

from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

SERVER = [sys.executable, "-m", "lsp_server", "--stdio"]
CONFIG = ClientServerConfig(server_command=SERVER)


def capabilities(
    *, inline: bool = True, progress: bool = True, snippets: bool = False
) -> types.ClientCapabilities:
    return types.ClientCapabilities(
        text_document=types.TextDocumentClientCapabilities(
            inline_completion=types.InlineCompletionClientCapabilities() if inline else None,
            completion=types.CompletionClientCapabilities(
                completion_item=types.ClientCompletionItemOptions(snippet_support=snippets)
            ),
        ),
        window=types.WindowClientCapabilities(work_done_progress=progress),
    )


def watch_status(client: LanguageClient) -> list[dict[str, Any]]:
    """Collect ``ghostwise/status`` notifications into a list."""
    statuses: list[dict[str, Any]] = []

    @client.feature("ghostwise/status")
    def _status(params: Any) -> None:
        statuses.append(
            {
                k: getattr(params, k, None)
                for k in ("state", "model", "guided", "message", "snoozedUntil", "remote")
            }
        )

    return statuses


async def start(
    client: LanguageClient,
    *,
    options: dict[str, Any] | None = None,
    inline: bool = True,
    snippets: bool = False,
    root_uri: str | None = None,
) -> list[dict[str, Any]]:
    """Initialize and wait until the model has loaded (or failed); return the statuses seen."""
    statuses = watch_status(client)
    # one llama.cpp thread: the server shares two cores with Jedi and the test client
    options = {"threads": 1, **(options or {})}
    await client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities(inline=inline, snippets=snippets),
            initialization_options=options,
            root_uri=root_uri,
        )
    )
    for _ in range(600):
        if statuses and statuses[-1]["state"] in ("ready", "error"):
            return statuses
        await asyncio.sleep(0.1)
    raise TimeoutError(f"model did not load: {statuses}")


def open_doc(
    client: LanguageClient, uri: str, text: str, language_id: str = "python", version: int = 1
) -> None:
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id=language_id, version=version, text=text)
        )
    )


def ghost_text(result: types.InlineCompletionList | None) -> str:
    """The first item's text ('' for no answer); ghostwise sends plain strings, never snippets."""
    if result is None or not result.items:
        return ""
    text = result.items[0].insert_text
    assert isinstance(text, str), text
    return text


async def inline(
    client: LanguageClient, uri: str, line: int, character: int
) -> types.InlineCompletionList | None:
    result = await client.text_document_inline_completion_async(
        types.InlineCompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=line, character=character),
            context=types.InlineCompletionContext(trigger_kind=types.InlineCompletionTriggerKind.Automatic),
        )
    )
    assert result is None or isinstance(result, types.InlineCompletionList), result
    return result


def insert(client: LanguageClient, uri: str, version: int, line: int, character: int, text: str) -> None:
    """``didChange``: ``text`` typed at (line, character)."""
    at = types.Position(line=line, character=character)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[
                types.TextDocumentContentChangePartial(range=types.Range(start=at, end=at), text=text)
            ],
        )
    )


def request_invoked(
    client: LanguageClient, uri: str, line: int, character: int, msg_id: str | None = None
) -> asyncio.Future[Any]:
    """An explicit (``Invoked``) inline completion request, not awaited: a future of its answer."""
    params = types.InlineCompletionParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        position=types.Position(line=line, character=character),
        context=types.InlineCompletionContext(trigger_kind=types.InlineCompletionTriggerKind.Invoked),
    )
    return asyncio.wrap_future(
        client.protocol.send_request(types.TEXT_DOCUMENT_INLINE_COMPLETION, params, msg_id=msg_id)
    )
