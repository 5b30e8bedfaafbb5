"""Adaptive debounce: how long a request waits for a newer keystroke, from the user's typing rhythm and
where the cursor is (Tabby's idea).

Mid-word the user is about to type the next character: the request waits about one typical interval
between their keys, so a fast typist starts no generation that the next key would cancel. Where people
stop to look (after ``.``, an opening bracket, a comma, ``:``, or on a fresh line) it waits the least.
Elsewhere half a typical interval. Always within ``[MIN_MS, MAX_MS]``; until a document has seen a few
keys, or with ``typing.adaptiveDebounce`` off, the fixed ``debounceMs`` applies.
"""

from __future__ import annotations

import statistics
import time
from collections import deque

MIN_MS, MAX_MS = 0, 200
_PAUSE_MS = 2000  # a gap longer than this is a pause, not part of the rhythm
_KEPT = 16  # intervals kept per document
_NEEDED = 4  # intervals needed before the rhythm is trusted
_STOPS = (".", "(", "[", "{", ",", ":", "=")


class Rhythm:
    """The recent intervals between one document's edits."""

    def __init__(self) -> None:
        self._last: float | None = None
        self._intervals: deque[float] = deque(maxlen=_KEPT)

    def key(self, now: float | None = None) -> None:
        """An edit happened (``now``: ``time.monotonic()``)."""
        now = time.monotonic() if now is None else now
        if self._last is not None and (gap := (now - self._last) * 1000) <= _PAUSE_MS:
            self._intervals.append(gap)
        self._last = now

    def typical_ms(self) -> float | None:
        """The median interval between keys, once enough are known."""
        return statistics.median(self._intervals) if len(self._intervals) >= _NEEDED else None


def delay_ms(typical_ms: float | None, line_before: str, fixed_ms: int) -> int:
    """The debounce of a request whose cursor follows ``line_before`` (the text of its line before it)."""
    if typical_ms is None:
        return fixed_ms
    stripped = line_before.rstrip()
    wait: float
    if not stripped or stripped.endswith(_STOPS):
        wait = MIN_MS
    elif line_before[-1:].isalnum() or line_before[-1:] == "_":
        wait = typical_ms
    else:
        wait = typical_ms / 2
    return int(min(MAX_MS, max(MIN_MS, wait)))
