"""The user controls over stdio, real model: manual trigger, language/file rules, minimum length,
snooze and the "thinking" progress. Each test is one server session (the model loads in each)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import pytest_lsp
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import LanguageClient

from tests.lsp.session import CONFIG, open_doc, start

ROOT = "file:///tmp/ghostwise-controls"
TEXT = "def add(a, b):\n    return "
POSITION = types.Position(line=1, character=11)


@pytest_lsp.fixture(config=CONFIG)
async def client(lsp_client: LanguageClient):
    yield
    await lsp_client.shutdown_session()


async def inline(client: LanguageClient, uri: str, *, invoked: bool = False) -> str:
    """The ghost text for ``uri`` at the end of TEXT ('' for no answer)."""
    kind = (
        types.InlineCompletionTriggerKind.Invoked if invoked else types.InlineCompletionTriggerKind.Automatic
    )
    result = await client.text_document_inline_completion_async(
        types.InlineCompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=POSITION,
            context=types.InlineCompletionContext(trigger_kind=kind),
        )
    )
    if result is None:
        return ""
    assert isinstance(result, types.InlineCompletionList) and result.items
    text = result.items[0].insert_text
    assert isinstance(text, str) and text
    return text


async def completion(client: LanguageClient, uri: str, context: types.CompletionContext | None) -> bool:
    """Whether ``textDocument/completion`` answered with ghostwise's item."""
    result = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=POSITION, context=context
        )
    )
    return isinstance(result, types.CompletionList) and len(result.items) == 1


async def command(client: LanguageClient, name: str, *arguments: object) -> None:
    await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=name, arguments=list(arguments))
    )


def configure(client: LanguageClient, settings: dict[str, Any]) -> None:
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"ghostwise": settings})
    )


async def test_manual_trigger_answers_only_explicit_requests(client: LanguageClient) -> None:
    await start(client, options={"trigger": "manual", "completionFallback": "always", "maxTokens": 8})
    uri = f"{ROOT}/app.py"
    open_doc(client, uri, TEXT)
    assert await inline(client, uri) == ""  # automatic: as the editor types
    assert await inline(client, uri, invoked=True)  # Alt+\ in VS Code, <M-\> in Neovim
    typed = types.CompletionContext(
        trigger_kind=types.CompletionTriggerKind.TriggerCharacter, trigger_character=" "
    )
    assert not await completion(client, uri, typed)
    assert not await completion(client, uri, None)  # no context: the client cannot say it was asked
    assert await completion(
        client, uri, types.CompletionContext(trigger_kind=types.CompletionTriggerKind.Invoked)
    )
    configure(client, {"trigger": "automatic"})
    assert await inline(client, uri)


async def test_language_and_file_rules(client: LanguageClient) -> None:
    await start(
        client,
        options={"languages": ["!markdown"], "files": ["!**/tests/**", "!secret_*.py"], "maxTokens": 8},
        root_uri=ROOT,
    )
    docs = {
        "notes": (f"{ROOT}/notes.md", "markdown"),
        "test": (f"{ROOT}/pkg/tests/test_add.py", "python"),
        "secret": (f"{ROOT}/lib/secret_keys.py", "python"),
        "app": (f"{ROOT}/lib/app.py", "python"),
    }
    for uri, language in docs.values():
        open_doc(client, uri, TEXT, language_id=language)
    assert [bool(await inline(client, uri)) for uri, _ in docs.values()] == [False, False, False, True]
    # rules change at once; `*` and `**` match everything, the last matching rule decides
    configure(client, {"languages": ["!*", "python"], "files": ["!**", "pkg/**"]})
    assert [bool(await inline(client, uri)) for uri, _ in docs.values()] == [False, True, False, False]
    # a wrong value is reported and the rules in force are kept
    configure(client, {"files": "tests"})
    assert [bool(await inline(client, uri)) for uri, _ in docs.values()] == [False, True, False, False]
    messages = [m.message for m in client.messages]
    assert any("'files'" in m and "expected a list of strings" in m for m in messages), messages


