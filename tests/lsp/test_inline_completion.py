"""textDocument/inlineCompletion over stdio against the real default model."""

from __future__ import annotations

import asyncio

import pytest
import pytest_lsp
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import LanguageClient

from tests.lsp.session import CONFIG, ghost_text, inline, open_doc, start

URI = "file:///tmp/ghostwise-test/shapes.py"
SOURCE = '''import math


def circle_area(radius):
    """Return the area of a circle."""
    return math.pi * radius ** 2


def square_area(side):
    """Return the area of a square."""
    return '''


@pytest_lsp.fixture(config=CONFIG)
async def client(lsp_client: LanguageClient):
    statuses = await start(lsp_client)
    assert statuses[-1]["state"] == "ready", statuses
    yield
    await lsp_client.shutdown_session()


async def test_advertises_inline_completion(client: LanguageClient) -> None:
    # initialize_session stored what the server answered in the protocol's capabilities
    caps = client.protocol.server_capabilities if hasattr(client.protocol, "server_capabilities") else None
    assert caps is None or caps.inline_completion_provider is not None


async def test_sensible_python_continuation(client: LanguageClient) -> None:
    open_doc(client, URI, SOURCE)
    last = SOURCE.split("\n")[-1]
    result = await inline(client, URI, SOURCE.count("\n"), len(last))
    assert result is not None and result.items
    item = result.items[0]
    text = item.insert_text if isinstance(item.insert_text, str) else item.insert_text.value
    assert "side" in text, text  # the model continues `return ` with an expression of the parameter
    assert "\n" not in text  # mid-statement: single line
    assert item.command is not None and item.command.command == "ghostwise.accept"


async def test_multiline_after_block_opener(client: LanguageClient) -> None:
    text = "def fibonacci(n):\n    "
    open_doc(client, URI, text)
    result = await inline(client, URI, 1, 4)
    assert result is not None and result.items
    body = result.items[0].insert_text
    assert isinstance(body, str) and body.strip()
    for line in body.split("\n")[1:]:  # never leaves the function's block
        assert not line.strip() or line.startswith("    "), body


async def test_incremental_edits_are_seen(client: LanguageClient) -> None:
    open_doc(client, URI, "import os\n")
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=URI, version=2),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(
                        start=types.Position(line=1, character=0), end=types.Position(line=1, character=0)
                    ),
                    text="print(os.getcwd(",
                )
            ],
        )
    )
    result = await inline(client, URI, 1, len("print(os.getcwd("))
    # the suffix is empty, the line is mid-statement: a one-line closing of the call
    assert "\n" not in ghost_text(result)


async def test_burst_computes_only_the_latest(client: LanguageClient) -> None:
    open_doc(client, URI, SOURCE)
    line = SOURCE.count("\n")
    tasks = [asyncio.create_task(inline(client, URI, line, len("    return "))) for _ in range(20)]
    results = await asyncio.gather(*tasks)
    answered = [r for r in results if r is not None and r.items]
    assert len(answered) == 1 and results[-1] is answered[0]


async def test_cancel_request_answers_request_cancelled(client: LanguageClient) -> None:
    text = "class Matrix:\n    def __init__(self, rows):\n        "
    open_doc(client, URI, text, version=3)
    params = types.InlineCompletionParams(
        text_document=types.TextDocumentIdentifier(uri=URI),
        position=types.Position(line=2, character=8),
        context=types.InlineCompletionContext(trigger_kind=types.InlineCompletionTriggerKind.Invoked),
    )
    future = client.protocol.send_request(types.TEXT_DOCUMENT_INLINE_COMPLETION, params, msg_id="to-cancel")
    await asyncio.sleep(0.3)  # generation is running by now
    client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id="to-cancel"))
    with pytest.raises(JsonRpcException) as raised:
        await asyncio.wait_for(asyncio.wrap_future(future), timeout=5)
    assert raised.value.code == -32800
    # the server keeps serving afterwards
    open_doc(client, URI, SOURCE, version=4)
    result = await inline(client, URI, SOURCE.count("\n"), len("    return "))
    assert result is not None and result.items
