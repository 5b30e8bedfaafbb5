"""``bench run`` command handling without the model: bad lines reported, Ctrl-C, --resume, bad modes."""

from __future__ import annotations

import argparse
import json
import os
import signal
from collections.abc import Callable
from pathlib import Path

import pytest

from decoding.completer import Suggestion
from decoding.settings import GuidanceSettings
from lsp_server.bench import commands
from lsp_server.bench.cli import add_bench_parser
from lsp_server.bench.tasks import Task
from tests.bench.scripted import Script

LINES = [
    json.dumps({"task_id": "a", "prefix": "x = 1\ny = ", "suffix": "\n", "ground_truth": "x + 1"}),
    '{"task_id": "broken"',
    json.dumps({"task_id": "b", "prefix": "x = 1\ny = ", "suffix": "\n"}),
    json.dumps({"task_id": "c", "prefix": "x = 1\nz = ", "suffix": "\n", "ground_truth": "x + 1"}),
]


def _args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="ghostwise")
    add_bench_parser(parser.add_subparsers(dest="command"))
    return parser.parse_args(["bench", "run", *argv])


@pytest.fixture()
def scripted(monkeypatch: pytest.MonkeyPatch) -> Callable[[Script], None]:
    def use(script: Script) -> None:
        monkeypatch.setattr(
            commands,
            "_service_complete",
            lambda model, root: (
                script,
                lambda task: None,
                lambda task, completion: frozenset(),
                lambda task: "none",
            ),
        )

    return use


def test_ctrl_c_keeps_results_and_resume_finishes(
    tmp_path: Path, scripted: Callable[[Script], None], capsys: pytest.CaptureFixture[str]
) -> None:
    tasks = tmp_path / "tasks.jsonl"
    tasks.write_text("\n".join(LINES) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    scripted(Script(interrupt_at=3))
    assert commands.run_command(_args("--tasks", str(tasks), "--out", str(out))) == commands.EXIT_INTERRUPTED
    err = capsys.readouterr().err
    assert "skipped line 2: malformed JSON" in err and "skipped line 3: missing key(s): ground_truth" in err
    assert "add --resume to continue" in err
    summary = json.loads((out / "summary.json").read_text())
    assert summary["base"]["n"] == 2 and summary["guided"]["n"] == 1
    assert (out / "report.png").exists() and json.loads((out / "run.json").read_text())["n_tasks"] == 2

    resumed = Script()
    scripted(resumed)
    assert commands.run_command(_args("--tasks", str(tasks), "--out", str(out), "--resume")) == 0
    assert resumed.calls == [("c", True)]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["base"]["n"] == summary["guided"]["n"] == 2
    assert "| tasks | 2 | 2 |" in capsys.readouterr().out


def test_bad_arguments_are_refused(
    tmp_path: Path, scripted: Callable[[Script], None], capsys: pytest.CaptureFixture[str]
) -> None:
    scripted(Script())
    tasks = tmp_path / "tasks.jsonl"
    tasks.write_text(LINES[1] + "\n", encoding="utf-8")
    assert commands.run_command(_args("--tasks", str(tasks), "--modes", "base,fast")) == 2
    assert commands.run_command(_args("--tasks", str(tmp_path / "missing.jsonl"))) == 2
    assert commands.run_command(_args("--tasks", str(tasks), "--out", str(tmp_path / "o"))) == 2
    err = capsys.readouterr().err
    assert "unknown mode(s) fast" in err and "no task file" in err and "no valid task" in err


def test_sigterm_ends_a_run_like_ctrl_c(tmp_path: Path, scripted: Callable[[Script], None]) -> None:
    tasks = tmp_path / "tasks.jsonl"
    tasks.write_text("\n".join(LINES) + "\n", encoding="utf-8")

    class Terminated(Script):
        def __call__(self, task: Task, guidance: GuidanceSettings) -> Suggestion:
            if self.calls:
                os.kill(os.getpid(), signal.SIGTERM)
            return super().__call__(task, guidance)

    scripted(Terminated())
    out = tmp_path / "out"
    assert commands.run_command(_args("--tasks", str(tasks), "--out", str(out))) == commands.EXIT_INTERRUPTED
    assert json.loads((out / "summary.json").read_text())["base"]["n"] == 1
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
