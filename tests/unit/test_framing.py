"""The frame reader alone, over real bytes: good frames, bad headers, resynchronisation, huge lengths."""

from __future__ import annotations

import io
import tracemalloc

from lsp_server.framing import INVALID_REQUEST, PARSE_ERROR, FrameError, frames


class BytesReader:
    """A ``ByteReader`` over bytes in memory (``read`` returns at most ``step`` bytes, as a socket may)."""

    def __init__(self, data: bytes, step: int = 1 << 20) -> None:
        self._stream, self._step = io.BytesIO(data), step

    async def readline(self, limit: int) -> bytes:
        return self._stream.readline(limit)

    async def read(self, n: int) -> bytes:
        return self._stream.read(min(n, self._step))


class Zeros:
    """An endless body: reading it all would take forever and allocating it would kill the process."""

    def __init__(self, header: bytes, total: int) -> None:
        self._header, self.left = io.BytesIO(header), total

    async def readline(self, limit: int) -> bytes:
        return self._header.readline(limit)

    async def read(self, n: int) -> bytes:
        n = min(n, self.left)
        self.left -= n
        return bytes(n)


def frame(body: bytes) -> bytes:
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


async def read_all(data: bytes, **kwargs: int) -> list[bytes | FrameError]:
    return [f async for f in frames(BytesReader(data, **kwargs))]


async def test_frames_with_and_without_content_type() -> None:
    typed = b"Content-Length: 2\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{}"
    assert await read_all(frame(b'{"a": 1}') + typed + frame(b"[]")) == [b'{"a": 1}', b"{}", b"[]"]


async def test_a_body_read_in_small_pieces_is_whole() -> None:
    body = b'{"text": "' + b"x" * 100_000 + b'"}'
    assert await read_all(frame(body), step=7) == [body]


async def test_headers_without_a_usable_length_are_reported_and_reading_goes_on() -> None:
    bad = [
        b"Content-Type: text/plain\r\n\r\n",
        b"Content-Length: ten\r\n\r\n",
        b"Content-Length: -4\r\n\r\n",
        b"Content-Length: 2\r\nContent-Length: 3\r\n\r\n",
        b"no colon here\r\n\r\n",
    ]
    found = await read_all(b"".join(bad) + frame(b"{}"))
    assert [f.code for f in found if isinstance(f, FrameError)] == [PARSE_ERROR] * len(bad)
    assert found[-1] == b"{}"


async def test_a_body_sent_without_headers_does_not_swallow_the_next_frame() -> None:
    found = await read_all(b"Content-Length: x\r\n\r\n" + b'{"lost": 1}' + frame(b'{"kept": 2}'))
    assert isinstance(found[0], FrameError) and found[1:] == [b'{"kept": 2}']


async def test_stray_blank_lines_are_ignored() -> None:
    assert await read_all(b"\r\n\r\n" + frame(b"{}") + b"\n" + frame(b"[]")) == [b"{}", b"[]"]


async def test_an_over_long_header_line_is_read_in_bounded_pieces() -> None:
    found = await read_all(b"X-Junk: " + b"j" * 5_000_000 + b"\r\n" + frame(b"{}"))
    assert found == [b"{}"]


async def test_a_huge_length_is_refused_without_allocating_it() -> None:
    total = 1 << 40  # 1 TiB announced; the client gives up after 32 MB
    reader = Zeros(b"Content-Length: %d\r\n\r\n" % total, 32 * 1024 * 1024)
    tracemalloc.start()
    try:
        found = [f async for f in frames(reader)]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(found) == 1 and isinstance(found[0], FrameError) and found[0].code == INVALID_REQUEST
    assert "1099511627776 bytes refused" in found[0].message
    assert peak < 8 * 1024 * 1024 and reader.left == 0


async def test_a_frame_over_the_limit_is_skipped_and_the_next_is_read() -> None:
    found = await read_all(frame(b"x" * 1000) + frame(b"{}"), step=100)
    assert found == [b"x" * 1000, b"{}"]
    found = [f async for f in frames(BytesReader(frame(b"x" * 1000) + frame(b"{}")), max_body_bytes=999)]
    assert isinstance(found[0], FrameError) and found[1:] == [b"{}"]


async def test_input_ending_mid_frame_ends_the_frames() -> None:
    assert await read_all(frame(b"{}") + b"Content-Length: 10\r\n\r\n{") == [b"{}"]
    assert await read_all(b"Content-Len") == []
