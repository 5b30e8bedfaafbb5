"""Streams events back from a dev-data directory, counting every line it has to skip.

Files are read line by line (never whole) in name order, but nothing relies on that order: the
clock may have jumped, and several servers may have shared a file. ``since`` filters on each
event's own time.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from lsp_server.devdata.schema import SCHEMA_VERSION, Event, InvalidEvent, event_from_dict

log = logging.getLogger(__name__)

MAX_LINE_BYTES = 1 << 20  # longer lines are not events (a full-mode event is a few KiB)


@dataclass(frozen=True, slots=True, kw_only=True)
class ReadReport:
    """What was read and what was skipped, by reason."""

    files: int = 0
    events: int = 0
    before_since: int = 0
    partial: int = 0  # a last line without its newline (a writer was killed or is writing)
    corrupt: int = 0  # not a JSON object, or longer than MAX_LINE_BYTES
    invalid: int = 0  # a current-version record of the wrong shape
    unknown_version: int = 0  # written by another schema version

    @property
    def skipped(self) -> int:
        return self.partial + self.corrupt + self.invalid + self.unknown_version


class EventReader:
    """Iterate :meth:`events` once, then read :attr:`report`."""

    def __init__(self, directory: Path, *, since: datetime | None = None) -> None:
        self.directory = directory
        self.since = since
        self._counts = dict.fromkeys(
            ("files", "events", "before_since", "partial", "corrupt", "invalid", "unknown_version"), 0
        )

    @property
    def report(self) -> ReadReport:
        return ReadReport(**self._counts)

    def events(self) -> Iterator[Event]:
        if not self.directory.is_dir():
            return
        for path in sorted(self.directory.glob("*.jsonl")):
            try:
                with path.open("rb") as f:
                    self._counts["files"] += 1
                    yield from self._file_events(f, path)
            except OSError as e:
                log.warning("cannot read %s: %s", path, e)

    def _file_events(self, f: BinaryIO, path: Path) -> Iterator[Event]:
        for line in _lines(f):
            if line is None:
                self._counts["corrupt"] += 1
                continue
            if not line.endswith(b"\n"):
                self._counts["partial"] += 1
                continue
            if not line.strip():
                continue
            event = self._parse(line, path)
            if event is None:
                continue
            if self.since is not None and event.when < self.since:
                self._counts["before_since"] += 1
                continue
            self._counts["events"] += 1
            yield event

    def _parse(self, line: bytes, path: Path) -> Event | None:
        try:
            raw = json.loads(line)
        except ValueError:
            self._counts["corrupt"] += 1
            return None
        if not isinstance(raw, dict):
            self._counts["corrupt"] += 1
            return None
        if raw.get("v") != SCHEMA_VERSION:
            self._counts["unknown_version"] += 1
            return None
        try:
            return event_from_dict(raw)
        except InvalidEvent as e:
            log.debug("%s: invalid event: %s", path.name, e)
            self._counts["invalid"] += 1
            return None


def _lines(f: BinaryIO) -> Iterator[bytes | None]:
    """Lines of a binary file; ``None`` stands for a line longer than MAX_LINE_BYTES (skipped whole)."""
    while chunk := f.readline(MAX_LINE_BYTES):
        if len(chunk) < MAX_LINE_BYTES or chunk.endswith(b"\n"):
            yield chunk
            continue
        while (rest := f.readline(MAX_LINE_BYTES)) and not rest.endswith(b"\n"):
            pass
        yield None
