"""Appends events to daily JSON-lines files on a background thread; the request path never waits.

Files are ``DAY.jsonl``, then ``DAY.1.jsonl``, ``DAY.2.jsonl``… once one passes ``max_bytes`` (DAY is
the event's UTC date). Each line goes out in one ``write(2)`` on an ``O_APPEND`` descriptor, so
several servers may share a file and a kill leaves at most one partial last line; the next writer
ends that line before appending, and the reader skips it.

The writer survives any event: text that UTF-8 cannot encode (lone surrogates, which editors send
for broken text) is written with U+FFFD in their place and counted in ``repaired``; an event that
cannot be serialized at all is dropped and counted in ``dropped``, as are events that find the queue
full (``MAX_QUEUED``: the disk is slower than the editor). Both counts are logged at close.
"""

from __future__ import annotations

import logging
import os
import queue
import re
import threading
from collections.abc import Callable
from pathlib import Path

import platformdirs

from lsp_server.devdata.schema import Event

log = logging.getLogger(__name__)

DATA_DIR_ENV = "GHOSTWISE_DATA_DIR"
MAX_FILE_BYTES = 16 * 1024 * 1024
MAX_QUEUED = 4096
_STOP = object()


def devdata_dir() -> Path:
    """``$GHOSTWISE_DATA_DIR/devdata``, else ``devdata`` in the platform's user data directory."""
    base = os.environ.get(DATA_DIR_ENV) or platformdirs.user_data_dir("ghostwise")
    return Path(base) / "devdata"


class JsonlWriter:
    """Owns one daemon thread that serializes and appends queued events."""

    def __init__(
        self,
        directory: Path,
        *,
        on_error: Callable[[str], None],
        max_bytes: int = MAX_FILE_BYTES,
        max_queued: int = MAX_QUEUED,
    ) -> None:
        self.directory = directory
        self.dropped = 0  # events not written: queue full, or not serializable
        self.repaired = 0  # events written with U+FFFD for text UTF-8 cannot encode
        self._on_error = on_error
        self._max_bytes = max_bytes
        self._queue: queue.Queue[object] = queue.Queue(max_queued)
        self._fd: int | None = None
        self._file: tuple[str, int] | None = None  # (day, index) of the open descriptor
        self._warned = False
        self._thread = threading.Thread(target=self._run, name="ghostwise-devdata", daemon=True)
        self._thread.start()

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def put(self, event: Event) -> None:
        """Queue ``event`` (never blocks; dropped and counted when the queue is full)."""
        try:
            self._queue.put_nowait(event)
        except queue.Full:
            self.dropped += 1
            if self.dropped == 1:
                log.warning("dev data: the writer is behind; events are dropped until it catches up")

    def close(self, timeout_s: float = 2.0) -> None:
        """Write what is queued, then stop the thread (waits at most ``timeout_s``)."""
        try:
            self._queue.put(_STOP, timeout=timeout_s)
        except queue.Full:
            log.warning("dev data: the writer did not catch up; stopping with events still queued")
        self._thread.join(timeout_s)
        if self.dropped or self.repaired:
            log.warning(
                "dev data: %d events dropped, %d written with unencodable text replaced",
                self.dropped,
                self.repaired,
            )

    def _run(self) -> None:
        while (item := self._queue.get()) is not _STOP:
            try:
                day, line = self._encode(item)
            except Exception:  # one bad event must never stop the writer
                self.dropped += 1
                log.warning("dev data: dropped an event that cannot be serialized", exc_info=True)
                continue
            try:
                self._append(day, line)
            except OSError as e:
                self._drop_fd()
                self._fail(
                    f"cannot write dev data to {self.directory}: {e.strerror or e}; "
                    "completions go on, dev data is not recorded"
                )
        self._drop_fd()

    def _encode(self, item: object) -> tuple[str, bytes]:
        """The event's day and its line as UTF-8."""
        if not isinstance(item, Event):
            raise TypeError(f"not an event: {type(item).__name__}")
        text = item.to_json() + "\n"
        try:
            return item.time[:10], text.encode()
        except UnicodeEncodeError:
            self.repaired += 1
            # a surrogate pair becomes its character, a lone surrogate U+FFFD
            return item.time[:10], text.encode("utf-16", "surrogatepass").decode("utf-16", "replace").encode()

    def _append(self, day: str, line: bytes) -> None:
        fd = self._descriptor(day, len(line))
        written = os.write(fd, line)
        if written != len(line):  # disk full: end the torn line so the next one starts clean
            os.write(fd, b"\n")
            raise OSError(f"short write ({written} of {len(line)} bytes)")

    def _descriptor(self, day: str, incoming: int) -> int:
        if self._fd is not None and self._file is not None and self._file[0] == day:
            size = os.fstat(self._fd).st_size
            if size == 0 or size + incoming <= self._max_bytes:
                return self._fd
            index = self._file[1] + 1
        else:
            self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            index = _last_index(self.directory, day)
        self._drop_fd()
        path = self.directory / (f"{day}.jsonl" if index == 0 else f"{day}.{index}.jsonl")
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        self._fd, self._file = fd, (day, index)
        if os.fstat(fd).st_size > 0:
            with path.open("rb") as f:
                f.seek(-1, os.SEEK_END)
                if f.read(1) != b"\n":  # a writer was killed mid-line
                    os.write(fd, b"\n")
        return fd

    def _drop_fd(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd, self._file = None, None

    def _fail(self, message: str) -> None:
        if self._warned:
            log.debug("%s", message)
            return
        self._warned = True
        log.warning("%s", message)
        self._on_error(message)


def _last_index(directory: Path, day: str) -> int:
    pattern = re.compile(re.escape(day) + r"(?:\.(\d+))?\.jsonl")
    found = [
        int(m.group(1) or 0) for p in directory.glob(f"{day}*.jsonl") if (m := pattern.fullmatch(p.name))
    ]
    return max(found, default=0)
