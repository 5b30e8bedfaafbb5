"""Server settings: one typed value composed of the layers' own settings, read from camelCase LSP options.

``initializationOptions`` and ``workspace/didChangeConfiguration`` (``settings.ghostwise``) share one
shape: ``{"model": "default", "nCtx": 4096, "guided": {"enabled": true, ...}, ...}``. Which fields are
settings, their wire names, ranges and choices are declared on the fields themselves (``metadata=
{"setting": {...}}``, see :mod:`decoding.settings`); a nested settings type is a nested object unless it
is ``"flat"``. An invalid value is reported and replaced by the current one; unknown keys are reported
and ignored.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from completion_engine import EngineSettings
from decoding.settings import GenerationSettings, GuidanceSettings, ModelSettings
from lsp_server.ahead import TypingSettings
from lsp_server.gate import GateSettings

LOG_LEVELS = ("error", "warning", "info", "debug")
FALLBACK_MODES = ("auto", "always", "never")
DEV_DATA_LEVELS = ("off", "metadata", "full")
_FLAT = {"setting": {"flat": True}}


@dataclass(frozen=True, slots=True, kw_only=True)
class ServerSettings:
    """Everything a user can set, as the layers' own settings types plus the server's own fields."""

    model: ModelSettings = field(default_factory=ModelSettings, metadata=_FLAT)
    generation: GenerationSettings = field(default_factory=GenerationSettings, metadata=_FLAT)
    guided: GuidanceSettings = field(default_factory=GuidanceSettings, metadata={"setting": {}})
    engine: EngineSettings = field(default_factory=EngineSettings, metadata=_FLAT)
    gate: GateSettings = field(default_factory=GateSettings, metadata=_FLAT)
    typing: TypingSettings = field(default_factory=TypingSettings, metadata={"setting": {}})
    debounce_ms: int = field(default=20, metadata={"setting": {"range": (0, 5000)}})
    completion_fallback: str = field(default="auto", metadata={"setting": {"choices": FALLBACK_MODES}})
    log_level: str = field(default="info", metadata={"setting": {"choices": LOG_LEVELS}})
    dev_data: str = field(default="metadata", metadata={"setting": {"choices": DEV_DATA_LEVELS}})
    dismiss_after_ms: int = field(default=10000, metadata={"setting": {"range": (100, 3_600_000)}})
    # past this, the client is told with $/progress that a suggestion is still being computed
    thinking_after_ms: int = field(default=1500, metadata={"setting": {"range": (0, 600_000)}})


@dataclass(frozen=True, slots=True, kw_only=True)
class Setting:
    """One wire key: where it lives (``path`` of field names from ``ServerSettings``) and what it accepts."""

    key: str
    path: tuple[str, ...]
    default: bool | int | str | tuple[str, ...]
    range: tuple[int, int] | None = None
    choices: tuple[str, ...] | None = None


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p.title() for p in rest)


def _settings(cls: Any, prefix: str = "", path: tuple[str, ...] = ()) -> dict[str, Setting]:
    out: dict[str, Setting] = {}
    for f in dataclasses.fields(cls):
        meta = f.metadata.get("setting")
        if meta is None:
            continue
        default = f.default if f.default is not dataclasses.MISSING else f.default_factory()  # type: ignore[misc,operator]
        if dataclasses.is_dataclass(default):
            nested = prefix if meta.get("flat") else prefix + meta.get("key", _camel(f.name)) + "."
            out.update(_settings(type(default), nested, (*path, f.name)))
            continue
        key = prefix + meta.get("key", _camel(f.name))
        out[key] = Setting(
            key=key,
            path=(*path, f.name),
            default=default,
            range=meta.get("range"),
            choices=meta.get("choices"),
        )
    return out


# Dotted camelCase key → its setting; the VS Code extension's contributes.configuration is tested against it.
SETTINGS: dict[str, Setting] = _settings(ServerSettings)
_GROUPS = frozenset(key.rsplit(".", 1)[0] + "." for key in SETTINGS if "." in key)


def parse_settings(raw: object, base: ServerSettings) -> tuple[ServerSettings, list[str]]:
    """Apply the keys present in ``raw`` over ``base``; return the result and human-readable errors."""
    if raw is None:
        return base, []
    if not isinstance(raw, Mapping):
        return base, [f"settings must be an object, got {type(raw).__name__}"]
    errors: list[str] = []
    result = base
    for key, value in _flatten(raw, "", errors):
        setting = SETTINGS.get(key)
        if setting is None:
            errors.append(f"unknown setting '{key}' ignored")
            continue
        current = _get(result, setting.path)
        why = _invalid(setting, value)
        if why is None:
            result = _replace(result, setting.path, tuple(value) if isinstance(value, list) else value)
        else:
            errors.append(f"setting '{key}'={value!r} is invalid ({why}); keeping {current!r}")
    return result, errors


def _flatten(raw: Mapping[str, Any], prefix: str, errors: list[str]) -> list[tuple[str, Any]]:
    """``(dotted key, value)`` pairs of ``raw``; an object stands for its keys when it names a group."""
    out: list[tuple[str, Any]] = []
    for key, value in raw.items():
        dotted = prefix + str(key)
        if dotted + "." in _GROUPS:
            if isinstance(value, Mapping):
                out += _flatten(value, dotted + ".", errors)
            else:
                errors.append(f"setting '{dotted}' must be an object")
        else:
            out.append((dotted, value))
    return out


def _get(obj: Any, path: tuple[str, ...]) -> Any:
    for name in path:
        obj = getattr(obj, name)
    return obj


def _replace(obj: Any, path: tuple[str, ...], value: Any) -> Any:
    if len(path) == 1:
        return dataclasses.replace(obj, **{path[0]: value})
    return dataclasses.replace(obj, **{path[0]: _replace(getattr(obj, path[0]), path[1:], value)})


def _invalid(setting: Setting, value: Any) -> str | None:
    """Why ``value`` is not acceptable for ``setting`` (None when it is)."""
    if isinstance(setting.default, tuple):
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
        return None if ok else "expected a list of strings"
    if isinstance(setting.default, bool):
        return None if isinstance(value, bool) else "expected true or false"
    if isinstance(setting.default, int):
        if isinstance(value, bool) or not isinstance(value, int):
            return "expected an integer"
        lo, hi = setting.range or (0, (1 << 31) - 1)
        return None if lo <= value <= hi else f"expected {lo}..{hi}"
    if setting.choices is not None:
        return None if value in setting.choices else "expected one of " + ", ".join(setting.choices)
    return None if isinstance(value, str) else "expected a string"
