"""The engine's answers at the identifier sites of one suggestion, without making the model wait.

A site is classified when the decoder first reaches it (memoized by the text before it) and its query
starts then; the decoder goes on while the answer is pending and polls (no wait) at every step. Only
:meth:`SiteAnswers.wait`, at the end of generation, blocks, and never for longer in total than the
suggestion's engine budget.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from decoding.constraint import Answer, Guide, NameSet, SiteInfo
from decoding.settings import GuidanceSettings
from decoding.stats import GuidanceStats


@dataclass(slots=True)
class Site:
    """One site of the suggestion: what it is, and the engine's answer once it has one."""

    key: str  # the generated text before the site's identifier
    info: SiteInfo
    answer: Answer | None = None  # None while the query runs
    seen_pending: bool = False  # the decoder reached the site before the answer

    @property
    def names(self) -> NameSet | None:
        """The names to guide by: none while pending, where the engine cannot know them, or not all."""
        answer = self.answer
        return answer.names if answer is not None and answer.complete else None


class SiteAnswers:
    """Sites by position in the generated text, their answers, and the time spent on the engine."""

    def __init__(self, guide: Guide, settings: GuidanceSettings, stats: GuidanceStats) -> None:
        self._guide = guide
        self._settings = settings
        self._stats = stats
        self._sites: dict[str, Site | None] = {}
        self._pending: dict[str, Site] = {}

    def at(self, key: str) -> Site | None:
        """The site whose identifier starts after the generated text ``key`` (None: no site, or a kind
        switched off), answered at once when the engine already knows it."""
        if key in self._sites:
            return self._sites[key]
        t0 = time.perf_counter()
        info = self._guide.site(key)
        site = None
        if info is not None and not self._settings.sites.allows(info.kind):
            self._stats.switched_off_sites += 1
        elif info is not None:
            site = Site(key=key, info=info)
            self._stats.sites += 1
            self._stats.engine_queries += int(info.queried)
            self._settle(site, self._guide.answer(info, wait_ms=0))
        self._stats.engine_ms += (time.perf_counter() - t0) * 1000
        self._sites[key] = site
        return site

    def poll(self) -> list[Site]:
        """The pending sites answered since the last call (no waiting)."""
        if not self._pending:
            return []
        t0 = time.perf_counter()
        answered = [
            s for s in list(self._pending.values()) if self._settle(s, self._guide.answer(s.info, wait_ms=0))
        ]
        self._stats.engine_ms += (time.perf_counter() - t0) * 1000
        return answered

    def wait(self) -> list[Site]:
        """Wait for the pending sites, oldest first, within what is left of the suggestion's engine
        budget; the ones answered."""
        answered = []
        for site in list(self._pending.values()):
            left_ms = self._settings.engine_budget_ms - self._stats.engine_wait_ms
            if left_ms <= 0:
                break
            t0 = time.perf_counter()
            answer = self._guide.answer(site.info, wait_ms=left_ms)
            waited_ms = (time.perf_counter() - t0) * 1000
            self._stats.engine_wait_ms += waited_ms
            self._stats.engine_ms += waited_ms
            if self._settle(site, answer):
                answered.append(site)
        return answered

    def unanswered(self) -> int:
        return len(self._pending)

    def _settle(self, site: Site, answer: Answer) -> bool:
        """Record ``answer`` if it is one; True when it settled a pending site."""
        if not answer.ready:
            if site.key not in self._pending:
                site.seen_pending = True
                self._pending[site.key] = site
            return False
        site.answer = answer
        self._stats.unknown_sites += int(answer.names is None)
        self._stats.incomplete_sites += int(answer.names is not None and not answer.complete)
        return self._pending.pop(site.key, None) is not None
