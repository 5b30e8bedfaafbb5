"""The dev-data event (schema version 1): one JSON line per suggestion, written once its outcome is known.

The format is documented in ``docs/dev-data.md``; change it only together with ``SCHEMA_VERSION``.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

SCHEMA_VERSION = 1
LEVELS = ("off", "metadata", "full")

# outcome: how the suggestion ended (see docs/dev-data.md for when each is chosen)
OUTCOMES = ("accepted", "partial", "dismissed", "unseen", "unknown")
DECIDED = ("accepted", "partial", "dismissed")  # the denominator of the acceptance rate
ENDED_BY = ("accept", "replaced", "timeout", "shutdown")


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
    prompt: PromptSize
    suggestion: OutputSize
    latency_ms: Latency
    guidance: dict[str, float] = field(default_factory=dict)
    outcome: str = "unknown"
    ended_by: str = "shutdown"
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
    event = _build(Event, raw, "")
    try:
        parse_time(event.time)
    except ValueError as e:
        raise InvalidEvent(f"time: {e}") from None
    if event.outcome not in OUTCOMES:
        raise InvalidEvent(f"outcome: {event.outcome!r}")
    return event


_HINTS: dict[type, dict[str, Any]] = {}


def _build(cls: type, raw: object, where: str) -> Any:
    if not isinstance(raw, Mapping):
        raise InvalidEvent(f"{where or 'event'}: expected an object")
    hints = _HINTS.get(cls) or _HINTS.setdefault(cls, typing.get_type_hints(cls))
    values: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if f.name not in raw:
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                raise InvalidEvent(f"{where}{f.name}: missing")
            continue
        values[f.name] = _value(hints[f.name], raw[f.name], where + f.name)
    return cls(**values)


def _value(hint: Any, value: object, where: str) -> Any:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = typing.get_args(hint)
        if value is None and type(None) in options:
            return None
        return _value(next(o for o in options if o is not type(None)), value, where)
    if dataclasses.is_dataclass(hint):
        return _build(hint, value, where + ".")  # type: ignore[arg-type]
    if origin is dict:
        _, item = typing.get_args(hint)
        if not isinstance(value, Mapping):
            raise InvalidEvent(f"{where}: expected an object")
        return {str(k): _value(item, v, f"{where}.{k}") for k, v in value.items()}
    if hint is float and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if hint is int and isinstance(value, int) and not isinstance(value, bool):
        return value
    if hint in (str, bool) and isinstance(value, hint):
        return value
    raise InvalidEvent(f"{where}: expected {getattr(hint, '__name__', hint)}, got {type(value).__name__}")