async def test_minimum_length(client: LanguageClient) -> None:
    await start(client, options={"minChars": 1000, "maxTokens": 8})
    uri = f"{ROOT}/app.py"
    open_doc(client, uri, TEXT)
    assert await inline(client, uri) == ""  # the model made a suggestion, shorter than 1000 characters
    configure(client, {"minChars": 1})
    assert await inline(client, uri)


async def test_snooze_and_resume(client: LanguageClient) -> None:
    statuses = await start(client, options={"maxTokens": 8, "snoozeMinutes": 5})
    uri = f"{ROOT}/app.py"
    open_doc(client, uri, TEXT)
    assert statuses[-1]["state"] == "ready"
    before = len(statuses)
    # the status goes out before the command's answer
    await command(client, "ghostwise.snooze")
    assert statuses[-1]["state"] == "ready" and statuses[-1]["snoozedUntil"].endswith("Z"), statuses
    until = datetime.fromisoformat(statuses[-1]["snoozedUntil"])
    assert timedelta(minutes=4) < until - datetime.now(UTC) <= timedelta(minutes=5)  # snoozeMinutes
    assert await inline(client, uri) == ""
    assert await inline(client, uri, invoked=True)  # asking explicitly still works
    await command(client, "ghostwise.resume")
    assert statuses[-1]["snoozedUntil"] is None
    assert await inline(client, uri)
    await command(client, "ghostwise.snooze", 1)  # an explicit length in minutes
    assert statuses[-1]["snoozedUntil"]
    assert await inline(client, uri) == ""
    assert len(statuses) == before + 3  # one per snooze or resume
    with pytest.raises(JsonRpcException, match="takes minutes"):
        await command(client, "ghostwise.snooze", 10**12)
    assert len(statuses) == before + 3 and await inline(client, uri, invoked=True)  # and it goes on


async def test_thinking_progress_around_a_slow_suggestion(client: LanguageClient) -> None:
    await start(client, options={"thinkingAfterMs": 0, "maxTokens": 8})
    uri = f"{ROOT}/app.py"
    open_doc(client, uri, TEXT)

    def thinking() -> list[list[Any]]:
        return [v for t, v in client.progress_reports.items() if str(t).startswith("ghostwise-thinking-")]

    assert await inline(client, uri)
    # begun (thinkingAfterMs 0: at once) and ended before the answer arrived
    [reports] = thinking()
    assert [type(r) for r in reports] == [types.WorkDoneProgressBegin, types.WorkDoneProgressEnd], reports
    assert reports[0].title == "thinking" and "app.py" in (reports[0].message or "")
    configure(client, {"thinkingAfterMs": 600_000})
    assert await inline(client, uri)
    assert len(thinking()) == 1  # well within its budget: no progress


async def test_thinking_progress_of_superseded_requests_ends_without_errors(client: LanguageClient) -> None:
    """A burst: most requests end while the client is still creating their progress token."""
    await start(client, options={"thinkingAfterMs": 0, "maxTokens": 8, "debounceMs": 0})

    async def slow_create(params: types.WorkDoneProgressCreateParams) -> None:
        await asyncio.sleep(0.3)  # a busy editor (VS Code's extension host) answers late
        client.progress_reports.setdefault(params.token, [])

    # in place of pytest-lsp's own handler (a second @client.feature for a method is refused)
    client.protocol.fm.features[types.WINDOW_WORK_DONE_PROGRESS_CREATE] = slow_create

    uri = f"{ROOT}/app.py"
    open_doc(client, uri, TEXT)
    answers = await asyncio.gather(*(inline(client, uri) for _ in range(12)))
    assert sum(1 for a in answers if a) == 1  # only the newest is computed
    await asyncio.sleep(1)  # the late token answers reach the server
    assert [m.message for m in client.messages if m.type == types.MessageType.Error] == []
    for token, reports in client.progress_reports.items():
        if not str(token).startswith("ghostwise-thinking-"):
            continue
        kinds = [type(r) for r in reports]
        assert kinds in ([], [types.WorkDoneProgressBegin, types.WorkDoneProgressEnd]), (token, kinds)
