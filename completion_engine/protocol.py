"""The seams of the completion engine: values and ``Protocol`` s another language or engine implements.

The decoder only sees ``decoding.constraint.Guide``; ``completion_engine.guide.EngineGuide`` adapts
any :class:`Engine` to it.  Offsets are ``str`` indices (code points) into the text they name.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

from completion_engine.names import SortedNames

if TYPE_CHECKING:
    from completion_engine.checks import Finding

SiteKind = Literal["member", "name", "import_module", "import_name", "keyword_arg"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Document:
    """One version of one document with the cursor in it: the snapshot every layer reads.

    Built once at the door (LSP handler, CLI, bench); ``cursor`` is a code-point offset into
    ``text`` (``0 <= cursor <= len(text)``, checked here, so nobody below clamps again).
    ``path`` is the file on disk and ``workspace_root`` the folder it belongs to (None for unsaved
    or loose files).
    """

    uri: str
    version: int = 0
    text: str
    cursor: int = 0
    language_id: str = "python"
    path: Path | None = None
    workspace_root: Path | None = None

    def __post_init__(self) -> None:
        if not 0 <= self.cursor <= len(self.text):
            raise ValueError(f"cursor {self.cursor} outside {self.uri} ({len(self.text)} chars)")


@dataclass(frozen=True, slots=True, kw_only=True)
class Site:
    """An identifier site at the end of ``doc.text[:cursor] + generated``.

    ``start`` is the offset of the identifier in that combined text and ``typed`` the identifier
    characters already present (``"pa"`` for ``os.pa``).  ``key`` identifies the site for
    memoization: it covers all the text Jedi sees except the identifier itself, so it does not
    change while the identifier grows, whether in ``generated`` or typed into a newer version.
    ``binds_later`` marks bare-name positions where a comprehension or walrus written *after* the
    site may still bind the name (``[x for x in …]``), so no list of existing names can be trusted
    there.  ``local_names`` (bare names only) are identifiers written earlier in the statement or
    in ``generated``: names the text may have just bound, accepted in addition to the engine's answer.
    """

    kind: SiteKind
    cursor: int
    generated: str
    start: int
    typed: str
    key: tuple[object, ...]
    binds_later: bool = False
    local_names: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True, kw_only=True)
class Candidates:
    """The engine's answer at a site. ``names`` None: it cannot know (inference failed, nothing found, a
    later comprehension may bind), or, while ``ready`` is False, it has not answered yet. ``memoized``: an
    earlier call had started this site's query. ``complete``: no name outside ``names`` can be right there
    (else guidance must not prune)."""

    names: SortedNames | None
    memoized: bool
    ready: bool = True
    complete: bool = True


class Engine(Protocol):
    """Static analysis for some languages, shared by every document of a server process."""

    languages: frozenset[str]  # the ``language_id`` s it analyses; other documents get no guide

    def warm(self) -> None:
        """Pay start-up costs (imports, caches) now; called once in the background."""
        ...

    def prepare(self, doc: Document) -> None:
        """Start analysing a new document version in the background (e.g. on didOpen/didChange)."""
        ...

    def prefetch(self, doc: Document) -> None:
        """Start the query of the site at the cursor, not waiting for it."""
        ...

    def classify(self, doc: Document, generated: str = "") -> Site | None:
        """The site at the end of ``generated`` inserted at the cursor (None: do not constrain)."""
        ...

    def candidates(self, doc: Document, site: Site, *, wait_ms: float | None = None) -> Candidates:
        """The names legal at ``site`` (names None: unknown, never "nothing exists").

        Waits at most ``wait_ms`` (default: the engine's own) for a query still running; ``0`` only
        starts it; ``ready`` is False when it has not answered yet.
        """
        ...

    def check(self, doc: Document, suggestion: str, *, names: bool = True) -> tuple[Finding, ...]:
        """What is wrong with ``suggestion`` at the cursor (syntax, scope and, when ``names``, undefined
        names), each with the offset it blames; empty when it is fine."""
        ...
