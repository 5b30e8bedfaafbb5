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

    ``typed`` holds the identifier characters of this site already present before the end (``"pa"``
    for ``os.pa``). ``queried``: this request started the engine's query here (no earlier one had).
    ``handle`` is the guide's own reference to the site, passed back to :meth:`Guide.answer`.
    """

    kind: str
    typed: str
    queried: bool
    handle: object


@dataclass(frozen=True, slots=True, kw_only=True)
class Answer:
    """The engine's names at a site. ``ready`` False: not answered (yet) within the wait. ``names``
    None: the engine cannot know (the decoder must not constrain). ``complete`` False: it knows some
    names but cannot know that they are all (the decoder must not prune either)."""

    ready: bool
    names: NameSet | None = None
    complete: bool = True


PENDING = Answer(ready=False)


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
        """The identifier site right after ``generated`` (None: no site, do not constrain); starts the
        engine's query there without waiting for it."""
        ...

    def answer(self, site: SiteInfo, *, wait_ms: float) -> Answer:
        """The engine's names at ``site``, waiting at most ``wait_ms`` for a query still running."""
        ...

    def check(self, suggestion: str) -> CheckReport:
        """Syntax/scope checks of ``prefix + suggestion + suffix`` against the baseline."""
        ...
