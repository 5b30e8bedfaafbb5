"""``PythonEngine``: the first :class:`~completion_engine.protocol.Engine` (tree-sitter + Jedi + pyflakes)."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from completion_engine.checks import names_reason, scope_reason, syntax_reason
from completion_engine.jedi_backend import JediBackend, JediSettings
from completion_engine.protocol import Candidates, Document, Site
from completion_engine.sites import SiteClassifier
from completion_engine.trees import TreeCache
from decoding.constraint import CheckReport

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True)
class EngineSettings:
    """Limits of the Python engine.

    ``max_parse_chars``: bigger documents are parsed in a window around the cursor.
    ``names_check_max_chars``: the pyflakes check (a full compile, ~0.5 ms per KB) runs only on
    documents up to this size (~20 ms).
    """

    jedi: JediSettings = field(default_factory=JediSettings)
    max_parse_chars: int = 256_000
    names_check_max_chars: int = 40_000


class PythonEngine:
    """Site classification, candidates and checks for Python documents; shared by all documents."""

    def __init__(self, settings: EngineSettings | None = None) -> None:
        self.settings = settings or EngineSettings()
        self.trees = TreeCache(max_parse_chars=self.settings.max_parse_chars)
        self.sites = SiteClassifier(self.trees)
        self.jedi = JediBackend(self.settings.jedi)

    def warm(self) -> None:
        """Warm Jedi (0.5-1 s the first time) and tree-sitter; meant for a background thread."""
        t0 = time.perf_counter()
        self.classify(Document(uri="ghostwise:warm", version=0, text="import os\nos.path.\n"), 18)
        self.jedi.warm()
        log.debug("engine warmed in %.0f ms", (time.perf_counter() - t0) * 1000)

    def close(self) -> None:
        """Release the Jedi worker."""
        self.jedi.close()

    def prepare(self, doc: Document) -> None:
        """Parse ``doc`` for Jedi in the background (tree-sitter parses lazily, in ~1-10 ms)."""
        self.jedi.prepare(doc)

    def classify(self, doc: Document, cursor: int, generated: str = "") -> Site | None:
        """The site at the end of ``generated`` inserted at ``cursor`` (None: no site, or failure)."""
        if doc.language_id != "python":
            return None
        if not 0 <= cursor <= len(doc.text):
            log.debug("cursor %d outside %s (%d chars): no site", cursor, doc.uri, len(doc.text))
            return None
        try:
            return self.sites.classify(doc, cursor, generated)
        except (Exception, RecursionError) as exc:  # noqa: BLE001 - never break the decoder
            log.debug("classification failed on %s at %d: %r", doc.uri, cursor, exc)
            return None

    def candidates(self, doc: Document, site: Site, *, wait_ms: float | None = None) -> Candidates | None:
        """Names at ``site``; None when unknown (a later comprehension may bind, Jedi failed or timed out)."""
        if site.binds_later:
            log.debug(
                "%s site at %d of %s may be bound later in the statement: unknown",
                site.kind,
                site.start,
                doc.uri,
            )
            return None
        return self.jedi.candidates(doc, site, wait_ms=wait_ms)

    def check(self, doc: Document, cursor: int, suggestion: str, *, names: bool = True) -> CheckReport:
        """Syntax and scope checks, plus undefined names when ``names`` and the document is small."""
        try:
            parsed = self.trees.parsed(doc, cursor)
            reasons = [
                syntax_reason(self.trees, doc, cursor, suggestion),
                scope_reason(parsed, cursor, suggestion),
            ]
            if names and len(doc.text) <= self.settings.names_check_max_chars:
                reasons.append(names_reason(doc, cursor, suggestion))
        except (Exception, RecursionError) as exc:  # noqa: BLE001 - a failed check must not drop a suggestion
            log.debug("check failed on %s at %d: %r", doc.uri, cursor, exc)
            return CheckReport()
        return CheckReport(reasons=tuple(r for r in reasons if r is not None))
