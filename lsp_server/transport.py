"""Serving over stdio and TCP with ghostwise's own frame reader and boundary (not pygls' ``run_async``).

Reads go through :mod:`lsp_server.framing` (bounded headers and bodies) and each body through
:meth:`GhostwiseProtocol.handle_body`, so nothing the client sends goes unanswered or kills the loop.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import BinaryIO

from lsp_server.framing import ByteReader, FrameError, frames
from lsp_server.protocol import GhostwiseProtocol

log = logging.getLogger(__name__)


async def stdin_reader(stream: BinaryIO, executor: ThreadPoolExecutor) -> ByteReader:
    """``stream`` (stdin) read by the event loop itself where it can wait on it (a pipe, a socket, a
    terminal: no thread, no hand-over between threads), else on a worker thread (a regular file)."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(loop=loop)
    try:
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader, loop=loop), stream)
    except (ValueError, OSError):  # not pollable (a file): epoll refuses it
        return ThreadReader(stream, executor)
    return StreamReader(reader)


class ThreadReader:
    """A blocking binary stream (stdin) read on a worker thread."""

    def __init__(self, stream: BinaryIO, executor: ThreadPoolExecutor) -> None:
        self._stream, self._executor = stream, executor

    async def readline(self, limit: int) -> bytes:
        return await asyncio.get_running_loop().run_in_executor(self._executor, self._stream.readline, limit)

    async def read(self, n: int) -> bytes:
        return await asyncio.get_running_loop().run_in_executor(self._executor, self._stream.read, n)


class StreamReader:
    """An asyncio stream (a TCP connection)."""

    def __init__(self, stream: asyncio.StreamReader) -> None:
        self._stream = stream

    async def readline(self, limit: int) -> bytes:
        try:
            return await self._stream.readuntil(b"\n")
        except asyncio.LimitOverrunError as e:  # an over-long line: hand it on in pieces
            return await self._stream.read(min(e.consumed, limit) or limit)
        except asyncio.IncompleteReadError as e:
            return e.partial

    async def read(self, n: int) -> bytes:
        return await self._stream.read(n)


async def serve(reader: ByteReader, protocol: GhostwiseProtocol, stop: threading.Event) -> None:
    """Handle frames until the input ends or ``stop`` is set."""
    async for frame in frames(reader):
        if isinstance(frame, FrameError):
            protocol.refuse_frame(frame)
        else:
            protocol.handle_body(frame)
        if stop.is_set():
            return
