"""Client-side steps of the dev-data tests: ask for a suggestion, report what the user did with it."""

from __future__ import annotations

from lsprotocol import types
from pytest_lsp import LanguageClient

from lsp_server.devdata.notifications import (
    DID_HIDE_COMPLETION,
    DID_PARTIALLY_ACCEPT_COMPLETION,
    DID_SHOW_COMPLETION,
)
from tests.lsp.session import inline, open_doc

# short suggestions, one thread (no spinning on a busy machine); every request at the same state is a
# model run of its own (not the typing-through cache's copy), so each event has its decode figures
FAST = {"maxTokens": 8, "threads": 1, "typing": {"cache": False}}
URI = "file:///tmp/ghostwise-devdata/shapes.py"
SOURCE = '''import math


def circle_area(radius):
    """Return the area of a circle."""
    return math.pi * radius ** 2


def square_area(side):
    """Return the area of a square."""
    return '''


async def suggest(client: LanguageClient, source: str = SOURCE, uri: str = URI) -> tuple[str, str]:
    """Open ``source`` and ask for ghost text at its end; return (suggestion id, text)."""
    open_doc(client, uri, source)
    last = source.split("\n")[-1]
    result = await inline(client, uri, source.count("\n"), len(last))
    assert result is not None and result.items, "the model gave no suggestion"
    item = result.items[0]
    assert item.command is not None and item.command.arguments
    suggestion_id = item.command.arguments[0]
    assert isinstance(suggestion_id, str) and isinstance(item.insert_text, str)
    return suggestion_id, item.insert_text


def _item(suggestion_id: str) -> dict[str, object]:
    return {
        "insertText": "",
        "command": {"title": "", "command": "ghostwise.accept", "arguments": [suggestion_id]},
    }


def show(client: LanguageClient, suggestion_id: str) -> None:
    client.protocol.notify(DID_SHOW_COMPLETION, {"item": _item(suggestion_id)})


def hide(client: LanguageClient, suggestion_id: str) -> None:
    client.protocol.notify(DID_HIDE_COMPLETION, {"item": _item(suggestion_id)})


def partially_accept(client: LanguageClient, suggestion_id: str, length: int) -> None:
    client.protocol.notify(
        DID_PARTIALLY_ACCEPT_COMPLETION, {"item": _item(suggestion_id), "acceptedLength": length}
    )


async def accept(client: LanguageClient, suggestion_id: str) -> None:
    await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="ghostwise.accept", arguments=[suggestion_id])
    )
