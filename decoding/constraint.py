"""What the decoder needs from a completion engine, as structural types.

The decoder never imports Jedi or tree-sitter: the application layer hands it a
:class:`Guide` bound to one document and cursor.  ``completion_engine`` provides the
first implementation (``completion_engine.guide.EngineGuide``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


class NameSet(Protocol):
    """The names legal at one identifier site, narrowed locally per token (memoized)."""

    def feasible(self, prefix: str) -> bool:
        """Some name starts with ``prefix``."""
        ...

    def is_name(self, s: str) -> bool:
        """``s`` is exactly one of the names."""
        ...

    def continuation(self, prefix: str) -> str:
        """Longest common continuation of every name starting with ``prefix`` ('' if none)."""
        ...

    def names(self, prefix: str) -> Sequence[str]:
        """All names starting with ``prefix``, sorted."""
        ...


@dataclass(frozen=True, slots=True, kw_only=True)
class SiteInfo:
    """An identifier site at the end of ``prefix + generated``.

    ``typed`` holds the identifier characters of this site already present before the
    end (e.g. ``"pa"`` for ``os.pa``).  ``names`` is ``None`` when the engine cannot
    know (inference failed, time-out): the decoder must then not constrain.
    """

    kind: str
    typed: str
    names: NameSet | None
    queried: bool  # this call started the engine's query (it was not answered for an earlier request)
    complete: bool = True  # False: the engine cannot know its list is complete; do not prune


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckReport:
    """Verdict on a finished suggestion; ``reasons`` is empty when it is acceptable, else ``blame`` is
    the offset in the suggestion before which nothing is blamed (cut back to there, not further)."""

    reasons: tuple[str, ...] = ()
    blame: int = 0

    @property
    def ok(self) -> bool:
        return not self.reasons


class Guide(Protocol):
    """A completion engine bound to one document snapshot and cursor."""

    def site(self, generated: str) -> SiteInfo | None:
        """The identifier site right after ``generated`` (None: no site, do not constrain)."""
        ...

    def check(self, suggestion: str) -> CheckReport:
        """Syntax/scope checks of ``prefix + suggestion + suffix`` against the baseline."""
        ...
