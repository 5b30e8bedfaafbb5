"""The run loop: per-task appends, Ctrl-C keeps results, --resume continues, bad tasks recorded.

The completion path is scripted here (loop logic only); test_bench_e2e.py runs the real model.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lsp_server.bench.report import markdown_table, write_report
from lsp_server.bench.runner import RunOptions, results_path, run
from lsp_server.bench.summary import summarize_run
from lsp_server.bench.tasks import Task
from tests.bench.scripted import Script

SUMMARY_KEYS = {
    "n",
    "exact_match",
    "edit_similarity",
    "identifier_match",
    "syntax_error_rate",
    "undefined_name_rate",
    "unresolved_member_rate",
    "pass_at_1",
    "latency_ms_p50",
    "latency_ms_p95",
    "tokens_per_s",
    "engine_queries_per_token",
}


TASKS = [
    Task(task_id=f"t{i}", prefix="x = 1\ny = ", suffix="\n", ground_truth=gt, kind="line")
    for i, gt in enumerate(["x + 1\n", "x + 2", "z"])
]


def _options(out: Path, resume: bool = False) -> RunOptions:
    return RunOptions(out_dir=out, modes=["base", "guided"], resume=resume, progress=False)


def _ids(out: Path, mode: str) -> list[str]:
    return [json.loads(line)["task_id"] for line in results_path(out, mode).read_text().splitlines()]


def test_interrupt_keeps_results_and_resume_runs_only_the_rest(tmp_path: Path) -> None:
    script = Script(interrupt_at=3)
    with pytest.raises(KeyboardInterrupt):
        run(TASKS, script, _options(tmp_path))
    assert _ids(tmp_path, "base") == ["t0", "t1"] and _ids(tmp_path, "guided") == ["t0"]
    with results_path(tmp_path, "guided").open("a") as stream:
        stream.write('{"task_id": "t1", "mo')  # a line cut off by a crash
    resumed = Script()
    run(TASKS, resumed, _options(tmp_path, resume=True))
    assert resumed.calls == [("t1", True), ("t2", False), ("t2", True)]
    assert _ids(tmp_path, "base") == ["t0", "t1", "t2"] and _ids(tmp_path, "guided") == ["t0", "t1", "t2"]
    run(TASKS[:1], Script(), _options(tmp_path))  # without --resume the files start over
    assert _ids(tmp_path, "base") == ["t0"]


def test_records_summary_and_report(tmp_path: Path) -> None:
    run(TASKS, Script(fail="t2"), _options(tmp_path))
    record = json.loads(results_path(tmp_path, "guided").read_text().splitlines()[0])
    assert record["completion"] == "x + 1" and record["metrics"]["exact_match"] is True
    assert record["ground_truth"] == "x + 1" and record["stats"]["guidance"]["engine_queries"] == 2
    failed = json.loads(results_path(tmp_path, "base").read_text().splitlines()[2])
    assert failed["error"] == "ValueError: prompt does not tokenize"

    summary = summarize_run(tmp_path, ["base", "guided"], [t.task_id for t in TASKS])
    for mode in ("base", "guided"):
        assert SUMMARY_KEYS <= set(summary[mode])
        assert summary[mode]["n"] == 3 and summary[mode]["errors"] == 1
        assert summary[mode]["exact_match"] == 0.5 and summary[mode]["pass_at_1"] is None
        assert summary[mode]["tokens_per_s"] == 40.0
    assert summary["base"]["engine_queries_per_token"] == 0.0
    assert summary["guided"]["engine_queries_per_token"] == 0.5
    totals = summary["guided"]["guidance_totals"]
    assert totals["engine_queries"] == 4.0 and not any(v for k, v in totals.items() if k != "engine_queries")

    write_report(summary, tmp_path, "scripted")
    assert (tmp_path / "report.png").read_bytes().startswith(b"\x89PNG")
    table = markdown_table(summary)
    assert "| metric | base | guided | guided / base |" in table
    assert "| exact match ↑ | 50.0% | 50.0% |  |" in table


def test_unknown_modes_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown mode"):
        run(TASKS, Script(), RunOptions(out_dir=tmp_path, modes=["fast"], progress=False))
