"""``EngineGuide``: an :class:`~completion_engine.protocol.Engine` bound to one document snapshot.

It implements ``decoding.constraint.Guide`` and is the only module of the engine that knows the
decoder: the decoder calls :meth:`EngineGuide.site` at the start of generation and after each token
ending in a non-identifier character (it memoizes the answers per request), and
:meth:`EngineGuide.check` once per finished suggestion.
"""

from __future__ import annotations

import logging

from completion_engine.protocol import Document, Engine
from decoding.constraint import CheckReport, SiteInfo

log = logging.getLogger(__name__)


class EngineGuide:
    """The guide of one completion request: ``doc`` (one version, with its cursor).

    ``names_check``: also run the undefined-names check in :meth:`check` (the engine still skips
    it on documents above its size limit).  ``prefetch``: classify the cursor now and start its
    candidate query without waiting, so it overlaps the model's prompt evaluation.
    """

    def __init__(
        self, engine: Engine, doc: Document, *, names_check: bool = True, prefetch: bool = True
    ) -> None:
        self.engine = engine
        self.doc = doc
        self.names_check = names_check
        if prefetch and (site := engine.classify(doc)) is not None:
            engine.candidates(doc, site, wait_ms=0)

    def site(self, generated: str) -> SiteInfo | None:
        """The identifier site at the end of ``generated`` (None: no site, do not constrain)."""
        site = self.engine.classify(self.doc, generated)
        if site is None:
            return None
        candidates = self.engine.candidates(self.doc, site)
        return SiteInfo(
            kind=site.kind,
            typed=site.typed,
            names=candidates.names if candidates is not None else None,
            queried=candidates is not None and not candidates.memoized,
            complete=candidates is None or candidates.complete,
        )

    def check(self, suggestion: str) -> CheckReport:
        """Syntax + scope (+ names when enabled and cheap) verdict on ``suggestion`` at the cursor."""
        findings = self.engine.check(self.doc, suggestion, names=self.names_check)
        if not findings:
            return CheckReport()
        reasons = tuple(f.reason for f in findings)
        log.debug("suggestion rejected at %s:%d: %s", self.doc.uri, self.doc.cursor, "; ".join(reasons))
        return CheckReport(reasons=reasons, blame=min(f.at for f in findings))
