"""The dev-data event (schema version 1): one JSON line per suggestion, written once its outcome is known.

The format is documented in ``docs/dev-data.md``; change it only together with ``SCHEMA_VERSION``.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

SCHEMA_VERSION = 1

# outcome: how the suggestion ended (see docs/dev-data.md for when each is chosen)
OUTCOMES = ("accepted", "partial", "dismissed", "unseen", "unknown")
DECIDED = ("accepted", "partial", "dismissed")  # the denominator of the acceptance rate


@dataclass(frozen=True, slots=True, kw_only=True)
class PromptSize:
    tokens: int
    reused_tokens: int
    prefix_chars: int
    suffix_chars: int


@dataclass(frozen=True, slots=True, kw_only=True)
class OutputSize:
    tokens: int
    chars: int
    lines: int
    stop_reason: str
    fim: bool
    multiline: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class Latency:
    """Milliseconds; ``queue`` runs from the request's arrival to the start of generation."""

    queue: float
    prompt: float
    generate: float
    engine: float
    model: float
    total: float


@dataclass(frozen=True, slots=True, kw_only=True)
class Excerpt:
    """Code text, present only with ``devData: full``."""

    uri: str
    prefix: str
    suffix: str
    suggestion: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    """One suggestion and what became of it."""

    v: int = SCHEMA_VERSION
    id: str
    time: str  # UTC ISO 8601 when the suggestion was delivered, e.g. 2026-11-22T01:23:45.678Z
    session: str
    client: str
    language: str
    model: str
    mode: str  # base | guided
    surface: str  # inline | completion
    served: str = "model"  # model (a generation of its own) | cache (typed through) | stream (adopted)
    prompt: PromptSize
    suggestion: OutputSize
    latency_ms: Latency
    guidance: dict[str, float] = field(default_factory=dict)
    outcome: str = "unknown"
    ended_by: str = "shutdown"  # accept | hidden | replaced | timeout | shutdown
    shown: bool | None = None
    accepted_chars: int = 0
    outcome_ms: float = 0.0  # from delivery to the outcome (monotonic clock)
    pruned_names: dict[str, int] = field(default_factory=dict)  # full only: identifiers guidance pruned
    text: Excerpt | None = None  # full only

    @property
    def when(self) -> datetime:
        return parse_time(self.time)

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), ensure_ascii=False, separators=(",", ":"))


class InvalidEvent(ValueError):
    """A version-1 record whose shape does not match the schema."""


def format_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def parse_time(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def event_from_dict(raw: Mapping[str, Any]) -> Event:
    """Build and check an :class:`Event` (unknown keys are ignored); raises :class:`InvalidEvent`."""
    event: Event = _converter(Event)(raw, "")
    try:
        parse_time(event.time)
    except ValueError as e:
        raise InvalidEvent(f"time: {e}") from None
    if event.outcome not in OUTCOMES:
        raise InvalidEvent(f"outcome: {event.outcome!r}")
    return event


Converter = Callable[[object, str], Any]


@functools.cache
def _converter(hint: Any) -> Converter:
    """A checking converter for ``hint``, built once per type (the reader calls it per line)."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = typing.get_args(hint)
        inner = _converter(next(o for o in options if o is not type(None)))
        optional = type(None) in options
        return lambda value, where: None if value is None and optional else inner(value, where)
    if dataclasses.is_dataclass(hint):
        return _record(hint)  # type: ignore[arg-type]
    if origin is dict:
        item = _converter(typing.get_args(hint)[1])

        def mapping(value: object, where: str) -> dict[str, Any]:
            if not isinstance(value, dict):
                raise InvalidEvent(f"{where}: expected an object")
            return {str(k): item(v, f"{where}.{k}") for k, v in value.items()}

        return mapping
    accepted = (int, float) if hint is float else (hint,)

    def scalar(value: object, where: str) -> Any:
        if type(value) not in accepted:  # exact types: a bool is not an int here
            raise InvalidEvent(f"{where}: expected {hint.__name__}, got {type(value).__name__}")
        return float(value) if hint is float else value  # type: ignore[arg-type]

    return scalar


def _record(cls: type) -> Converter:
    hints = typing.get_type_hints(cls)
    fields = [
        (f.name, f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING)
        for f in dataclasses.fields(cls)
    ]

    def build(raw: object, where: str) -> Any:
        if not isinstance(raw, dict):
            raise InvalidEvent(f"{where or 'event'}: expected an object")
        values: dict[str, Any] = {}
        for name, required in fields:
            path = f"{where}.{name}" if where else name
            if name in raw:
                values[name] = _converter(hints[name])(raw[name], path)
            elif required:
                raise InvalidEvent(f"{path}: missing")
        return cls(**values)

    return build
