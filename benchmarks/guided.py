"""Guided decoding on real third-party code: base vs guided vs each ablation, same model, one run.

Mines ≥ 200 member-access sites (cursor right after the ``.``) from rich 13.7.1 (see
benchmarks/README.md), runs them through ``ghostwise bench run`` in every mode, and prints the
bench's table plus what issue 4 asks for besides: vocabulary-index build time and memory, and the
per-token loop overhead of guidance where the site was already known.

    .venv/bin/python benchmarks/guided.py [--n 200] [--seed 1] [--out bench-out/guided]

Targets: non-existent members −70% vs base; next-identifier match ≥ base + 5 points; latency
guided/base ≤ 1.10 p50, ≤ 1.25 p95; loop overhead ≤ 0.3 ms per token p50; ≤ 0.15 engine queries
per generated token.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from decoding.llama_runtime import LlamaRuntime
from decoding.model_source import resolve_model
from decoding.settings import ModelSettings
from decoding.vocab_index import VocabIndex

REPO = Path(__file__).parents[1]
GHOSTWISE = [sys.executable, "-m", "lsp_server"]
MODES = "base,guided,no-pruning,no-memo,no-active"


def index_figures() -> str:
    """Build the vocabulary index of the default model from scratch (no disk cache)."""
    runtime = LlamaRuntime(resolve_model("default"), ModelSettings(n_ctx=256))
    t0 = time.perf_counter()
    index = VocabIndex.build(runtime)
    seconds = time.perf_counter() - t0
    return (
        f"vocabulary index: {index.n_vocab:,} tokens built in {seconds:.2f} s, "
        f"~{index.nbytes() / 2**20:.1f} MiB in memory ({len(index.by_head):,} identifier heads)"
    )


def loop_overhead(out: Path) -> str:
    """Guidance time outside the engine per decoding step, in requests that made no new engine query."""
    per_step = []
    for line in (out / "results-guided.jsonl").read_text().splitlines():
        guidance = (json.loads(line).get("stats") or {}).get("guidance") or {}
        if guidance.get("steps") and not guidance.get("engine_queries"):
            per_step.append(guidance["loop_ms"] / guidance["steps"])
    if not per_step:
        return "loop overhead: no request without engine queries"
    q = statistics.quantiles(per_step, n=20) if len(per_step) > 1 else per_step * 19
    return (
        f"loop overhead per token (site cached, {len(per_step)} requests): "
        f"p50 {statistics.median(per_step):.3f} ms, p95 {q[18]:.3f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=REPO / "bench-out" / "guided")
    args = parser.parse_args()
    root = Path(
        subprocess.run(
            ["bash", str(REPO / "benchmarks" / "fetch_source.sh"), "rich"],
            check=True,
            capture_output=True,
            text=True,
            cwd=REPO,
        ).stdout.strip()
    )
    root = (REPO / root).resolve()
    args.out.mkdir(parents=True, exist_ok=True)
    tasks = args.out / "tasks.jsonl"
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
            str(args.n),
            "--seed",
            str(args.seed),
            "--out",
            str(tasks),
        ],
        check=True,
    )
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
            MODES,
            "--out",
            str(args.out),
        ],
        check=True,
    )
    print((args.out / "report.md").read_text())
    print(index_figures())
    print(loop_overhead(args.out))


if __name__ == "__main__":
    main()
