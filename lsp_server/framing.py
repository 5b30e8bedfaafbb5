"""LSP base-protocol framing: ``Content-Length`` headers, then that many bytes of body.

The reader never trusts the client: a header line is read at most ``MAX_HEADER_LINE`` bytes at a time,
a body longer than ``max_body_bytes`` is skipped in small chunks (never allocated), and a header block
without a usable ``Content-Length`` is reported instead of guessed at. After garbage, reading starts
again at the next ``Content-Length:`` seen, even mid-line (a client that sent a body without headers).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Protocol

MAX_BODY_BYTES = 64 * 1024 * 1024  # a 5 MB document, JSON-escaped, fits many times over
MAX_HEADER_LINE = 8 * 1024
_CHUNK = 1024 * 1024
_CONTENT_LENGTH = b"content-length:"
_NUMBER = re.compile(rb"[0-9]{1,20}")


class ByteReader(Protocol):
    """What the framing reads from (stdin through a thread, a TCP stream)."""

    async def readline(self, limit: int) -> bytes:
        """Up to and including the next ``\\n``, at most ``limit`` bytes; ``b""`` at end of input."""
        ...

    async def read(self, n: int) -> bytes:
        """At most ``n`` bytes (at least one unless at end of input)."""
        ...


@dataclass(frozen=True, slots=True)
class FrameError:
    """A frame that cannot be read; ``code`` is the JSON-RPC error code to answer it with."""

    code: int
    message: str


PARSE_ERROR = -32700
INVALID_REQUEST = -32600


async def frames(
    reader: ByteReader, *, max_body_bytes: int = MAX_BODY_BYTES
) -> AsyncIterator[bytes | FrameError]:
    """Each frame's body, or a :class:`FrameError` for one that cannot be read; ends at end of input."""
    while True:
        header = await _header_block(reader)
        if header is None:
            return
        length, problem = header
        if problem is not None:
            yield FrameError(PARSE_ERROR, problem)
            continue
        if length is None:  # a stray blank line
            continue
        if length > max_body_bytes:
            yield FrameError(
                INVALID_REQUEST, f"message of {length} bytes refused: the limit is {max_body_bytes} bytes"
            )
            if await _read(reader, length, keep=False) is None:
                return
            continue
        body = await _read(reader, length)
        if body is None:
            return
        yield body


async def _header_block(reader: ByteReader) -> tuple[int | None, str | None] | None:
    """``(content length, problem)`` of the next header block; None at end of input."""
    length: int | None = None
    problem: str | None = None
    seen = False
    while True:
        line = await _line(reader)
        if line is None:
            return None
        if not line.strip():
            if seen and length is None and problem is None:
                problem = "header without Content-Length"
            return length, problem
        seen = True
        start = line.lower().find(_CONTENT_LENGTH)
        if start > 0:  # garbage before a header: start this block again from it
            length, problem, line = None, None, line[start:]
        name, colon, value = line.partition(b":")
        if not colon:
            problem = problem or f"malformed header line {line[:60]!r}"
            continue
        if name.strip().lower() != b"content-length":
            continue  # Content-Type and unknown headers are allowed and ignored
        if (match := _NUMBER.fullmatch(value.strip())) is None:
            problem = problem or f"invalid Content-Length {value.strip()[:40]!r}"
        elif length is not None and length != int(match.group()):
            problem = problem or "conflicting Content-Length headers"
        else:
            length = int(match.group())


async def _line(reader: ByteReader) -> bytes | None:
    """One header line (an over-long one cut to its first ``MAX_HEADER_LINE`` bytes); None at end."""
    line = await reader.readline(MAX_HEADER_LINE)
    if not line:
        return None
    rest = line
    while not rest.endswith(b"\n"):  # skip the rest of an over-long line
        rest = await reader.readline(MAX_HEADER_LINE)
        if not rest:
            return None
    return line


async def _read(reader: ByteReader, n: int, *, keep: bool = True) -> bytes | None:
    """The next ``n`` bytes (``b""`` when not kept: skipped chunk by chunk); None at end of input."""
    chunks: list[bytes] = []
    remaining = n
    while remaining:
        chunk = await reader.read(min(remaining, _CHUNK))
        if not chunk:
            return None
        if keep:
            chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)
