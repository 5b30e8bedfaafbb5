"""docs/benchmarks.md refresh: result blocks are replaced between their markers only."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lsp_server.bench.docs import block, main, replace_block

DOC = "# Results\n\n<!-- bench:a -->\nold table\n<!-- /bench:a -->\n\nkept text\n"


def test_replace_block_keeps_everything_else() -> None:
    assert (
        replace_block(DOC, "a", "new")
        == "# Results\n\n<!-- bench:a -->\nnew\n<!-- /bench:a -->\n\nkept text\n"
    )
    with pytest.raises(KeyError):
        replace_block(DOC, "b", "new")


def test_main_writes_the_runs_table(tmp_path: Path) -> None:
    doc = tmp_path / "benchmarks.md"
    doc.write_text(DOC, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    metrics = {
        "n": 2,
        "errors": 0,
        "exact_match": 0.5,
        "latency_ms_p50": 100.0,
        "latency_ms_p95": 200.0,
        "syntax_checked": 2,
    }
    (out / "summary.json").write_text(
        json.dumps({"base": metrics, "guided": metrics | {"latency_ms_p50": 150.0}})
    )
    (out / "run.json").write_text(
        json.dumps(
            {
                "date_utc": "2026-01-01 00:00 UTC",
                "model": "default",
                "n_tasks": 2,
                "tasks": "t.jsonl",
                "cpus": 2,
                "wall_s": 90.0,
                "load_avg_start": 0.5,
                "load_avg_end": 2.25,
            }
        )
    )
    assert main([str(doc), f"a={out}"]) == 0
    text = doc.read_text()
    assert (
        "| exact match ↑ | 50.0% | 50.0% |  |" in text and "| latency p50 (ms) | 100 | 150 | 1.50× |" in text
    )
    assert "model `default`, 2 tasks from `t.jsonl`, 2 CPU cores, 1.5 min for all modes" in text
    assert "(load average 0.5 → 2.2)" in text and text.endswith("kept text\n")
    assert main([str(doc)]) == 2


def test_an_interrupted_run_says_how_many_tasks_ran(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "summary.json").write_text(json.dumps({"base": {"n": 3}, "guided": {"n": 2}}))
    (out / "run.json").write_text(
        json.dumps(
            {
                "date_utc": "d",
                "model": "m",
                "n_tasks": 5,
                "tasks": "t.jsonl",
                "cpus": 2,
                "wall_s": 60.0,
                "load_avg_start": 1.0,
                "load_avg_end": 1.0,
            }
        )
    )
    assert "2 of 5 tasks (interrupted) from `t.jsonl`" in block(out)
