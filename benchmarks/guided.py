"""Guided decoding on real third-party code, base vs guided (and ablations), same model, one run per set.

For each member-access set (the cursor right after the ``.``): ``bench run`` in every mode, then the
figures the bench table lacks: a breakdown per suggestion (model time, engine wait, repairs, loop, checks),
whether any suggestion waited for the engine longer than its budget, the per-token loop overhead where the
sites were known, and guided/base latency ratios.

    .venv/bin/python benchmarks/guided.py [--sets rich,werkzeug] [--n 200] [--modes base,guided,all-cores]
    .venv/bin/python benchmarks/guided.py --analyse bench-out/rich-member bench-out/werkzeug-member

``--analyse`` prints the figures from finished ``bench run`` directories (``make bench`` makes them) instead
of running again.

Sets: ``rich`` is benchmarks/data/rich-13.7.1-member.jsonl (100 sites); ``werkzeug`` and ``httpx`` are mined
here (``--n`` sites, f-string fields included) from the sdists pinned in benchmarks/sources.txt.
Targets (issue 12): guided/base latency <= 1.10 p50 and <= 1.25 p95; no wait beyond the budget; unresolved
members <= 0.3x base; loop overhead <= 0.3 ms per token p50.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from decoding.llama_runtime import LlamaRuntime
from decoding.model_source import resolve_model
from decoding.settings import GuidanceSettings, ModelSettings
from decoding.vocab_index import VocabIndex

REPO = Path(__file__).parents[1]
GHOSTWISE = [sys.executable, "-m", "lsp_server"]
RICH = REPO / "benchmarks" / "data" / "rich-13.7.1-member.jsonl"
BUDGET_MS = GuidanceSettings().engine_budget_ms


def fetch(name: str) -> Path:
    out = subprocess.run(
        ["bash", str(REPO / "benchmarks" / "fetch_source.sh"), name],
        check=True,
        capture_output=True,
        text=True,
        cwd=REPO,
    ).stdout.strip()
    return (REPO / out).resolve()


def task_set(name: str, n: int, out: Path) -> tuple[Path, Path]:
    """The task file and root of a set."""
    root = fetch(name)
    if name == "rich":
        return RICH, root
    tasks = out / f"{name}-member.jsonl"
    subprocess.run(
        [
            *GHOSTWISE,
            "bench",
            "mine",
            "--src",
            str(root),
            "--kind",
            "member",
            "--n",
            str(n),
            "--seed",
            "1",
            "--fstrings",
            "--out",
            str(tasks),
        ],
        check=True,
    )
    return tasks, root


def records(out: Path, mode: str) -> list[dict[str, Any]]:
    lines = (out / f"results-{mode}.jsonl").read_text().splitlines()
    return [r for r in map(json.loads, lines) if not r.get("error")]


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def breakdown(out: Path, modes: list[str]) -> str:
    """Per suggestion, p50 / p95: latency, model, engine wait, loop and checks; repairs and late sites."""
    lines = [
        (
            "| mode | latency | model | engine wait | loop | checks | repairs (sum) | late sites | "
            "unvalidated | waits > budget |"
        ),
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for mode in modes:
        rs = records(out, mode)
        g = [r["stats"].get("guidance") or {} for r in rs]
        waits = [x.get("engine_wait_ms", 0.0) for x in g]

        def col(values: list[float]) -> str:
            return f"{pct(values, 0.5):.0f} / {pct(values, 0.95):.0f}"

        lines.append(
            " | ".join(
                [
                    f"| {mode}",
                    col([r["latency_ms"] for r in rs]),
                    col([r["stats"]["model_ms"] for r in rs]),
                    col([x.get("engine_wait_ms", 0.0) for x in g]),
                    col([x.get("loop_ms", 0.0) for x in g]),
                    col([x.get("check_ms", 0.0) for x in g]),
                    str(sum(x.get("repairs", 0) for x in g)),
                    str(sum(x.get("late_sites", 0) for x in g)),
                    str(sum(x.get("unvalidated_sites", 0) for x in g)),
                    f"{sum(w > BUDGET_MS for w in waits)} (max {max(waits, default=0):.0f} ms) |",
                ]
            )
        )
    return "\n".join(lines)


def loop_overhead(out: Path, mode: str = "guided") -> str:
    """The guidance policy's own time per decoding step (rules, memo, masks, polling; the time spent in
    the engine's calls is not in ``loop_ms``)."""
    per_step = [
        g["loop_ms"] / g["steps"]
        for r in records(out, mode)
        if (g := r["stats"].get("guidance")) and g.get("steps")
    ]
    if not per_step:
        return "loop overhead: no guided suggestion"
    return (
        f"loop overhead per token ({mode}, {len(per_step)} suggestions): "
        f"p50 {statistics.median(per_step):.3f} ms, p95 {pct(per_step, 0.95):.3f} ms"
    )


def index_figures() -> str:
    """Build the vocabulary index of the default model from scratch (no disk cache)."""
    runtime = LlamaRuntime(resolve_model("default"), ModelSettings(n_ctx=256))
    t0 = time.perf_counter()
    index = VocabIndex.build(runtime)
    return (
        f"vocabulary index: {index.n_vocab:,} tokens built in {time.perf_counter() - t0:.2f} s, "
        f"~{index.nbytes() / 2**20:.1f} MiB in memory ({len(index.by_head):,} identifier heads)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", default="rich,werkzeug")
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--modes", default="base,guided,all-cores")
    parser.add_argument("--out", type=Path, default=REPO / "bench-out" / "guided")
    parser.add_argument(
        "--analyse", type=Path, nargs="+", metavar="DIR", help="finished bench run directories"
    )
    args = parser.parse_args()
    modes = args.modes.split(",")
    if args.analyse:
        for out in args.analyse:
            done = [m for m in modes if (out / f"results-{m}.jsonl").exists()]
            print(f"## {out.name}\n\n{breakdown(out, done)}\n\n{loop_overhead(out)}\n")
        return
    for name in args.sets.split(","):
        out = args.out / name
        out.mkdir(parents=True, exist_ok=True)
        tasks, root = task_set(name, args.n, args.out)
        subprocess.run(
            [
                *GHOSTWISE,
                "bench",
                "run",
                "--tasks",
                str(tasks),
                "--root",
                str(root),
                "--modes",
                ",".join(modes),
                "--out",
                str(out),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        print(f"## {name} ({tasks.name})\n")
        print((out / "report.md").read_text())
        print(breakdown(out, modes) + "\n")
        print(loop_overhead(out) + "\n")
    print(index_figures())


if __name__ == "__main__":
    main()
