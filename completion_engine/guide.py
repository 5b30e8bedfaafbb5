"""``EngineGuide``: an :class:`~completion_engine.protocol.Engine` bound to one document and cursor.

It implements ``decoding.constraint.Guide``: the decoder calls :meth:`EngineGuide.site` at the
start of generation and after each token ending in a non-identifier character, and
:meth:`EngineGuide.check` once per finished suggestion.
"""

from __future__ import annotations

import logging
import time

from completion_engine.protocol import Document, Engine, Site
from decoding.constraint import CheckReport, SiteInfo

log = logging.getLogger(__name__)


class EngineGuide:
    """The guide of one completion request: ``doc`` (one version) with the cursor at ``cursor``.

    ``names_check``: also run the undefined-names check in :meth:`check` (the engine still skips
    it on documents above its size limit).  ``prefetch``: classify the cursor now and start its
    candidate query without waiting, so it overlaps the model's prompt evaluation.
    """

    def __init__(
        self, engine: Engine, doc: Document, cursor: int, *, names_check: bool = True, prefetch: bool = True
    ) -> None:
        self.engine = engine
        self.doc = doc
        self.cursor = cursor
        self.names_check = names_check
        self._sites: dict[str, Site | None] = {}
        if prefetch:
            site = self._site("")
            if site is not None:
                engine.candidates(doc, site, wait_ms=0)

    def _site(self, generated: str) -> Site | None:
        if generated not in self._sites:
            self._sites[generated] = self.engine.classify(self.doc, self.cursor, generated)
        return self._sites[generated]

    def site(self, generated: str) -> SiteInfo | None:
        """The identifier site at the end of ``generated`` (None: no site, do not constrain)."""
        t0 = time.perf_counter()
        site = self._site(generated)
        if site is None:
            return None
        candidates = self.engine.candidates(self.doc, site)
        return SiteInfo(
            kind=site.kind,
            typed=site.typed,
            names=candidates.names if candidates is not None else None,
            queried=candidates is not None and not candidates.memoized,
            engine_ms=(time.perf_counter() - t0) * 1000,
        )

    def check(self, suggestion: str) -> CheckReport:
        """Syntax + scope (+ names when enabled and cheap) verdict on ``suggestion`` at the cursor."""
        report = self.engine.check(self.doc, self.cursor, suggestion, names=self.names_check)
        if not report.ok:
            log.debug(
                "suggestion rejected at %s:%d: %s", self.doc.uri, self.cursor, "; ".join(report.reasons)
            )
        return report
