"""Aggregates dev-data events into the figures ``ghostwise stats`` shows (one streaming pass).

Acceptance rate = (accepted + partial) / (accepted + partial + dismissed); ``unseen`` and ``unknown``
suggestions are counted but left out of it. Percentiles interpolate linearly between ranks.
"""

from __future__ import annotations

import math
from array import array
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from lsp_server.devdata.reader import EventReader, ReadReport
from lsp_server.devdata.schema import DECIDED, OUTCOMES, Event, format_time

LENGTH_BUCKETS: tuple[tuple[float, str], ...] = (
    (20, "1-20"),
    (60, "21-60"),
    (150, "61-150"),
    (math.inf, "151+"),
)
PHASES = ("queue", "prompt", "generate", "engine", "total")
TOP_PRUNED = 20


@dataclass(frozen=True, slots=True, kw_only=True)
class Acceptance:
    suggestions: int
    accepted: int
    partial: int
    dismissed: int
    unseen: int
    unknown: int
    rate: float | None  # None when nothing was decided

    @classmethod
    def of(cls, outcomes: Mapping[str, int]) -> Acceptance:
        counts = {o: outcomes.get(o, 0) for o in OUTCOMES}
        decided = sum(counts[o] for o in DECIDED)
        taken = counts["accepted"] + counts["partial"]
        return cls(suggestions=sum(counts.values()), rate=taken / decided if decided else None, **counts)


@dataclass(frozen=True, slots=True, kw_only=True)
class Spread:
    count: int
    p50: float | None
    p95: float | None


@dataclass(frozen=True, slots=True, kw_only=True)
class HourPoint:
    hour: str  # UTC, e.g. 2026-11-22T01:00Z
    suggestions: int
    accepted_chars: int


@dataclass(frozen=True, slots=True, kw_only=True)
class DayPoint:
    day: str  # UTC date
    acceptance: Acceptance


@dataclass(frozen=True, slots=True, kw_only=True)
class Stats:
    since: str | None
    first: str | None
    last: str | None
    overall: Acceptance
    by_mode: dict[str, Acceptance]
    by_language: dict[str, Acceptance]
    by_length: dict[str, Acceptance]  # suggestion length in characters, buckets in LENGTH_BUCKETS order
    latency_ms: dict[str, Spread]  # PHASES; prompt, generate, engine over generations of their own only
    served: dict[str, int]  # suggestions by source: model, cache (typed through), stream (adopted)
    accepted_chars: int
    active_hours: int
    accepted_chars_per_active_hour: float | None
    hourly: tuple[HourPoint, ...]
    daily: tuple[DayPoint, ...]
    guided: int
    released: int  # guided suggestions in which guidance released its constraint at least once
    release_rate: float | None
    pruned_tokens: int
    pruned_names: tuple[tuple[str, int], ...]  # recorded with devData=full only
    read: ReadReport


def length_bucket(chars: int) -> str:
    return next(label for limit, label in LENGTH_BUCKETS if chars <= limit)


def percentile(ordered: array | list[float], q: float) -> float | None:
    """Linear interpolation between closest ranks of sorted ``ordered`` (numpy's default)."""
    if not ordered:
        return None
    position = (len(ordered) - 1) * q
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


class _Tally:
    """The mutable side of one pass."""

    def __init__(self) -> None:
        self.outcomes: Counter[str] = Counter()
        self.groups: dict[str, defaultdict[str, Counter[str]]] = {
            k: defaultdict(Counter) for k in ("mode", "language", "length")
        }
        self.days: defaultdict[str, Counter[str]] = defaultdict(Counter)
        self.hours: defaultdict[str, list[int]] = defaultdict(lambda: [0, 0])
        self.latency = {phase: array("d") for phase in PHASES}
        self.served: Counter[str] = Counter()
        self.first: datetime | None = None
        self.last: datetime | None = None
        self.accepted_chars = self.guided = self.released = self.pruned_tokens = 0
        self.names: Counter[str] = Counter()

    def add(self, event: Event) -> None:
        when = event.when
        self.first = when if self.first is None else min(self.first, when)
        self.last = when if self.last is None else max(self.last, when)
        outcome = event.outcome
        self.outcomes[outcome] += 1
        self.groups["mode"][event.mode][outcome] += 1
        self.groups["language"][event.language or "unknown"][outcome] += 1
        self.groups["length"][length_bucket(event.suggestion.chars)][outcome] += 1
        self.days[format_time(when)[:10]][outcome] += 1
        hour = self.hours[format_time(when)[:13] + ":00Z"]
        hour[0] += 1
        hour[1] += event.accepted_chars
        self.accepted_chars += event.accepted_chars
        latency = event.latency_ms
        self.served[event.served] += 1
        for phase in PHASES:
            # an answer with no generation of its own has no prompt, generate or engine phase
            own = phase in ("queue", "total") or event.served == "model"
            if own and (phase != "engine" or event.mode == "guided"):
                self.latency[phase].append(getattr(latency, phase))
        if event.mode == "guided":
            self.guided += 1
            self.released += event.guidance.get("released", 0) > 0
        self.pruned_tokens += int(event.guidance.get("pruned", 0))
        self.names.update(event.pruned_names)


def summarize(reader: EventReader) -> Stats:
    """One pass over the reader's events (from ``reader.since`` on)."""
    tally = _Tally()
    for event in reader.events():
        tally.add(event)
    since = reader.since
    spreads = {}
    for phase, values in tally.latency.items():
        ordered = array("d", sorted(values))
        spreads[phase] = Spread(
            count=len(ordered), p50=percentile(ordered, 0.5), p95=percentile(ordered, 0.95)
        )
    order = [label for _, label in LENGTH_BUCKETS]
    by = {
        k: {name: Acceptance.of(c) for name, c in sorted(g.items(), key=lambda kv: -sum(kv[1].values()))}
        for k, g in tally.groups.items()
    }
    return Stats(
        since=format_time(since) if since else None,
        first=format_time(tally.first) if tally.first else None,
        last=format_time(tally.last) if tally.last else None,
        overall=Acceptance.of(tally.outcomes),
        by_mode=by["mode"],
        by_language=by["language"],
        by_length={label: by["length"][label] for label in order if label in by["length"]},
        latency_ms=spreads,
        served=dict(tally.served.most_common()),
        accepted_chars=tally.accepted_chars,
        active_hours=len(tally.hours),
        accepted_chars_per_active_hour=tally.accepted_chars / len(tally.hours) if tally.hours else None,
        hourly=tuple(
            HourPoint(hour=h, suggestions=v[0], accepted_chars=v[1]) for h, v in sorted(tally.hours.items())
        ),
        daily=tuple(DayPoint(day=d, acceptance=Acceptance.of(c)) for d, c in sorted(tally.days.items())),
        guided=tally.guided,
        released=tally.released,
        release_rate=tally.released / tally.guided if tally.guided else None,
        pruned_tokens=tally.pruned_tokens,
        pruned_names=tuple(tally.names.most_common(TOP_PRUNED)),
        read=reader.report,
    )
