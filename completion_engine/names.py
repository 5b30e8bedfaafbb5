"""``SortedNames``: the names legal at one site, narrowed by prefix with bisect and a per-prefix memo."""

from __future__ import annotations

import os.path
from bisect import bisect_left
from collections.abc import Iterable, Sequence

_MAX = "\U0010ffff"


class SortedNames:
    """An immutable sorted name list (implements ``decoding.constraint.NameSet``).

    Every query resolves ``prefix`` to a slice of the sorted list once; the slice is memoized, so
    the decoder's repeated questions about the same prefix cost a dict lookup.
    """

    __slots__ = ("_names", "_ranges", "_set", "hits", "misses")

    def __init__(self, names: Iterable[str]) -> None:
        self._set = frozenset(n for n in names if n)
        self._names: tuple[str, ...] = tuple(sorted(self._set))
        self._ranges: dict[str, tuple[int, int]] = {}
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._names)

    def __repr__(self) -> str:
        return f"SortedNames({len(self._names)} names)"

    def _range(self, prefix: str) -> tuple[int, int]:
        found = self._ranges.get(prefix)
        if found is not None:
            self.hits += 1
            return found
        self.misses += 1
        names = self._names
        lo = bisect_left(names, prefix)
        hi = bisect_left(names, prefix + _MAX, lo) if prefix else len(names)
        found = self._ranges[prefix] = (lo, hi)
        return found

    def feasible(self, prefix: str) -> bool:
        """Some name starts with ``prefix``."""
        lo, hi = self._range(prefix)
        return lo < hi

    def is_name(self, s: str) -> bool:
        """``s`` is exactly one of the names."""
        return s in self._set

    def continuation(self, prefix: str) -> str:
        """Longest common continuation of the names starting with ``prefix`` ('' if none)."""
        lo, hi = self._range(prefix)
        if lo >= hi:
            return ""
        return os.path.commonprefix([self._names[lo], self._names[hi - 1]])[len(prefix) :]

    def names(self, prefix: str = "") -> Sequence[str]:
        """All names starting with ``prefix``, sorted."""
        lo, hi = self._range(prefix)
        return self._names[lo:hi]
