"""LSP feature handlers: each one short — document → service → LSP types, ``None`` when empty."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.uris import to_fs_path

from completion_engine.lines import line_start
from lsp_server.devdata import notifications
from lsp_server.items import ACCEPT_COMMAND, RESUME_COMMAND, SNOOZE_COMMAND, completion_list, inline_list
from lsp_server.memory import release_freed_memory
from lsp_server.server import COUNTERS_REQUEST, GhostwiseServer, settings_section
from lsp_server.snooze import minutes_of


def create_server() -> GhostwiseServer:
    """A server with every feature registered."""
    server = GhostwiseServer()
    background: set[asyncio.Task[Any]] = set()

    def spawn(coro: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.ensure_future(coro)
        background.add(task)
        task.add_done_callback(background.discard)

    @server.feature(types.INITIALIZE)
    def initialize(ls: GhostwiseServer, params: types.InitializeParams) -> None:
        text_doc = params.capabilities.text_document
        ls.client_has_inline = bool(text_doc and text_doc.inline_completion is not None)
        item_caps = text_doc.completion.completion_item if text_doc and text_doc.completion else None
        ls.client_has_snippets = bool(item_caps and item_caps.snippet_support)
        root = params.root_uri or (params.workspace_folders[0].uri if params.workspace_folders else None)
        root_path = to_fs_path(root) if root else None
        ls.workspace_root = Path(root_path) if root_path else None
        ls.devdata.client = params.client_info.name if params.client_info else ""
        ls.apply_settings(params.initialization_options)

    @server.feature(types.INITIALIZED)
    def initialized(ls: GhostwiseServer, params: types.InitializedParams) -> None:
        spawn(ls.load_model())
        spawn(asyncio.to_thread(ls.service.warm_engine))

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: GhostwiseServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.prepare(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: GhostwiseServer, params: types.DidChangeTextDocumentParams) -> None:
        last = params.content_changes[-1] if params.content_changes else None
        edit = last if isinstance(last, types.TextDocumentContentChangePartial) else None
        ls.prepare(
            params.text_document.uri,
            edit.range.start if edit else None,
            len(edit.text) if edit else 0,
            edited=True,
        )

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    def did_change_configuration(ls: GhostwiseServer, params: types.DidChangeConfigurationParams) -> None:
        changed = ls.apply_settings(settings_section(params.settings))
        if "engine" in changed:
            spawn(asyncio.to_thread(ls.service.warm_engine))
        if "model" in changed:
            spawn(ls.load_model())
        else:
            ls.send_current_status()

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: GhostwiseServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        ls.forget(uri)
        ls.service.forget(uri)
        ls.devdata.closed(uri)
        spawn(asyncio.to_thread(release_freed_memory))

    @server.feature(types.TEXT_DOCUMENT_INLINE_COMPLETION, types.InlineCompletionOptions())
    async def inline_completion(
        ls: GhostwiseServer, params: types.InlineCompletionParams
    ) -> types.InlineCompletionList | None:
        explicit = params.context.trigger_kind == types.InlineCompletionTriggerKind.Invoked
        offer = await ls.suggest(params.text_document.uri, params.position, explicit=explicit)
        return None if offer is None else inline_list(offer.suggestion, offer.id, params.position)

    @server.feature(
        types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(trigger_characters=[".", "(", " "])
    )
    async def completion(ls: GhostwiseServer, params: types.CompletionParams) -> types.CompletionList | None:
        if not ls.use_completion_fallback():
            return None
        # a client that sends no context cannot say it was asked: automatic
        explicit = (
            params.context is not None and params.context.trigger_kind == types.CompletionTriggerKind.Invoked
        )
        offer = await ls.suggest(
            params.text_document.uri, params.position, explicit=explicit, surface="completion"
        )
        if offer is None:
            return None
        text, cursor = offer.doc.text, offer.doc.cursor
        return completion_list(
            offer.suggestion,
            offer.id,
            params.position,
            text[line_start(text, cursor) : cursor],
            snippet=ls.client_has_snippets,
        )

    @server.feature(COUNTERS_REQUEST)
    def counters(ls: GhostwiseServer, params: object) -> dict[str, int]:
        return ls.responder.counters.to_dict()

    @server.command(ACCEPT_COMMAND)
    def accept(ls: GhostwiseServer, *args: object) -> None:
        if args and isinstance(args[0], str):
            ls.devdata.accepted(args[0])

    @server.command(SNOOZE_COMMAND)
    def snooze(ls: GhostwiseServer, *args: object) -> None:
        ls.snooze.start(minutes_of(args, ls.settings.gate.snooze_minutes))

    @server.command(RESUME_COMMAND)
    def resume(ls: GhostwiseServer, *args: object) -> None:
        ls.snooze.stop()

    @server.feature(notifications.DID_HIDE_COMPLETION)
    def did_hide(ls: GhostwiseServer, params: object) -> None:
        if (suggestion_id := notifications.suggestion_id(params)) is not None:
            ls.devdata.hidden(suggestion_id)

    @server.feature(notifications.DID_SHOW_COMPLETION)
    def did_show(ls: GhostwiseServer, params: object) -> None:
        if (suggestion_id := notifications.suggestion_id(params)) is not None:
            ls.devdata.shown(suggestion_id)

    @server.feature(notifications.DID_PARTIALLY_ACCEPT_COMPLETION)
    def did_partially_accept(ls: GhostwiseServer, params: object) -> None:
        suggestion_id, length = notifications.suggestion_id(params), notifications.accepted_length(params)
        if suggestion_id is not None and length is not None:
            ls.devdata.partially_accepted(suggestion_id, length)

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: GhostwiseServer, *args: object) -> None:
        ls.scheduler.shutdown()
        ls.devdata.close()

    return server
