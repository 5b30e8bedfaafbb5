"""The task reader: bad lines are reported with their number and skipped, unknown keys kept."""

from __future__ import annotations

import io
import json
from pathlib import Path

from lsp_server.bench.tasks import Task, load_tasks, read_tasks, write_tasks

GOOD = {"task_id": "t1", "prefix": "x = ", "suffix": "\n", "ground_truth": "1"}


def _lines(*objects: object) -> list[str]:
    return [o if isinstance(o, str) else json.dumps(o) for o in objects]


def test_good_task_with_optional_and_unknown_keys_round_trips() -> None:
    obj = GOOD | {"path": "a/b.py", "kind": "member", "source": "click", "line": 12}
    loaded = read_tasks(_lines(obj))
    assert loaded.problems == ()
    task = loaded.tasks[0]
    assert task.path == "a/b.py" and task.kind == "member" and task.test is None
    assert task.extra == {"source": "click", "line": 12}
    out = io.StringIO()
    write_tasks([task], out)
    assert json.loads(out.getvalue()) == obj


def test_malformed_json_is_reported_with_its_line_number_and_skipped() -> None:
    loaded = read_tasks(_lines(GOOD, '{"task_id": "t2", "prefix": ', "", GOOD | {"task_id": "t3"}))
    assert [t.task_id for t in loaded.tasks] == ["t1", "t3"]
    assert [p.line for p in loaded.problems] == [2]
    assert "malformed JSON" in str(loaded.problems[0]) and str(loaded.problems[0]).startswith("line 2:")


def test_missing_keys_wrong_types_non_objects_and_repeats_are_skipped() -> None:
    no_suffix = {k: v for k, v in GOOD.items() if k != "suffix"}
    loaded = read_tasks(
        _lines(no_suffix, GOOD | {"prefix": 3}, [1, 2], GOOD, GOOD, GOOD | {"test": None, "task_id": "t9"})
    )
    assert [t.task_id for t in loaded.tasks] == ["t1", "t9"]
    reasons = {p.line: p.reason for p in loaded.problems}
    assert "missing key(s): suffix" in reasons[1]
    assert "'prefix' must be a string" in reasons[2]
    assert "expected a JSON object" in reasons[3]
    assert "repeated task_id" in reasons[5]


def test_document_and_file_loading(tmp_path: Path) -> None:
    path = tmp_path / "tasks.jsonl"
    path.write_text(json.dumps(GOOD) + "\nnot json\n", encoding="utf-8")
    loaded = load_tasks(path)
    assert loaded.tasks == (Task(task_id="t1", prefix="x = ", suffix="\n", ground_truth="1"),)
    assert loaded.tasks[0].document("2") == "x = 2\n"
    assert [p.line for p in loaded.problems] == [2]


def test_a_whole_line_ground_truth_moves_its_line_break_to_the_suffix() -> None:
    task = Task(task_id="t", prefix="def f():\n", suffix="    return 1\n", ground_truth="    x = 1\n")
    view = task.at_line_end()
    assert (view.ground_truth, view.suffix) == ("    x = 1", "\n    return 1\n")
    assert view.document(view.ground_truth) == task.document(task.ground_truth)
    assert view.at_line_end() == view
