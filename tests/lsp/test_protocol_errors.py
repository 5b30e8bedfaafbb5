"""The JSON-RPC boundary over a raw stdio pipe: every request gets exactly one response, with the code
docs/errors.md gives it, nothing pops up in the editor per request, and serving goes on."""

from __future__ import annotations

import asyncio
import json
import socket
from typing import Any

import pytest

from lsp_server.framing import MAX_BODY_BYTES
from tests.lsp.session import SERVER
from tests.lsp.wire import NO_ID, Wire, read_frame, until_ready, wire_session

URI = "file:///tmp/ghostwise-test/protocol.py"
GOOD = "def add(a, b):\n    return "


CURSOR = len("    return ")


def inline_params(line: Any = 1, character: Any = CURSOR, **extra: Any) -> dict[str, Any]:
    return {
        "textDocument": {"uri": URI},
        "position": {"line": line, "character": character},
        "context": {"triggerKind": 1},
        **extra,
    }


async def answered_with(wire: Wire, message: dict[str, Any]) -> int:
    """Send a request and return its error code (0: a result)."""
    msg_id = wire.request_id()
    wire.send({"id": msg_id, **message})
    response = await wire.response(msg_id, timeout_s=30)
    return int(response["error"]["code"]) if "error" in response else 0


async def refused_with(wire: Wire, body: bytes) -> int:
    """Send a raw body that has no usable id; the code of the ``id: null`` error it gets."""
    wire.send_body(body)
    response = await wire.response(NO_ID, timeout_s=30)
    assert response["id"] is None
    return int(response["error"]["code"])


async def good_completion(wire: Wire) -> str:
    response = await wire.request("textDocument/inlineCompletion", inline_params(), timeout_s=120)
    result = response["result"]
    assert result is not None and result["items"], response
    return str(result["items"][0]["insertText"])


async def test_bad_requests_each_get_their_error() -> None:
    async with wire_session() as wire:
        wire.open(URI, GOOD)
        method = "textDocument/inlineCompletion"
        assert await refused_with(wire, b'{"jsonrpc": "2.0", "id": 1, "method"') == -32700
        assert await refused_with(wire, b"\xff\xfe not utf-8") == -32700
        assert await refused_with(wire, b"[]") == -32600
        assert await refused_with(wire, b'"a string"') == -32600
        assert (
            await refused_with(wire, json.dumps({"jsonrpc": "2.0", "id": None, "method": method}).encode())
            == -32600
        )
        assert (
            await refused_with(wire, json.dumps({"jsonrpc": "2.0", "id": 1.5, "method": method}).encode())
            == -32600
        )
        assert await answered_with(wire, {"method": 42}) == -32600
        assert await answered_with(wire, {"method": None, "params": {}}) == -32600
        assert await answered_with(wire, {"jsonrpc": "1.0", "method": method}) == -32600
        assert await answered_with(wire, {"params": {}}) == -32600  # no method, no result
        for bad in (inline_params(line=-1), inline_params(line=2**31), inline_params(character="three")):
            assert await answered_with(wire, {"method": method, "params": bad}) == -32602
        no_context = inline_params()
        del no_context["context"]
        assert await answered_with(wire, {"method": method, "params": no_context}) == -32602
        assert await answered_with(wire, {"method": method, "params": [1, 2]}) == -32602
        assert await answered_with(wire, {"method": method}) == -32602
        assert await answered_with(wire, {"method": "textDocument/noSuchThing", "params": {}}) == -32601
        assert await answered_with(wire, {"method": "initialize", "params": {"capabilities": {}}}) == -32600
        wire.send_raw(b"Content-Length: 1099511627776\r\n\r\n")  # 1 TiB announced, never sent
        assert (await wire.response(NO_ID, timeout_s=30))["error"]["code"] == -32600
        wire.proc.stdin.close()  # type: ignore[union-attr]  # the rest of the "body" never comes
        assert await asyncio.wait_for(wire.proc.wait(), 30) is not None


async def test_serving_goes_on_after_bad_frames_and_no_pop_ups() -> None:
    async with wire_session() as wire:
        assert await until_ready(wire) == "ready"
        wire.open(URI, GOOD)
        wire.send_raw(b"Content-Type: text/plain\r\n\r\n")  # a header block without Content-Length
        assert (await wire.response(NO_ID))["error"]["code"] == -32700
        over = MAX_BODY_BYTES + 1
        wire.send_raw(b"Content-Length: %d\r\n\r\n" % over + b" " * over)  # over the limit: skipped
        assert (await wire.response(NO_ID))["error"]["code"] == -32600
        bad: list[Any] = [inline_params(line=-5), {"textDocument": {}}, None]
        for params in bad:
            await answered_with(wire, {"method": "textDocument/inlineCompletion", "params": params})
        wire.notify("textDocument/didChange", {"textDocument": "not an object"})  # dropped, logged
        wire.notify("$/cancelRequest", {"id": {"no": "such"}})
        assert (await good_completion(wire)).strip()
        shown = [n for n in wire.notifications if n["method"] == "window/showMessage"]
        assert shown == [], shown
        assert "Exception in thread" not in wire.tail(100_000)


async def test_lifecycle_errors() -> None:
    async with wire_session(initialize=False) as wire:
        assert await answered_with(wire, {"method": "textDocument/inlineCompletion", "params": {}}) == -32002
        wire.notify("textDocument/didOpen", {"textDocument": {"uri": URI}})  # dropped before initialize
        assert await answered_with(wire, {"method": "initialize", "params": {"capabilities": {}}}) == 0
        assert await answered_with(wire, {"method": "shutdown"}) == 0
        assert await answered_with(wire, {"method": "textDocument/inlineCompletion", "params": {}}) == -32600
        assert await answered_with(wire, {"method": "shutdown"}) == -32600
        wire.notify("exit")
        assert await asyncio.wait_for(wire.proc.wait(), 30) == 0


@pytest.mark.parametrize("stop", ["exit before shutdown", "end of input"])
async def test_stopping_without_shutdown(stop: str) -> None:
    async with wire_session() as wire:
        if stop == "exit before shutdown":
            wire.notify("exit")
            assert await asyncio.wait_for(wire.proc.wait(), 30) == 1  # LSP: exit without shutdown is 1
        else:
            wire.proc.stdin.close()  # type: ignore[union-attr]
            assert await asyncio.wait_for(wire.proc.wait(), 30) is not None
        assert "Traceback" not in wire.tail(100_000)


async def test_the_tcp_transport_has_the_same_boundary() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    args = [*SERVER[:-1], "--tcp", "--port", str(port)]
    proc = await asyncio.create_subprocess_exec(*args, stderr=asyncio.subprocess.PIPE)
    try:
        for _ in range(300):
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                break
            except OSError:
                await asyncio.sleep(0.1)
        else:
            raise AssertionError("the TCP server did not listen")
        body = b'{"jsonrpc": "2.0", "id": 1, "method": "init'
        writer.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        writer.write(b"Content-Length: 1099511627776\r\n\r\n")
        first, second = await read_frame(reader), await read_frame(reader)
        assert first is not None and second is not None
        assert (first["id"], first["error"]["code"]) == (None, -32700)
        assert (second["id"], second["error"]["code"]) == (None, -32600)
        writer.close()  # the client goes away mid-"body": the server stops
        assert await asyncio.wait_for(proc.wait(), 30) is not None
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    assert proc.stderr is not None
    assert b"Traceback" not in await proc.stderr.read()
