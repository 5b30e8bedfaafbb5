"""``ghostwise bench mine`` + ``bench run`` end to end with the real default model, both modes."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from lsp_server.bench.cli import add_bench_parser
from lsp_server.bench.tasks import Task, load_tasks, write_tasks

PROJECT = """\
import os.path


class Counter:
    def __init__(self, start):
        self.value = start

    def bump(self, step):
        self.value = self.value + step
        return os.path.join("counts", str(self.value))
"""
FUNCTIONS = [
    Task(
        task_id="fn/add",
        prefix="def add(a, b):\n",
        suffix="",
        ground_truth="    return a + b\n",
        test="def check(candidate):\n    assert candidate(2, 3) == 5\n",
        entry_point="add",
        kind="line",
    ),
    Task(
        task_id="fn/double",
        prefix="def double(xs):\n    return [",
        suffix="]\n",
        ground_truth="2 * x for x in xs",
        test="def check(candidate):\n    assert candidate([1, 2]) == [2, 4]\n",
        entry_point="double",
        kind="line",
    ),
]
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


def _ghostwise(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="ghostwise")
    add_bench_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    return int(args.func(args))


@pytest.mark.timeout(300)
def test_bench_run_on_five_tasks_with_the_default_model(tmp_path: Path) -> None:
    root = tmp_path / "project"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "counter.py").write_text(PROJECT, encoding="utf-8")
    mined = tmp_path / "member.jsonl"
    assert (
        _ghostwise(
            "bench",
            "mine",
            "--src",
            str(root),
            "--kind",
            "member",
            "--n",
            "3",
            "--seed",
            "0",
            "--out",
            str(mined),
        )
        == 0
    )
    tasks_file = tmp_path / "tasks.jsonl"
    with tasks_file.open("w", encoding="utf-8") as stream:
        write_tasks([*load_tasks(mined).tasks, *FUNCTIONS], stream)
        stream.write("{not json\n")
    out = tmp_path / "out"

    assert (
        _ghostwise(
            "bench",
            "run",
            "--tasks",
            str(tasks_file),
            "--root",
            str(root),
            "--modes",
            "base,guided",
            "--out",
            str(out),
            "--timeout",
            "10",
        )
        == 0
    )

    assert {p.name for p in out.iterdir()} == {
        "results-base.jsonl",
        "results-guided.jsonl",
        "summary.json",
        "report.md",
        "report.png",
        "run.json",
    }
    for mode in ("base", "guided"):
        records = [json.loads(line) for line in (out / f"results-{mode}.jsonl").read_text().splitlines()]
        assert len(records) == 5 and all(r["error"] is None and r["mode"] == mode for r in records)
        for record in records:
            assert isinstance(record["completion"], str) and record["latency_ms"] > 0
            assert record["stats"]["generated_tokens"] >= 0 and "exact_match" in record["metrics"]
        assert {r["metrics"]["passed"] is None for r in records if r["kind"] == "member"} == {True}
        assert all(
            isinstance(r["metrics"]["passed"], bool) for r in records if r["task_id"].startswith("fn/")
        )
    summary = json.loads((out / "summary.json").read_text())
    assert set(summary) == {"base", "guided"}
    for mode in summary.values():
        assert SUMMARY_KEYS <= set(mode) and mode["n"] == 5 and mode["pass_at_1_n"] == 2
        assert mode["unresolved_member_known"] + mode["unresolved_member_unknown"] == 3
    assert "| metric | base | guided | guided / base |" in (out / "report.md").read_text()
    assert (out / "report.png").read_bytes().startswith(b"\x89PNG")


@pytest.mark.timeout(300)
def test_bad_tasks_are_recorded_and_do_not_stop_the_run(tmp_path: Path) -> None:
    tasks = [
        Task(
            task_id="longer-than-context", prefix="x = 1\n" * 6000 + "y = ", suffix="\n", ground_truth="x + 1"
        ),
        Task(task_id="lone-surrogate", prefix="s = '\ud800'\nt = ", suffix="\n", ground_truth="s"),
        Task(task_id="broken-prefix", prefix="def f(:\n    '''open\n    x = ", suffix="\n", ground_truth="1"),
    ]
    tasks_file = tmp_path / "bad.jsonl"
    with tasks_file.open("w", encoding="utf-8") as stream:
        write_tasks(tasks, stream)
    out = tmp_path / "out"
    assert _ghostwise("bench", "run", "--tasks", str(tasks_file), "--modes", "base", "--out", str(out)) == 0
    records = [json.loads(line) for line in (out / "results-base.jsonl").read_text().splitlines()]
    assert [r["task_id"] for r in records] == [t.task_id for t in tasks]
    for record in records:  # either a suggestion or a recorded error, never a crash
        assert record["error"] is not None or isinstance(record["completion"], str)
    assert records[0]["error"] is None and records[0]["stats"]["prompt_tokens"] < 4096
    summary = json.loads((out / "summary.json").read_text())["base"]
    assert summary["n"] == 3 and summary["syntax_checked"] == 1  # only the first ground truth parses
