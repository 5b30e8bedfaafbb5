"""A raw stdio session with the real server: any bytes in, every JSON-RPC message out, checked.

pytest-lsp's client cannot send what a broken client sends (bad JSON, bad frames, wrong types), so
these tests and the fuzz talk to ``ghostwise --stdio`` through this. Each message the server sends is
checked against JSON-RPC 2.0 as it arrives; the server's own requests are answered with ``null``.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from tests.lsp.session import SERVER

Message = dict[str, Any]
NO_ID = object()  # an error answered with "id": null


class ProtocolViolation(AssertionError):
    """The server sent something that breaks JSON-RPC (or LSP's framing)."""


class Wire:
    """Talk to one server process; ``responses`` maps each request id answered to its responses."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.ids = itertools.count(1)
        self.responses: dict[object, list[Message]] = {}
        self.notifications: list[Message] = []
        self.stderr = bytearray()
        self._arrived = asyncio.Event()
        self._tasks = [asyncio.create_task(self._read_stdout()), asyncio.create_task(self._read_stderr())]

    # -- sending -------------------------------------------------------------------------------
    def send_raw(self, data: bytes) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(data)

    def send_body(self, body: bytes) -> None:
        self.send_raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def send(self, message: Message) -> None:
        self.send_body(json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8", "surrogatepass"))

    def notify(self, method: str, params: Any = None) -> None:
        self.send({"method": method, **({} if params is None else {"params": params})})

    def open(self, uri: str, text: str, *, version: int = 1, language_id: str = "python") -> None:
        self.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": language_id, "version": version, "text": text}},
        )

    def request_id(self) -> int:
        return next(self.ids)

    async def request(self, method: str, params: Any = None, *, timeout_s: float = 60) -> Message:
        """Send a request and wait for its one response."""
        msg_id = self.request_id()
        self.send({"id": msg_id, "method": method, **({} if params is None else {"params": params})})
        return await self.response(msg_id, timeout_s=timeout_s)

    # -- receiving -----------------------------------------------------------------------------
    async def response(self, msg_id: object, *, timeout_s: float = 60) -> Message:
        """The response to ``msg_id`` (``NO_ID``: the next unclaimed one with ``id: null``)."""
        key = None if msg_id is NO_ID else msg_id
        async with asyncio.timeout(timeout_s):
            while not self.responses.get(key):
                if self.proc.returncode is not None or self.proc.stdout is None or self.proc.stdout.at_eof():
                    raise ProtocolViolation(f"server gone before answering {msg_id!r}: {self.tail()}")
                await self.next_message()
        found = self.responses[key]
        return found.pop(0) if key is None else found[0]

    async def next_message(self) -> None:
        """Wait until the server sends something (or its output ends)."""
        self._arrived.clear()
        await self._arrived.wait()

    def tail(self, chars: int = 3000) -> str:
        return self.stderr.decode(errors="replace")[-chars:]

    async def _read_stdout(self) -> None:
        assert self.proc.stdout is not None
        try:
            while (message := await read_frame(self.proc.stdout)) is not None:
                self._take(message)
                self._arrived.set()
        finally:
            self._arrived.set()

    async def _read_stderr(self) -> None:
        assert self.proc.stderr is not None
        while chunk := await self.proc.stderr.read(65536):
            self.stderr += chunk

    def _take(self, message: Message) -> None:
        check_message(message)
        if "method" in message and "id" in message:  # a request from the server: answer it
            self.send({"id": message["id"], "result": None})
        elif "method" in message:
            self.notifications.append(message)
        else:
            self.responses.setdefault(message["id"], []).append(message)

    async def close(self) -> int:
        """shutdown, exit; the exit code (killed after 10 s)."""
        if self.proc.returncode is None:
            try:
                await self.request("shutdown", timeout_s=10)
                self.notify("exit")
                await asyncio.wait_for(self.proc.wait(), 10)
            except (TimeoutError, ProtocolViolation, ConnectionError):
                if self.proc.returncode is None:
                    self.proc.kill()
                    await self.proc.wait()
        for task in self._tasks:
            await asyncio.wait_for(task, 10)
        assert self.proc.returncode is not None
        return self.proc.returncode


def check_message(message: object) -> None:
    """Raise :class:`ProtocolViolation` unless ``message`` is a JSON-RPC 2.0 message."""
    if not isinstance(message, dict) or message.get("jsonrpc") != "2.0":
        raise ProtocolViolation(f"not a JSON-RPC 2.0 message: {message!r:.300}")
    if "method" in message:
        if not isinstance(message["method"], str):
            raise ProtocolViolation(f"method is not a string: {message!r:.300}")
        return
    if "id" not in message:
        raise ProtocolViolation(f"a response without id: {message!r:.300}")
    if ("result" in message) == ("error" in message):
        raise ProtocolViolation(f"a response needs exactly one of result and error: {message!r:.300}")
    error = message.get("error")
    if error is not None and not (
        isinstance(error, dict)
        and isinstance(error.get("code"), int)
        and isinstance(error.get("message"), str)
    ):
        raise ProtocolViolation(f"a malformed error: {message!r:.300}")


async def read_frame(stream: asyncio.StreamReader) -> Message | None:
    length = None
    while True:
        line = await stream.readline()
        if not line:
            return None
        if line == b"\r\n":
            break
        name, _, value = line.decode("ascii").partition(":")
        if name.lower() == "content-length":
            length = int(value)
    if length is None:
        raise ProtocolViolation("a frame without Content-Length")
    body = await stream.readexactly(length)
    try:
        message: Message = json.loads(body)
    except ValueError as e:
        raise ProtocolViolation(f"a frame that is not JSON: {body[:200]!r}") from e
    return message


def initialize_params(options: dict[str, Any] | None = None) -> Message:
    return {
        "processId": os.getpid(),
        "rootUri": None,
        "capabilities": {
            "textDocument": {"inlineCompletion": {}},
            "window": {"workDoneProgress": True},
        },
        # one llama.cpp thread: the server shares two cores with Jedi and the test
        "initializationOptions": {"threads": 1, **(options or {})},
    }


@asynccontextmanager
async def wire_session(
    *, initialize: bool = True, options: dict[str, Any] | None = None
) -> AsyncIterator[Wire]:
    """A server process (initialized unless told otherwise), closed and reaped afterwards."""
    proc = await asyncio.create_subprocess_exec(
        *SERVER,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        limit=1 << 26,
    )
    wire = Wire(proc)
    try:
        if initialize:
            answer = await wire.request("initialize", initialize_params(options))
            assert "result" in answer, answer
            wire.notify("initialized", {})
        yield wire
    finally:
        await wire.close()


async def until_ready(wire: Wire, *, timeout_s: float = 120) -> str:
    """Wait for the model to load; the final ``ghostwise/status`` state (ready or error)."""
    async with asyncio.timeout(timeout_s):
        while True:
            states = [n["params"]["state"] for n in wire.notifications if n["method"] == "ghostwise/status"]
            if states and states[-1] in ("ready", "error"):
                return str(states[-1])
            await wire.next_message()
