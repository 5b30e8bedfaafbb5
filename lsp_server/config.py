"""Server settings: one typed source of truth, read from camelCase LSP options with validation.

``initializationOptions`` and ``workspace/didChangeConfiguration`` (``settings.ghostwise``) share
one shape: ``{"model": "default", "nCtx": 4096, "guided": {"enabled": true, ...}, ...}``. An invalid
value is reported and replaced by the current one; unknown keys are reported and ignored.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from decoding.settings import GenerationSettings, GuidanceSettings, ModelSettings

LOG_LEVELS = ("error", "warning", "info", "debug")
FALLBACK_MODES = ("auto", "always", "never")
DEV_DATA_LEVELS = ("off", "metadata", "full")


@dataclass(frozen=True, slots=True, kw_only=True)
class GuidedOptions:
    enabled: bool = True
    pruning: bool = True
    memoization: bool = True
    active_completion: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class ServerSettings:
    model: str = "default"
    n_ctx: int = 4096
    threads: int = 0
    n_batch: int = 512
    max_tokens: int = 64
    max_lines: int = 8
    max_ms: int = 1500
    debounce_ms: int = 20
    completion_fallback: str = "auto"
    log_level: str = "info"
    guided: GuidedOptions = field(default_factory=GuidedOptions)
    dev_data: str = "metadata"
    dismiss_after_ms: int = 10000
    python_environment: str = ""
    engine_timeout_ms: int = 150

    def model_settings(self) -> ModelSettings:
        return ModelSettings(model=self.model, n_ctx=self.n_ctx, n_threads=self.threads, n_batch=self.n_batch)

    def generation(self) -> GenerationSettings:
        return GenerationSettings(max_tokens=self.max_tokens, max_lines=self.max_lines, max_ms=self.max_ms)

    def guidance(self) -> GuidanceSettings:
        g = self.guided
        return GuidanceSettings(guided=g.enabled, pruning=g.pruning, memoization=g.memoization,
                                active_completion=g.active_completion)


# Allowed values and ranges, by snake_case field name.
_CHOICES: dict[str, tuple[str, ...]] = {
    "completion_fallback": FALLBACK_MODES, "log_level": LOG_LEVELS, "dev_data": DEV_DATA_LEVELS,
}
_RANGES: dict[str, tuple[int, int]] = {
    "n_ctx": (256, 1 << 20), "threads": (0, 512), "n_batch": (1, 1 << 16), "max_tokens": (1, 4096),
    "max_lines": (1, 200), "max_ms": (50, 600_000), "debounce_ms": (0, 5000), "dismiss_after_ms": (100, 3_600_000),
    "engine_timeout_ms": (10, 60_000),
}
RELOAD_FIELDS = frozenset({"model", "n_ctx", "threads", "n_batch"})


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p.title() for p in rest)


def _schema(cls: Any, prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        key = prefix + _camel(f.name)
        default = f.default if f.default is not dataclasses.MISSING else f.default_factory()  # type: ignore[misc,operator]
        if dataclasses.is_dataclass(default):
            out.update(_schema(type(default), key + "."))
        else:
            out[key] = default
    return out


# Dotted camelCase key → default; the VS Code extension's contributes.configuration is tested against it.
SETTINGS_SCHEMA: dict[str, Any] = _schema(ServerSettings)


def parse_settings(raw: object, base: ServerSettings) -> tuple[ServerSettings, list[str]]:
    """Apply the keys present in ``raw`` over ``base``; return the result and human-readable errors."""
    if raw is None:
        return base, []
    if not isinstance(raw, Mapping):
        return base, [f"settings must be an object, got {type(raw).__name__}"]
    return _apply(base, raw, "")


def _apply(obj: Any, raw: Mapping[str, Any], prefix: str) -> tuple[Any, list[str]]:
    errors: list[str] = []
    fields = {_camel(f.name): f.name for f in dataclasses.fields(obj)}
    changes: dict[str, Any] = {}
    for key, value in raw.items():
        name = fields.get(key)
        if name is None:
            errors.append(f"unknown setting '{prefix}{key}' ignored")
            continue
        current = getattr(obj, name)
        if dataclasses.is_dataclass(current):
            if isinstance(value, Mapping):
                changes[name], nested = _apply(current, value, f"{prefix}{key}.")
                errors += nested
            else:
                errors.append(f"setting '{prefix}{key}' must be an object")
            continue
        ok, why = _valid(name, current, value)
        if ok:
            changes[name] = value
        else:
            errors.append(f"setting '{prefix}{key}'={value!r} is invalid ({why}); keeping {current!r}")
    return dataclasses.replace(obj, **changes), errors


def _valid(name: str, current: Any, value: Any) -> tuple[bool, str]:
    if isinstance(current, bool):
        return isinstance(value, bool), "expected true or false"
    if isinstance(current, int):
        if isinstance(value, bool) or not isinstance(value, int):
            return False, "expected an integer"
        lo, hi = _RANGES.get(name, (0, 1 << 31))
        return lo <= value <= hi, f"expected {lo}..{hi}"
    if name in _CHOICES:
        return value in _CHOICES[name], "expected one of " + ", ".join(_CHOICES[name])
    return isinstance(value, str), "expected a string"
