"""Local vs remote model, base vs guided, in one run, on the rich 13.7.1 member set; and the remote
runtime's two modes (streaming with restarts vs one request per token) side by side.

1. ``ghostwise bench run --modes base,guided`` on the tasks with the in-process default model, then
   with ``--model llama-server:URL`` against a llama-server running the same GGUF with as many threads;
2. the remote guided suggestion of the first ``--step-tasks`` tasks in streaming and in step mode,
   taking turns task by task (same text expected; latency compared).

    .venv/bin/python benchmarks/remote.py [--limit 100] [--step-tasks 30] [--threads 2] [--resume]

A run of all 100 tasks takes about half an hour on 2 cores; to split it, run ``--limit 25 --step-tasks 0``,
then ``--limit 50 --step-tasks 0 --resume`` and so on (each part keeps the tasks done before and runs
the next ones, local and remote in turn), and ``--limit 0`` alone for the streaming / step comparison.
The tables always cover every task done so far.

Targets: remote guided's unresolved-member rate ≤ 1.25 × local guided's; remote guided / remote base
latency ≤ 1.25 at p50. Reported: the HTTP hop's overhead (remote / local at the same settings).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from latency import pct

REPO = Path(__file__).parents[1]
sys.path.insert(0, str(REPO))

from completion_engine import Document
from decoding.model_source import resolve_model
from decoding.settings import GuidanceSettings, ModelSettings
from lsp_server.bench.tasks import load_tasks
from lsp_server.config import ServerSettings
from lsp_server.service import CompletionService
from tests.remote.llama_server import LlamaServer, build

TASKS = REPO / "benchmarks" / "data" / "rich-13.7.1-member.jsonl"


def bench(model: str, root: Path, out: Path, limit: int, resume: bool) -> dict[str, Any]:
    """One ``ghostwise bench run`` (base, guided); its summary.json."""
    command = [sys.executable, "-m", "lsp_server", "bench", "run", "--tasks", str(TASKS), "--root", str(root)]
    command += ["--modes", "base,guided", "--model", model, "--limit", str(limit), "--out", str(out)]
    command += ["--resume"] if resume else []
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    summary: dict[str, Any] = json.loads((out / "summary.json").read_text())
    return summary


def modes(url: str, root: Path, n: int) -> dict[str, list[float]]:
    """Guided latency (ms) of the first ``n`` tasks, streaming and step mode in turn (and how many texts
    differ, under ``"differ"``); each from the task's prompt cached, as ``bench run`` does."""
    spec = f"llama-server:{url}"
    services = {
        name: CompletionService(ServerSettings(model=ModelSettings(spec=spec, remote_stream=stream)))
        for name, stream in (("stream", True), ("step", False))
    }
    for service in services.values():
        service.load()
        service.warm_engine()
    times: dict[str, list[float]] = {name: [] for name in services}
    differ = 0
    for i, task in enumerate(load_tasks(TASKS).tasks[:n]):
        texts = []
        for name, service in services.items():
            path = root / (task.path or "task.py")
            doc = Document(
                uri=path.as_uri() + f"#{name}",
                version=i + 1,
                text=task.prefix + task.suffix,
                cursor=len(task.prefix),
                path=path,
                workspace_root=root,
            )
            service.prepare(doc)
            service.prefill(doc)
            t0 = time.perf_counter()
            texts.append(service.complete(doc, guidance=GuidanceSettings()).text)
            times[name].append((time.perf_counter() - t0) * 1000)
        differ += texts[0] != texts[1]
    for service in services.values():
        service.engine.close()
    times["differ"] = [float(differ)]
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=100)
    parser.add_argument("--step-tasks", type=int, default=30)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--resume", action="store_true", help="keep the tasks done by an earlier part")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    t0 = time.monotonic()
    out = REPO / "bench-out" / "remote"
    out.mkdir(parents=True, exist_ok=True)
    root = Path(
        subprocess.run(
            ["bash", str(REPO / "benchmarks" / "fetch_source.sh"), "rich"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()[-1]
    )
    server = LlamaServer(
        build(), resolve_model("default"), out / "server.log", parallel=1, threads=args.threads, batch=512
    )
    server.start()
    try:
        if args.limit:
            local = bench("default", root, out / "local", args.limit, args.resume)
            remote = bench(f"llama-server:{server.url}", root, out / "remote", args.limit, args.resume)
        if args.step_tasks:
            step = modes(server.url, root, args.step_tasks)
    finally:
        server.stop()
    print(
        f"{time.monotonic() - t0:.0f} s, load average {load:.1f} → {os.getloadavg()[0]:.1f}; "
        f"llama-server -t {args.threads} --parallel 1 vs in-process\n"
    )
    if args.limit:
        report(local, remote)
    if args.step_tasks:
        report_modes(step)


def report(local: dict[str, Any], remote: dict[str, Any]) -> None:
    print(f"rich 13.7.1 member set, {local['guided']['n']} tasks\n")
    print("| backend | mode | unresolved member | p50 ms | p95 ms | exact match |\n|---|---|--:|--:|--:|--:|")
    for name, summary in (("local", local), ("remote", remote)):
        for mode in ("base", "guided"):
            s = summary[mode]
            print(
                f"| {name} | {mode} | {s['unresolved_member_rate']} | {s['latency_ms_p50']} | "
                f"{s['latency_ms_p95']} | {s['exact_match']} |"
            )
    lg, rg, rb, lb = local["guided"], remote["guided"], remote["base"], local["base"]
    unresolved = rg["unresolved_member_rate"] / max(lg["unresolved_member_rate"], 1e-9)
    print(f"\nremote guided / local guided unresolved-member rate: {unresolved:.2f} (target ≤ 1.25)")
    print(
        f"remote guided / remote base p50: {rg['latency_ms_p50'] / rb['latency_ms_p50']:.2f} (target ≤ 1.25)"
    )
    print(
        f"HTTP hop: remote / local p50, base {rb['latency_ms_p50'] / lb['latency_ms_p50']:.2f}, "
        f"guided {rg['latency_ms_p50'] / lg['latency_ms_p50']:.2f}"
    )


def report_modes(step: dict[str, list[float]]) -> None:
    stream, steps = step["stream"], step["step"]
    print(
        f"\nremote guided, {len(stream)} tasks: streaming p50 {pct(stream, 50):.0f} ms / "
        f"p95 {pct(stream, 95):.0f}; "
        f"step mode p50 {pct(steps, 50):.0f} / p95 {pct(steps, 95):.0f}; "
        f"step / streaming p50 {pct(steps, 50) / pct(stream, 50):.2f}; {int(step['differ'][0])} texts differ"
    )


if __name__ == "__main__":
    main()
