"""``bench run``: every task through the completion path, for each mode, scored and saved per task.

Tasks run in order and, within a task, every mode in turn (the prompt is then reused from the
model's KV cache).  Each result is appended to ``results-<mode>.jsonl`` and flushed at once, so an
interrupted run keeps everything finished and ``resume`` continues where it stopped.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from tqdm import tqdm

from decoding.completer import Suggestion
from decoding.settings import GuidanceSettings
from lsp_server.bench.execution import program, run_test
from lsp_server.bench.metrics import Baseline, MembersAt, Metrics, score
from lsp_server.bench.modes import MODES
from lsp_server.bench.tasks import Task

log = logging.getLogger(__name__)

Complete = Callable[[Task, GuidanceSettings], Suggestion]
SiteKind = Callable[[Task], str]  # the kind of identifier site at a task's cursor ("none" when there is none)


@dataclass(frozen=True, slots=True, kw_only=True)
class RunOptions:
    """Where results go and how tests run."""

    out_dir: Path
    modes: Sequence[str]
    test_timeout_s: float = 10.0
    resume: bool = False
    progress: bool = True


def results_path(out_dir: Path, mode: str) -> Path:
    return out_dir / f"results-{mode}.jsonl"


def read_results(path: Path) -> dict[str, dict[str, Any]]:
    """Valid records of a results file by task id (the last one wins; a cut-off last line is ignored)."""
    records: dict[str, dict[str, Any]] = {}
    if not path.exists():
        return records
    with path.open(encoding="utf-8") as stream:
        for number, line in enumerate(stream, start=1):
            try:
                record = json.loads(line)
                records[str(record["task_id"])] = record
            except (json.JSONDecodeError, KeyError, TypeError):
                log.warning("%s line %d: not a result record, ignored", path, number)
    return records


def _open_results(path: Path, resume: bool) -> tuple[TextIO, set[str]]:
    """Open a results file for appending; on resume keep (and rewrite cleanly) its valid records."""
    kept = read_results(path) if resume else {}
    with path.open("w", encoding="utf-8") as stream:
        stream.writelines(json.dumps(r) + "\n" for r in kept.values())
    return path.open("a", encoding="utf-8"), set(kept)


class Judge:
    """Scores the completions of one task; a completion seen before (modes often agree) is not rescored."""

    def __init__(self, task: Task, members: MembersAt | None, test_timeout_s: float) -> None:
        self.task = task
        self._members = members
        self._timeout_s = test_timeout_s
        self._baseline = Baseline.of(task)
        self._seen: dict[str, tuple[Metrics, str | None]] = {}

    def __call__(self, completion: str) -> tuple[Metrics, str | None]:
        """The metrics of ``completion`` and the test's verdict (``None`` without a test)."""
        if completion not in self._seen:
            task, passed, detail = self.task, None, None
            if task.test is not None and task.entry_point is not None:
                outcome = run_test(
                    program(task.document(completion), task.test, task.entry_point), self._timeout_s
                )
                passed, detail = outcome.passed, outcome.detail
            self._seen[completion] = (
                score(task, completion, self._baseline, self._members, passed=passed),
                detail,
            )
        return self._seen[completion]


def evaluate(task: Task, mode: str, complete: Complete, judge: Judge, site_kind: str = "") -> dict[str, Any]:
    """Run one task in one mode and return its result record."""
    record: dict[str, Any] = {
        "task_id": task.task_id,
        "mode": mode,
        "kind": task.kind,
        "site_kind": site_kind,
    }
    started = time.perf_counter()
    try:
        suggestion = complete(task, MODES[mode])
    except Exception as exc:  # noqa: BLE001 - a bad task (prompt too long, untokenizable text) must not end the run
        log.warning("task %s (%s) failed: %s", task.task_id, mode, exc)
        return record | {"error": f"{type(exc).__name__}: {exc}"}
    latency_ms = (time.perf_counter() - started) * 1000
    metrics, test_detail = judge(suggestion.text)
    return record | {
        "completion": suggestion.text,
        "ground_truth": task.ground_truth,
        "stop_reason": suggestion.stop_reason,
        "latency_ms": round(latency_ms, 2),
        "metrics": metrics.to_dict(),
        "test": test_detail,
        "stats": suggestion.stats.to_dict(),
        "error": None,
    }


def _pending(
    tasks: Sequence[Task], modes: Sequence[str], done: Mapping[str, set[str]]
) -> Iterator[tuple[Task, list[str]]]:
    for task in tasks:
        todo = [m for m in modes if task.task_id not in done[m]]
        if todo:
            yield task, todo


def run(
    tasks: Sequence[Task],
    complete: Complete,
    options: RunOptions,
    prefill: Callable[[Task], None] | None = None,
    members: MembersAt | None = None,
    site_kind: SiteKind | None = None,
) -> None:
    """Run every task in every mode, appending to the results files (``KeyboardInterrupt`` propagates).

    ``prefill`` (untimed) brings the model's KV cache to the task's prompt first, so every mode
    starts from the state a keystroke in an open document finds, whichever mode runs first.
    ``members`` rates member tasks' unresolved members (without it they are not rated); ``site_kind``
    labels each record with the kind of site at the task's cursor (the summary's per-kind tables).
    """
    unknown = [m for m in options.modes if m not in MODES]
    if unknown:
        raise ValueError(f"unknown mode(s) {', '.join(unknown)}; choose from {', '.join(MODES)}")
    options.out_dir.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        streams: dict[str, TextIO] = {}
        done: dict[str, set[str]] = {}
        for mode in options.modes:
            stream, done[mode] = _open_results(results_path(options.out_dir, mode), options.resume)
            streams[mode] = stack.enter_context(stream)
        total = sum(len(todo) for _, todo in _pending(tasks, options.modes, done))
        if total < len(tasks) * len(options.modes):
            log.info("resuming: %d of %d runs left", total, len(tasks) * len(options.modes))
        bar = stack.enter_context(
            tqdm(total=total, unit="run", desc="bench", disable=not options.progress, dynamic_ncols=True)
        )
        for task, todo in _pending([t.at_line_end() for t in tasks], options.modes, done):
            judge = Judge(task, members, options.test_timeout_s)
            kind = site_kind(task) if site_kind is not None else ""
            if prefill is not None:
                prefill(task)
            for mode in todo:
                bar.set_postfix_str(mode, refresh=False)
                record = evaluate(task, mode, complete, judge, kind)
                streams[mode].write(json.dumps(record) + "\n")
                streams[mode].flush()
                bar.update()
