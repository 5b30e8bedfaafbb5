"""Typing through suggestions over stdio against the real default model: the suggestion cache, the
adoption of running generations and speculative next, on the edge cases of the issue (divergent typing,
backspace, undo and redo, an edit elsewhere, two documents in alternation, a speculation still running
when the user accepts, huge files). The cache never answers a state it was not computed for, except with
the typed-through remainder of a suggestion. ``model_runs`` counts generations run for a request;
speculations are ``speculative_runs``."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import pytest_lsp
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import LanguageClient

from tests.lsp.session import CONFIG, ghost_text, inline, insert, open_doc, request_invoked, start

URI = "file:///tmp/ghostwise-typing/a/shapes.py"
OTHER = "file:///tmp/ghostwise-typing/b/shapes.py"  # the same name: the same prompt
SOURCE = '''import math


def circle_area(radius):
    """Return the area of a circle."""
    return '''
LINE, COL = SOURCE.count("\n"), len("    return ")


@pytest_lsp.fixture(config=CONFIG)
async def client(lsp_client: LanguageClient):
    statuses = await start(lsp_client)
    assert statuses[-1]["state"] == "ready", statuses
    yield
    await lsp_client.shutdown_session()


async def counters(client: LanguageClient) -> dict[str, Any]:
    result: Any = await client.protocol.send_request_async("ghostwise/counters", None)
    return dict(result) if isinstance(result, dict) else result._asdict()


def configure(client: LanguageClient, settings: dict[str, Any]) -> None:
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"ghostwise": settings})
    )


class Typist:
    """One open document typed into at its cursor, one ``didChange`` per key, versions counted."""

    def __init__(self, client: LanguageClient, uri: str, text: str, line: int, col: int) -> None:
        self.client, self.uri, self.line, self.col, self.version = client, uri, line, col, 1
        open_doc(client, uri, text)

    def type(self, text: str) -> None:
        for ch in text:
            self.version += 1
            insert(self.client, self.uri, self.version, self.line, self.col, ch)
            self.col += 1

    def type_at_once(self, text: str) -> None:
        """``text`` inserted in one edit (an accepted suggestion)."""
        self.version += 1
        insert(self.client, self.uri, self.version, self.line, self.col, text)
        self.line += text.count("\n")
        self.col = len(text) - text.rfind("\n") - 1 if "\n" in text else self.col + len(text)

    def backspace(self, n: int = 1) -> None:
        for _ in range(n):
            self.version += 1
            self.edit(self.line, self.col - 1, self.line, self.col, "")
            self.col -= 1

    def edit(self, line: int, col: int, end_line: int, end_col: int, text: str) -> None:
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=self.uri, version=self.version),
                content_changes=[
                    types.TextDocumentContentChangePartial(
                        range=types.Range(
                            start=types.Position(line=line, character=col),
                            end=types.Position(line=end_line, character=end_col),
                        ),
                        text=text,
                    )
                ],
            )
        )

    async def ask(self) -> str:
        return ghost_text(await inline(self.client, self.uri, self.line, self.col))


async def first_suggestion(client: LanguageClient, uri: str = URI) -> tuple[Typist, str]:
    typist = Typist(client, uri, SOURCE, LINE, COL)
    suggestion = await typist.ask()
    assert len(suggestion) >= 4, suggestion
    return typist, suggestion


def suggestion_id(result: Any) -> str:
    return result.items[0].command.arguments[0]


async def test_typing_through_a_shown_suggestion_needs_no_model_call(client: LanguageClient) -> None:
    typist = Typist(client, URI, SOURCE, LINE, COL)
    first = await inline(client, URI, LINE, COL)
    suggestion = ghost_text(first)
    assert len(suggestion) >= 4, suggestion
    before = await counters(client)
    served = []
    for k in range(1, 4):
        typist.type(suggestion[k - 1])
        result = await inline(client, URI, typist.line, typist.col)
        assert ghost_text(result) == suggestion[k:]
        served.append(suggestion_id(result))
    after = await counters(client)
    assert after["model_runs"] == before["model_runs"], (before, after)
    assert after["served_cache"] == before["served_cache"] + 3
    sources = {sid: source for sid, source in after["sources"]}  # each suggestion's own source, by id
    assert [sources[i] for i in [suggestion_id(first), *served]] == ["model", "cache", "cache", "cache"]


async def test_off_every_keystroke_computes(client: LanguageClient) -> None:
    configure(client, {"typing": {"cache": False, "speculative": False}})
    typist, suggestion = await first_suggestion(client)
    before = await counters(client)
    typist.type(suggestion[0])
    await typist.ask()
    after = await counters(client)
    assert after["model_runs"] == before["model_runs"] + 1 and after["served_cache"] == 0


async def test_divergent_typing_mid_token_is_computed_afresh(client: LanguageClient) -> None:
    typist, suggestion = await first_suggestion(client)
    wrong = "Z" if suggestion[0] != "Z" else "Q"
    before = await counters(client)
    typist.type(wrong)
    answer = await typist.ask()
    after = await counters(client)
    assert after["model_runs"] == before["model_runs"] + 1 and after["served_cache"] == before["served_cache"]
    assert answer != suggestion[1:] or not answer


async def test_backspace_undo_and_redo_are_answered_from_the_cache(client: LanguageClient) -> None:
    typist, suggestion = await first_suggestion(client)
    typist.type(suggestion[:3])
    assert await typist.ask() == suggestion[3:]
    before = await counters(client)
    typist.backspace()  # back into the suggestion
    assert await typist.ask() == suggestion[2:]
    typist.backspace(2)  # undo to the state it was computed for
    assert await typist.ask() == suggestion
    typist.type(suggestion[:2])  # redo
    assert await typist.ask() == suggestion[2:]
    after = await counters(client)
    assert after["model_runs"] == before["model_runs"], (before, after)


async def test_an_edit_on_an_earlier_line_is_never_answered_from_the_cache(client: LanguageClient) -> None:
    typist, suggestion = await first_suggestion(client)
    typist.version += 1
    typist.edit(0, 0, 0, 0, "# shapes\n")  # the cursor's line moves down by one
    typist.line += 1
    before = await counters(client)
    await typist.ask()
    typist.type(suggestion[0])
    await typist.ask()
    after = await counters(client)
    assert after["served_cache"] - before["served_cache"] <= 1  # only the new state's own suggestion
    assert after["model_runs"] >= before["model_runs"] + 1


async def test_two_documents_typed_in_alternation(client: LanguageClient) -> None:
    a, suggestion = await first_suggestion(client, URI)
    other = SOURCE.replace("circle", "disc").replace("math", "cmath")
    b = Typist(client, OTHER, other, LINE, COL)
    b_suggestion = await b.ask()
    before = await counters(client)
    for k in range(1, 3):
        a.type(suggestion[k - 1])
        assert await a.ask() == suggestion[k:]
        if len(b_suggestion) > k:
            b.type(b_suggestion[k - 1])
            assert await b.ask() == b_suggestion[k:]
    after = await counters(client)
    assert after["model_runs"] == before["model_runs"], (before, after)


async def test_a_request_typing_along_a_running_generation_adopts_it(client: LanguageClient) -> None:
    # a long multi-line suggestion (about a second of generation on one thread)
    text = "def fibonacci(n):\n    "
    configure(client, {"maxTokens": 64, "maxMs": 60_000})  # no time limit: both runs end alike
    probe = Typist(client, URI, text, 1, 4)
    suggestion = await probe.ask()
    assert len(suggestion) >= 8, suggestion
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=URI))
    )
    typist = Typist(client, OTHER, text, 1, 4)  # the same prompt, nothing cached for it
    before = await counters(client)
    first = request_invoked(client, OTHER, 1, 4, msg_id="first")
    await asyncio.sleep(0.25)  # past the debounce: generating
    typist.type(suggestion[:2])
    client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id="first"))  # as VS Code does
    answer = await typist.ask()
    with contextlib.suppress(JsonRpcException):  # cancelled, as VS Code asked
        await first
    after = await counters(client)
    assert answer == suggestion[2:], (answer, suggestion)
    assert after["served_stream"] == before["served_stream"] + 1, (before, after)
    assert after["model_runs"] == before["model_runs"] + 1  # the one generation, not a second


async def test_a_huge_file_is_typed_through(client: LanguageClient) -> None:
    filler = "".join(f"def helper_{i}(x):\n    return x + {i}\n\n\n" for i in range(40_000))  # ~1.2 MB
    typist = Typist(client, URI, filler + SOURCE, LINE + filler.count("\n"), COL)
    suggestion = await typist.ask()
    assert suggestion
    before = await counters(client)
    typist.type(suggestion[0])
    assert await typist.ask() == suggestion[1:]
    after = await counters(client)
    assert after["model_runs"] == before["model_runs"]


async def until(client: LanguageClient, counter: str, value: int) -> dict[str, int]:
    """The counters once ``counter`` reached ``value`` (at most 30 s)."""
    for _ in range(300):
        if (now := await counters(client))[counter] >= value:
            return now
        await asyncio.sleep(0.1)
    raise TimeoutError(f"{counter} never reached {value}: {now}")


async def test_accepting_is_answered_by_the_speculation(client: LanguageClient) -> None:
    typist, suggestion = await first_suggestion(client)
    before = await until(client, "speculative_runs", 1)  # computed while the user looks at it
    typist.type_at_once(suggestion)  # Tab: the whole suggestion in one edit
    await typist.ask()  # (at the end of this line there may be nothing to suggest: then it answers that)
    after = await counters(client)
    assert after["requests"] == before["requests"] + 1
    assert after["model_runs"] == before["model_runs"], (before, after)


async def test_a_speculation_still_running_when_the_user_accepts_is_adopted(client: LanguageClient) -> None:
    configure(client, {"maxTokens": 64, "maxMs": 60_000})  # a long multi-line suggestion, then its next
    typist = Typist(client, URI, "def fibonacci(n):\n    ", 1, 4)
    suggestion = await typist.ask()
    before = await counters(client)
    typist.type_at_once(suggestion)  # accepted at once: the speculation has just begun
    assert await typist.ask()
    after = await counters(client)
    assert after["model_runs"] == before["model_runs"], (before, after)  # no generation of its own
    assert (
        after["served_stream"] + after["served_cache"] == before["served_stream"] + before["served_cache"] + 1
    )


async def test_a_keystroke_cancels_the_speculation(client: LanguageClient) -> None:
    configure(client, {"maxTokens": 64, "maxMs": 60_000})
    typist = Typist(client, URI, "def fibonacci(n):\n    ", 1, 4)
    suggestion = await typist.ask()
    before = await counters(client)
    typist.type("Z" if not suggestion.startswith("Z") else "Q")  # not the suggestion: the speculation stops
    await typist.ask()
    after = await counters(client)
    assert after["cancelled_runs"] >= before["cancelled_runs"] + 1, (before, after)
    assert after["speculative_runs"] == before["speculative_runs"] + 1  # the one, cancelled


async def test_speculation_off(client: LanguageClient) -> None:
    configure(client, {"typing": {"speculative": False}})
    typist, suggestion = await first_suggestion(client)
    await asyncio.sleep(1.0)
    typist.type_at_once(suggestion)
    await typist.ask()
    after = await counters(client)
    assert after["speculative_runs"] == 0 and after["model_runs"] == 2, after
