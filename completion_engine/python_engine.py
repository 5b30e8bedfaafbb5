"""``PythonEngine``: the first :class:`~completion_engine.protocol.Engine` (tree-sitter + Jedi + pyflakes)."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from completion_engine.checks import Finding, names_reason, scope_reason, syntax_reason
from completion_engine.jedi_backend import JediBackend, JediSettings
from completion_engine.protocol import Candidates, Document, Site
from completion_engine.sites import SiteClassifier
from completion_engine.trees import TreeCache

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True)
class EngineSettings:
    """Limits of the Python engine (the Jedi settings' user-facing fields are server settings).

    ``max_parse_chars``: bigger documents are parsed in a window around the cursor.
    ``names_check_max_chars``: the undefined-names check (a compile and pyflakes pass over the function
    around the cursor, ~1 ms per KB) is skipped in functions bigger than this.
    """

    jedi: JediSettings = field(default_factory=JediSettings, metadata={"setting": {"flat": True}})
    max_parse_chars: int = 256_000
    names_check_max_chars: int = 40_000


class PythonEngine:
    """Site classification, candidates and checks for Python documents; shared by all documents."""

    languages = frozenset({"python"})

    def __init__(self, settings: EngineSettings | None = None) -> None:
        self.settings = settings or EngineSettings()
        self.trees = TreeCache(max_parse_chars=self.settings.max_parse_chars)
        self.sites = SiteClassifier(self.trees)
        self.jedi = JediBackend(self.settings.jedi)

    def warm(self) -> None:
        """Warm Jedi (0.5-1 s the first time) and tree-sitter; meant for a background thread."""
        t0 = time.perf_counter()
        self.classify(Document(uri="ghostwise:warm", version=0, text="import os\nos.path.\n", cursor=18))
        self.jedi.warm()
        log.debug("engine warmed in %.0f ms", (time.perf_counter() - t0) * 1000)

    def close(self) -> None:
        """Release the Jedi worker."""
        self.jedi.close()

    def forget(self, uri: str) -> None:
        """Release everything kept for a closed document (parses, site hashes, Jedi scripts)."""
        self.trees.forget(uri)
        self.sites.forget(uri)
        self.jedi.forget(uri)

    def held_bytes(self) -> int:
        """Estimated bytes of the document-sized caches (tree-sitter parses, Jedi scripts)."""
        return self.trees.held_bytes() + self.jedi.held_bytes()

    def documents(self) -> set[object]:
        """The documents something is kept for."""
        return self.trees.documents() | self.sites.documents() | self.jedi.documents()

    def prepare(self, doc: Document) -> None:
        """Parse ``doc`` for Jedi in the background (tree-sitter parses lazily, in ~1-10 ms)."""
        self.jedi.prepare(doc)

    def prefetch(self, doc: Document) -> None:
        """Start the query of the site at the cursor without waiting (so that, on ``didChange``, its
        answer is on its way before the completion request arrives)."""
        if (site := self.classify(doc)) is not None:
            self.candidates(doc, site, wait_ms=0)

    def classify(self, doc: Document, generated: str = "") -> Site | None:
        """The site at the end of ``generated`` inserted at the cursor (None: no site, or failure)."""
        if doc.language_id not in self.languages:
            return None
        try:
            return self.sites.classify(doc, generated)
        except (Exception, RecursionError) as exc:  # noqa: BLE001 - never break the decoder
            log.debug("classification failed on %s at %d: %r", doc.uri, doc.cursor, exc)
            return None

    def candidates(self, doc: Document, site: Site, *, wait_ms: float | None = None) -> Candidates:
        """Names at ``site`` (names None: unknown; ready False: not answered within ``wait_ms``)."""
        if site.binds_later:
            log.debug(
                "%s site at %d of %s may be bound later in the statement: unknown",
                site.kind,
                site.start,
                doc.uri,
            )
            return Candidates(names=None, memoized=True, complete=False)
        return self.jedi.candidates(doc, site, wait_ms=wait_ms)

    def check(self, doc: Document, suggestion: str, *, names: bool = True) -> tuple[Finding, ...]:
        """Syntax and scope findings, plus undefined names when ``names``."""
        try:
            reasons = [
                syntax_reason(self.trees, doc, suggestion),
                scope_reason(self.trees.parsed(doc), doc.cursor, suggestion),
            ]
            if names:
                reasons.append(names_reason(self.trees, doc, suggestion, self.settings.names_check_max_chars))
        except (Exception, RecursionError) as exc:  # noqa: BLE001 - a failed check must not drop a suggestion
            log.debug("check failed on %s at %d: %r", doc.uri, doc.cursor, exc)
            return ()
        return tuple(r for r in reasons if r is not None)

    def members_at(self, doc: Document) -> frozenset[str]:
        """Every member Jedi lists at the cursor, untimed (the benchmarks' oracle; empty: unknown)."""
        return self.jedi.members_at(doc)
