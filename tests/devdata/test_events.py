"""Outcomes over the real LSP: accept, partial accept, dismissal by replacement and by time-out.

Each test is one server session (the model loads in each), so each walks through several steps.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.devdata.conftest import read_events, wait_events
from tests.devdata.lsp_steps import FAST, URI, accept, hide, partially_accept, show, suggest
from tests.lsp.session import start


async def test_accept_partial_accept_and_replacement(client: LanguageClient, data_dir: Path) -> None:
    await start(client, options=FAST)
    await accept(client, "no-such-id")  # unknown ids and odd params are ignored
    client.protocol.notify("textDocument/didShowCompletion", {"item": 3})
    client.protocol.notify("textDocument/didPartiallyAcceptCompletion", {"acceptedLength": "x"})

    partial, partial_text = await suggest(client)
    show(client, partial)
    partially_accept(client, partial, 3)
    partially_accept(client, partial, 10_000)  # clamped to the suggestion's length
    partially_accept(client, partial, 2)  # never goes back
    dismissed, _ = await suggest(client)  # replaces the partially accepted one
    show(client, dismissed)
    accepted, accepted_text = await suggest(client)  # replaces the dismissed one
    assert accepted not in read_events(data_dir)  # still open: no outcome yet
    show(client, accepted)
    await accept(client, accepted)
    await accept(client, accepted)  # twice: still one event

    events = await wait_events(data_dir, partial, dismissed, accepted)
    assert len(events) == 3
    event = events[partial]
    assert (event.outcome, event.ended_by, event.accepted_chars) == ("partial", "replaced", len(partial_text))
    event = events[dismissed]
    assert (event.outcome, event.ended_by, event.shown, event.accepted_chars) == (
        "dismissed",
        "replaced",
        True,
        0,
    )
    event = events[accepted]
    assert (event.v, event.outcome, event.ended_by, event.shown) == (1, "accepted", "accept", True)
    assert event.accepted_chars == event.suggestion.chars == len(accepted_text)
    assert event.suggestion.lines == accepted_text.count("\n") + 1 and event.suggestion.tokens > 0
    assert (event.language, event.surface) == ("python", "inline") and event.mode in ("base", "guided")
    assert event.model and event.session == events[partial].session and event.text is None
    assert event.prompt.tokens > 0 and event.prompt.prefix_chars > 0 and event.prompt.suffix_chars == 0
    latency = event.latency_ms
    assert latency.queue >= 0 and latency.prompt > 0 and latency.generate > 0
    assert latency.total >= latency.queue + latency.prompt
    assert event.mode == "base" or event.guidance.get("engine_queries", 0) >= 0


async def test_timeouts_and_silent_clients(client: LanguageClient, data_dir: Path) -> None:
    await start(client, options={**FAST, "dismissAfterMs": 300})
    silent, _ = await suggest(client)  # the client has reported nothing so far: outcome unknown
    events = await wait_events(data_dir, silent)
    assert (events[silent].outcome, events[silent].ended_by, events[silent].shown) == (
        "unknown",
        "timeout",
        None,
    )
    assert events[silent].outcome_ms >= 300

    shown, _ = await suggest(client, uri="file:///tmp/ghostwise-devdata/other.py")
    show(client, shown)
    await asyncio.sleep(0.15)
    show(client, shown)  # each notification restarts the time-out
    events = await wait_events(data_dir, shown)
    assert (events[shown].outcome, events[shown].ended_by, events[shown].shown) == (
        "dismissed",
        "timeout",
        True,
    )
    assert events[shown].outcome_ms >= 450

    unseen, _ = await suggest(client)  # a client that reports shows did not show this one
    events = await wait_events(data_dir, unseen)
    assert (events[unseen].outcome, events[unseen].shown) == ("unseen", False)

    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"ghostwise": {"completionFallback": "always"}})
    )
    listed = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=URI),
            position=types.Position(line=10, character=11),
        )
    )
    assert isinstance(listed, types.CompletionList) and listed.items[0].command is not None
    from_list = (listed.items[0].command.arguments or [None])[0]
    assert isinstance(from_list, str)
    events = await wait_events(data_dir, from_list)
    assert (events[from_list].surface, events[from_list].outcome) == ("completion", "unseen")


async def test_hidden_by_the_client_ends_a_suggestion_at_once(client: LanguageClient, data_dir: Path) -> None:
    """The VS Code extension's ghostwise/didHideCompletion: no waiting for a newer request or a time-out."""
    await start(client, options={**FAST, "dismissAfterMs": 3_600_000})  # only the hide can end them
    dismissed, _ = await suggest(client)
    show(client, dismissed)
    hide(client, dismissed)
    events = await wait_events(data_dir, dismissed)
    assert (events[dismissed].outcome, events[dismissed].ended_by, events[dismissed].shown) == (
        "dismissed",
        "hidden",
        True,
    )
    partial, _ = await suggest(client, uri="file:///tmp/ghostwise-devdata/other.py")
    show(client, partial)
    partially_accept(client, partial, 2)
    hide(client, partial)
    hide(client, partial)  # twice, or after the end: ignored
    events = await wait_events(data_dir, partial)
    assert (events[partial].outcome, events[partial].ended_by, events[partial].accepted_chars) == (
        "partial",
        "hidden",
        2,
    )
