"""The checks accept what real authors write: the original rest of the line at 2,374 real sites.

Sites (member accesses, f-string fields included, and random code tokens) come from six libraries
installed in the venv (``tests/data/checks/corpus.jsonl``, rewritten by ``benchmarks/check_corpus.py``).
Each document is the file with the rest of the site's line removed, as while typing; the suggestion is
what the author wrote there. Any reason the checks give is a false rejection.
"""

from __future__ import annotations

from pathlib import Path

from completion_engine import Document, PythonEngine
from lsp_server.bench.corpus import library_root, tasks

CORPUS = Path(__file__).parents[1] / "data" / "checks" / "corpus.jsonl"


def test_the_checks_accept_every_original_line(engine: PythonEngine) -> None:
    rejected, kinds = [], {"member": 0, "line": 0}
    for version, (record, task) in enumerate(tasks(CORPUS), 1):
        kinds[record.kind] += 1
        doc = Document(
            uri=f"file:///corpus/{record.library}/{record.path}",
            version=version,
            text=task.prefix + task.suffix,
            cursor=len(task.prefix),
            path=library_root(record.library) / record.path,
        )
        reasons = engine.check(doc, task.ground_truth, names=True)
        if reasons:
            rejected.append(f"{record.library} {record.path}:{task.task_id} {task.ground_truth!r}: {reasons}")
    assert sum(kinds.values()) >= 2000 and min(kinds.values()) >= 500, kinds
    assert rejected == [], f"{len(rejected)} false rejections:\n" + "\n".join(rejected[:30])
