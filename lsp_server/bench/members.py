"""What Jedi lists after the ``.`` of a member task (for the unresolved-member metric).

One :class:`jedi.Project` rooted at the benchmark's ``--root`` is reused for every query, and Jedi
always sees the whole document (prefix + completion + suffix): with the prefix alone it misses the
members defined later in the file (see the measurements note in docs/benchmarks.md).
"""

from __future__ import annotations

import logging
from pathlib import Path

import jedi

log = logging.getLogger(__name__)


def line_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and 0-based character column of ``offset`` in ``text`` (Jedi's convention)."""
    before = text[:offset]
    line_start = before.rfind("\n") + 1
    return before.count("\n") + 1, offset - line_start


class MemberLister:
    """Lists the members Jedi knows at a cursor, with one warm Jedi project."""

    def __init__(self, root: Path | None) -> None:
        self._root = root.resolve() if root is not None else None
        self._project = jedi.Project(self._root) if self._root is not None else None
        self._environment = jedi.InterpreterEnvironment()

    def members(self, document: str, offset: int, path: str | None) -> frozenset[str]:
        """Names Jedi completes at ``offset`` (right after a ``.``); empty when it knows none."""
        file_path = self._root / path if self._root is not None and path else None
        line, column = line_column(document, offset)
        try:
            script = jedi.Script(
                code=document, path=file_path, project=self._project, environment=self._environment
            )
            return frozenset(c.name for c in script.complete(line, column))
        except Exception:  # Jedi's internal errors on odd code mean "unknown", never a crash
            log.debug("jedi failed at %s:%d:%d", path, line, column, exc_info=True)
            return frozenset()
