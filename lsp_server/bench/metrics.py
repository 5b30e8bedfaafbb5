"""Per-task metrics of one completion against the ground truth (definitions: docs/benchmarks.md).

Text metrics compare first lines; the validity metrics compare the whole document with the
completion (``prefix + completion + suffix``) against the document with the ground truth, so only
what the completion breaks is counted.  ``None`` means "not applicable / unknown" and is left out
of the rates.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from completion_engine import Document, PythonEngine, undefined_names
from lsp_server.bench.tasks import Task

# The names listed right after a member task's ``.`` in ``prefix + completion + suffix`` (empty: unknown).
MembersAt = Callable[[Task, str], frozenset[str]]


def engine_members(engine: PythonEngine, root: Path | None) -> MembersAt:
    """The engine's untimed member oracle, with the task's path under ``root`` (the bench's ``--root``)."""
    root = root.resolve() if root is not None else None

    def members(task: Task, completion: str) -> frozenset[str]:
        path = root / task.path if root is not None and task.path else None
        doc = Document(
            uri=path.as_uri() if path else f"untitled:{task.task_id}",
            text=task.document(completion),
            cursor=len(task.prefix),
            path=path,
            workspace_root=root,
        )
        return engine.members_at(doc)

    return members


_IDENTIFIER = re.compile(r"[^\W\d]\w*")
_LEADING_MEMBER = re.compile(r"[^\W\d]\w*")


def first_line(text: str) -> str:
    """The first line of ``text``, whitespace-trimmed."""
    return text.split("\n", 1)[0].strip()


def levenshtein(a: str, b: str) -> int:
    """Edit distance (insertions, deletions, substitutions of characters)."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def edit_similarity(a: str, b: str) -> float:
    """``1 - levenshtein / max length``; two empty strings are identical (1.0)."""
    longest = max(len(a), len(b))
    return 1.0 if longest == 0 else 1.0 - levenshtein(a, b) / longest


def first_identifier(text: str) -> str | None:
    """The first identifier of the first line, if any."""
    match = _IDENTIFIER.search(first_line(text))
    return match.group() if match else None


def leading_member(completion: str) -> str | None:
    """The member name a completion typed right after a ``.`` (``None`` if it does not start with one)."""
    match = _LEADING_MEMBER.match(completion)
    return match.group() if match else None


@dataclass(frozen=True, slots=True, kw_only=True)
class Baseline:
    """What the ground-truth document gives, computed once per task and shared by all modes."""

    parses: bool
    undefined: frozenset[str] | None

    @classmethod
    def of(cls, task: Task) -> Baseline:
        document = task.document(task.ground_truth)
        undefined = undefined_names(document)
        return cls(parses=undefined is not None, undefined=undefined)


@dataclass(frozen=True, slots=True, kw_only=True)
class Metrics:
    """Every metric of one completion; ``None`` where a metric does not apply or is unknown."""

    exact_match: bool
    edit_similarity: float
    identifier_match: bool
    syntax_error: bool | None
    undefined_name: bool | None
    unresolved_member: bool | None
    passed: bool | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def score(
    task: Task,
    completion: str,
    baseline: Baseline,
    members: MembersAt | None,
    passed: bool | None = None,
) -> Metrics:
    """All metrics of ``completion`` for ``task``; ``members`` is used for member tasks only."""
    got, want = first_line(completion), first_line(task.ground_truth)
    document = task.document(completion)
    syntax_error: bool | None = None
    undefined_name: bool | None = None
    if baseline.parses and baseline.undefined is not None:
        found = undefined_names(document)
        syntax_error = found is None
        undefined_name = bool(found - baseline.undefined) if found is not None else False
    unresolved: bool | None = None
    if task.kind == "member" and members is not None:
        listed = members(task, completion)
        if listed:
            unresolved = leading_member(completion) not in listed
    return Metrics(
        exact_match=got == want,
        edit_similarity=edit_similarity(got, want),
        identifier_match=first_identifier(completion) == first_identifier(task.ground_truth),
        syntax_error=syntax_error,
        undefined_name=undefined_name,
        unresolved_member=unresolved,
        passed=passed,
    )
