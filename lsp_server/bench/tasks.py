"""The task format (JSON lines) and its tolerant reader.

One JSON object a line with ``task_id``, ``prefix``, ``suffix``, ``ground_truth`` (strings) and the
optional ``path``, ``test``, ``entry_point``, ``kind``.  Unknown keys are kept in :attr:`Task.extra`
and written back unchanged.  Lines that are not JSON objects, lack a required key or hold a value of
the wrong type are reported with their line number and skipped.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TextIO

log = logging.getLogger(__name__)

REQUIRED_KEYS = ("task_id", "prefix", "suffix", "ground_truth")
OPTIONAL_KEYS = ("path", "test", "entry_point", "kind")
KINDS = ("line", "member", "api", "block")


@dataclass(frozen=True, slots=True, kw_only=True)
class Task:
    """One cursor position: the code around it and what the original code had there."""

    task_id: str
    prefix: str
    suffix: str
    ground_truth: str
    path: str | None = None
    test: str | None = None
    entry_point: str | None = None
    kind: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    def document(self, completion: str) -> str:
        """The whole file with ``completion`` at the cursor."""
        return self.prefix + completion + self.suffix

    def at_line_end(self) -> Task:
        """The task as an editor holds it: a ground truth ending in a line break is a whole line, so
        the break moves to the suffix and the cursor's line ends where the ground truth does."""
        for newline in ("\r\n", "\n"):
            if self.ground_truth.endswith(newline):
                return replace(
                    self, ground_truth=self.ground_truth.removesuffix(newline), suffix=newline + self.suffix
                )
        return self

    def to_json(self) -> dict[str, Any]:
        """The JSON object of this task (optional keys only when set, unknown keys kept)."""
        obj: dict[str, Any] = {k: getattr(self, k) for k in REQUIRED_KEYS}
        obj.update({k: getattr(self, k) for k in OPTIONAL_KEYS if getattr(self, k) is not None})
        obj.update(self.extra)
        return obj


@dataclass(frozen=True, slots=True, kw_only=True)
class Problem:
    """A skipped input line."""

    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass(frozen=True, slots=True, kw_only=True)
class TaskFile:
    """The tasks read from a file and the lines that were skipped."""

    tasks: tuple[Task, ...]
    problems: tuple[Problem, ...]


def task_from_json(obj: object) -> Task:
    """Build a task from a decoded JSON value; raises ``ValueError``/``TypeError`` saying what is wrong."""
    if not isinstance(obj, dict):
        raise TypeError(f"expected a JSON object, got {type(obj).__name__}")
    missing = [k for k in REQUIRED_KEYS if k not in obj]
    if missing:
        raise ValueError(f"missing key(s): {', '.join(missing)}")
    for key in (*REQUIRED_KEYS, *OPTIONAL_KEYS):
        value = obj.get(key)
        if value is not None and not isinstance(value, str):
            raise TypeError(f"{key!r} must be a string, got {type(value).__name__}")
    if obj.get("kind") is not None and obj["kind"] not in KINDS:
        log.debug("task %s has unknown kind %r", obj["task_id"], obj["kind"])
    known = {*REQUIRED_KEYS, *OPTIONAL_KEYS}
    return Task(
        task_id=obj["task_id"],
        prefix=obj["prefix"],
        suffix=obj["suffix"],
        ground_truth=obj["ground_truth"],
        path=obj.get("path"),
        test=obj.get("test"),
        entry_point=obj.get("entry_point"),
        kind=obj.get("kind"),
        extra={k: v for k, v in obj.items() if k not in known},
    )


def read_tasks(stream: Iterable[str]) -> TaskFile:
    """Read JSON lines; blank lines are ignored, bad lines and repeated task ids are skipped."""
    tasks: list[Task] = []
    problems: list[Problem] = []
    seen: set[str] = set()
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        try:
            task = task_from_json(json.loads(line))
        except json.JSONDecodeError as exc:
            problems.append(Problem(line=number, reason=f"malformed JSON ({exc.msg}, column {exc.colno})"))
            continue
        except (ValueError, TypeError) as exc:
            problems.append(Problem(line=number, reason=str(exc)))
            continue
        if task.task_id in seen:
            problems.append(Problem(line=number, reason=f"repeated task_id {task.task_id!r}"))
            continue
        seen.add(task.task_id)
        tasks.append(task)
    for problem in problems:
        log.warning("skipped %s", problem)
    return TaskFile(tasks=tuple(tasks), problems=tuple(problems))


def load_tasks(path: Path) -> TaskFile:
    """Read a task file (UTF-8 JSON lines)."""
    with path.open(encoding="utf-8", errors="surrogateescape") as stream:
        return read_tasks(stream)


def write_tasks(tasks: Iterable[Task], stream: TextIO) -> int:
    """Write tasks as JSON lines; returns how many were written."""
    count = 0
    for task in tasks:
        stream.write(json.dumps(task.to_json()) + "\n")
        count += 1
    return count
