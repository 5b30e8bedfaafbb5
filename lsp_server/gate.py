"""Whether a request gets a suggestion at all: trigger, language and file rules, snooze, minimum length.

The controls Copilot, Continue, Tabby and llama.vscode users ask for most, decided in one place before
any model work (``refusal``) and on the finished text (``long_enough``). Rules are lists read in order,
the last matching entry deciding: ``python`` turns suggestions on, ``!markdown`` off, ``*`` (languages)
or ``**`` (files) matches everything; when no entry matches, suggestions are on.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

TRIGGERS = ("automatic", "manual")
SNOOZE_MINUTES_MAX = 1440  # a day


@dataclass(frozen=True, slots=True, kw_only=True)
class GateSettings:
    """When to suggest: on every keystroke or only when asked, where, and how short is too short."""

    trigger: str = field(default="automatic", metadata={"setting": {"choices": TRIGGERS}})
    languages: tuple[str, ...] = field(default=(), metadata={"setting": {}})
    files: tuple[str, ...] = field(default=(), metadata={"setting": {}})
    min_chars: int = field(default=1, metadata={"setting": {"range": (1, 1000)}})
    snooze_minutes: int = field(default=30, metadata={"setting": {"range": (1, SNOOZE_MINUTES_MAX)}})


def refusal(
    settings: GateSettings,
    *,
    explicit: bool,
    language_id: str,
    path: Path | None,
    root: Path | None,
    snoozed: bool,
) -> str | None:
    """Why this request gets no suggestion (None: go on). ``explicit``: the user asked for it."""
    if settings.trigger == "manual" and not explicit:
        return "manual trigger: not an explicit request"
    if snoozed and not explicit:
        return "snoozed"
    if not _allowed(settings.languages, lambda rule: rule in ("*", language_id)):
        return f"language {language_id!r} is turned off"
    if path is not None and settings.files:
        relative = _relative(path, root)
        if not _allowed(
            settings.files, lambda rule: _glob(rule).fullmatch(_subject(rule, relative)) is not None
        ):
            return f"file {relative} is turned off"
    return None


def long_enough(settings: GateSettings, text: str) -> bool:
    """At least ``min_chars`` characters once surrounding whitespace is stripped."""
    return len(text.strip()) >= settings.min_chars


def _allowed(rules: tuple[str, ...], matches: Callable[[str], bool]) -> bool:
    decision = True
    for rule in rules:
        negated = rule.startswith("!")
        if matches(rule[1:] if negated else rule):
            decision = not negated
    return decision


def _relative(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return path.relative_to(root).as_posix()
        except ValueError:
            pass
    return path.as_posix()


def _subject(rule: str, relative: str) -> str:
    """A rule without ``/`` is matched against the file name, in any folder (as in .gitignore); one with
    it against the whole path (a leading ``/`` of either ignored)."""
    return relative.lstrip("/") if "/" in rule else PurePosixPath(relative).name


@functools.lru_cache(maxsize=256)
def _glob(rule: str) -> re.Pattern[str]:
    """``**`` any folders, ``*`` any characters but ``/``, ``?`` one of them; the rest literal."""
    rule = rule.lstrip("/")
    out, i = [], 0
    while i < len(rule):
        if rule.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif rule.startswith("**", i):
            out.append(".*")
            i += 2
        elif rule[i] == "*":
            out.append("[^/]*")
            i += 1
        elif rule[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(rule[i]))
            i += 1
    return re.compile("".join(out))
