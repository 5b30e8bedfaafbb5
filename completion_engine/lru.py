"""``BoundedLRU``: a least-recently-used map bounded by entry count *and* by estimated bytes, thread-safe.

Every engine cache keyed by document (``uri`` or ``(uri, version, ...)``) is one, so a few huge
documents cannot hold hundreds of megabytes, and :meth:`BoundedLRU.forget` drops a closed document's
entries at once.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def document_of(key: object) -> object:
    """The document a key belongs to: the key itself, or its first element for a tuple key."""
    return key[0] if isinstance(key, tuple) and key else key


class BoundedLRU(Generic[K, V]):
    """At most ``max_entries`` entries and ``max_bytes`` of ``size(value)``; the least recently used
    go first (the newest entry stays even when it alone is over ``max_bytes``). ``on_evict`` is called
    with each value pushed out or forgotten. Without ``size`` only the count is bounded: for values
    whose size does not grow with the document (name lists, hashes)."""

    def __init__(
        self,
        *,
        max_entries: int,
        max_bytes: int = 0,
        size: Callable[[V], int] | None = None,
        on_evict: Callable[[V], None] | None = None,
    ) -> None:
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self._size, self._on_evict = size, on_evict
        self._entries: OrderedDict[K, tuple[V, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def bytes(self) -> int:
        """The estimated bytes held."""
        return self._bytes

    def get(self, key: K) -> V | None:
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                return None
            self._entries.move_to_end(key)
            return found[0]

    def put(self, key: K, value: V) -> None:
        size = self._size(value) if self._size is not None else 0
        with self._lock:
            if (old := self._entries.pop(key, None)) is not None:
                self._bytes -= old[1]
            self._entries[key] = (value, size)
            self._bytes += size
            evicted = []
            while len(self._entries) > 1 and (
                len(self._entries) > self.max_entries
                or (self._size is not None and self._bytes > self.max_bytes)
            ):
                _, (gone, gone_size) = self._entries.popitem(last=False)
                self._bytes -= gone_size
                evicted.append(gone)
        self._evicted(evicted)

    def forget(self, document: object) -> None:
        """Drop every entry of ``document`` (see :func:`document_of`)."""
        with self._lock:
            keys = [k for k in self._entries if document_of(k) == document]
            evicted = []
            for key in keys:
                value, size = self._entries.pop(key)
                self._bytes -= size
                evicted.append(value)
        self._evicted(evicted)

    def documents(self) -> set[object]:
        """The documents with entries (for tests and statistics)."""
        with self._lock:
            return {document_of(k) for k in self._entries}

    def _evicted(self, values: list[V]) -> None:
        if self._on_evict is not None:
            for value in values:
                self._on_evict(value)
