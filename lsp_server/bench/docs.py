"""Refresh the result tables in docs/benchmarks.md from finished ``bench run`` output directories.

Usage: ``python -m lsp_server.bench.docs DOC NAME=OUT_DIR ...``.  Each ``NAME`` marks a block in
``DOC`` between ``<!-- bench:NAME -->`` and ``<!-- /bench:NAME -->``; the block is replaced with the
run's table (``OUT_DIR/summary.json``) and how it was made (``OUT_DIR/run.json``).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

from lsp_server.bench.report import kind_table, markdown_table, notes


def block(out_dir: Path) -> str:
    """The Markdown shown for one run."""
    summary: dict[str, Any] = json.loads((out_dir / "summary.json").read_text(encoding="utf-8"))
    run: dict[str, Any] = json.loads((out_dir / "run.json").read_text(encoding="utf-8"))
    done = min(int(s.get("n") or 0) for s in summary.values())
    tasks = (
        f"{run['n_tasks']} tasks"
        if done >= run["n_tasks"]
        else f"{done} of {run['n_tasks']} tasks (interrupted)"
    )
    made = (
        f"_{run['date_utc']}, model `{run['model']}`, {tasks} from `{run['tasks']}`, "
        f"{run['cpus']} CPU cores, {run['wall_s'] / 60:.1f} min for all modes in the last invocation "
        f"(load average {run['load_avg_start']:.1f} → {run['load_avg_end']:.1f})._"
    )
    by_kind = kind_table(summary)
    return "\n".join(
        [
            made,
            "",
            markdown_table(summary).rstrip(),
            *([""] + notes(summary) if notes(summary) else []),
            *(["", "By kind of site at the cursor:", "", by_kind.rstrip()] if by_kind else []),
        ]
    )


def replace_block(text: str, name: str, content: str) -> str:
    """``text`` with the block ``name`` holding ``content``; raises ``KeyError`` without its markers."""
    pattern = re.compile(
        rf"(<!-- bench:{re.escape(name)} -->\n).*?(<!-- /bench:{re.escape(name)} -->)", re.DOTALL
    )
    if not pattern.search(text):
        raise KeyError(f"no '<!-- bench:{name} -->' ... '<!-- /bench:{name} -->' block")
    return pattern.sub(lambda m: m.group(1) + content + "\n" + m.group(2), text, count=1)


def main(argv: list[str]) -> int:
    if len(argv) < 2 or not all("=" in a for a in argv[1:]):
        print(__doc__, file=sys.stderr)
        return 2
    doc = Path(argv[0])
    text = doc.read_text(encoding="utf-8")
    for pair in argv[1:]:
        name, out_dir = pair.split("=", 1)
        text = replace_block(text, name, block(Path(out_dir)))
    doc.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
