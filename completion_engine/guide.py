"""``EngineGuide``: an :class:`~completion_engine.protocol.Engine` bound to one document snapshot.

It implements ``decoding.constraint.Guide`` and is the only module of the engine that knows the
decoder: the decoder classifies positions with :meth:`EngineGuide.site` (which starts the engine's
query there at once), asks for the names with :meth:`EngineGuide.answer` when it chooses to (not
waiting while it decodes), and calls :meth:`EngineGuide.check` once per finished suggestion.
"""

from __future__ import annotations

import logging

from completion_engine.protocol import Document, Engine, Site
from decoding.constraint import PENDING, Answer, CheckReport, SiteInfo

log = logging.getLogger(__name__)


class EngineGuide:
    """The guide of one completion request: ``doc`` (one version, with its cursor).

    ``names_check``: also run the undefined-names check in :meth:`check`. ``prefetch``: classify the
    cursor now and start its query, so it overlaps the model's prompt evaluation.
    """

    def __init__(
        self, engine: Engine, doc: Document, *, names_check: bool = True, prefetch: bool = True
    ) -> None:
        self.engine = engine
        self.doc = doc
        self.names_check = names_check
        self._started: set[tuple[object, ...]] = set()  # keys of the sites whose query this request started
        if prefetch:
            self.site("")

    def site(self, generated: str) -> SiteInfo | None:
        """The identifier site at the end of ``generated`` (None: no site, do not constrain)."""
        site = self.engine.classify(self.doc, generated)
        if site is None:
            return None
        if not self.engine.candidates(self.doc, site, wait_ms=0).memoized:
            self._started.add(site.key)
        return SiteInfo(kind=site.kind, typed=site.typed, queried=site.key in self._started, handle=site)

    def answer(self, site: SiteInfo, *, wait_ms: float) -> Answer:
        """The engine's names at ``site``, waiting at most ``wait_ms`` for a query still running."""
        assert isinstance(site.handle, Site)
        found = self.engine.candidates(self.doc, site.handle, wait_ms=wait_ms)
        if not found.ready:
            return PENDING
        return Answer(ready=True, names=found.names, complete=found.complete)

    def check(self, suggestion: str) -> CheckReport:
        """Syntax + scope (+ names when enabled) verdict on ``suggestion`` at the cursor."""
        findings = self.engine.check(self.doc, suggestion, names=self.names_check)
        if not findings:
            return CheckReport()
        reasons = tuple(f.reason for f in findings)
        log.debug("suggestion rejected at %s:%d: %s", self.doc.uri, self.doc.cursor, "; ".join(reasons))
        return CheckReport(reasons=reasons, blame=min(f.at for f in findings))
