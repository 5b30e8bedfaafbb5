"""The suggestion cache: what was suggested for which document state, and the part of it still to type.

A suggestion ``S`` computed at cursor ``c`` of text ``T`` answers a later state only when that state is
``T`` with ``S[:k]`` typed at ``c`` (``0 <= k < len(S)``) and nothing else changed: it then answers
``S[k:]``. ``k = 0`` is the very state it was made for (undo, redo, backspace back to it); an empty
``S`` (nothing to suggest there) answers only that state. Any other state (an edit elsewhere, divergent
typing, another document) finds nothing. States are compared by
length and by BLAKE2b digests of the text before ``c`` and after the cursor, so an entry holds no copy
of the document (a 5 MB file costs 32 bytes per entry).
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass

from completion_engine import Document
from decoding.completer import DecodeStats


def typed_since(then: Document, now: Document) -> str | None:
    """The text typed at ``then``'s cursor to reach ``now`` (``""``: the same state), or None when
    ``now`` is not ``then`` plus an insertion at its cursor (ending at ``now``'s cursor)."""
    k = now.cursor - then.cursor
    if now.uri != then.uri or k < 0 or len(now.text) - len(then.text) != k:
        return None
    if (
        now.text[now.cursor :] != then.text[then.cursor :]
        or now.text[: then.cursor] != then.text[: then.cursor]
    ):
        return None
    return now.text[then.cursor : now.cursor]


def consistent(a: str, b: str) -> bool:
    """One of ``a`` and ``b`` starts with the other."""
    return a.startswith(b) or b.startswith(a)


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


@dataclass(frozen=True, slots=True)
class _Entry:
    cursor: int
    length: int  # of the document text
    head: bytes  # digest of text[:cursor]
    tail: bytes  # digest of text[cursor:]
    text: str  # the suggestion
    stop_reason: str
    stats: DecodeStats  # its shape and mode; no figures (a hit runs no model)


@dataclass(frozen=True, slots=True, kw_only=True)
class Hit:
    """A cached suggestion's remainder at the requested state; ``typed`` characters of it were typed."""

    text: str
    typed: int
    stop_reason: str
    stats: DecodeStats


class SuggestionCache:
    """At most ``max_entries`` suggestions over all documents, least recently used first out; thread-safe."""

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[tuple[str, int], _Entry] = OrderedDict()  # (uri, serial)
        self._serial = 0
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def put(self, doc: Document, text: str, stop_reason: str, stats: DecodeStats | None = None) -> None:
        """Remember ``text`` as the suggestion for ``doc`` (its text and cursor; an empty one answers
        only that state); hits report the ``fim``, ``multiline`` and ``guided`` flags of ``stats``."""
        if self.max_entries <= 0:
            return
        entry = _Entry(
            cursor=doc.cursor,
            length=len(doc.text),
            head=_digest(doc.text[: doc.cursor]),
            tail=_digest(doc.text[doc.cursor :]),
            text=text,
            stop_reason=stop_reason,
            stats=DecodeStats(fim=stats.fim, multiline=stats.multiline, guided=stats.guided)
            if stats is not None
            else DecodeStats(),
        )
        with self._lock:
            for key, old in self._entries.items():  # one entry per state: the newest suggestion wins
                if key[0] == doc.uri and (old.cursor, old.length, old.head, old.tail) == (
                    entry.cursor,
                    entry.length,
                    entry.head,
                    entry.tail,
                ):
                    del self._entries[key]
                    break
            self._serial += 1
            self._entries[(doc.uri, self._serial)] = entry
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def lookup(self, doc: Document) -> Hit | None:
        """The remainder of the newest suggestion ``doc`` types through (None: nothing answers ``doc``)."""
        with self._lock:
            candidates = [
                (key, e)
                for key, e in reversed(self._entries.items())
                if key[0] == doc.uri
                and 0 <= (k := doc.cursor - e.cursor) < max(1, len(e.text))
                and len(doc.text) == e.length + k
                and doc.text.startswith(e.text[:k], e.cursor)
            ]
        tail = _digest(doc.text[doc.cursor :]) if candidates else b""
        for key, e in candidates:
            if e.tail == tail and e.head == _digest(doc.text[: e.cursor]):
                with self._lock:
                    if key in self._entries:
                        self._entries.move_to_end(key)
                k = doc.cursor - e.cursor
                return Hit(text=e.text[k:], typed=k, stop_reason=e.stop_reason, stats=e.stats)
        return None

    def forget(self, uri: str) -> None:
        """Drop a document's entries (closed)."""
        with self._lock:
            for key in [key for key in self._entries if key[0] == uri]:
                del self._entries[key]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
