"""A team on one model server: 1, 2 and 4 simulated editors against one ``llama-server --parallel 4``.

Each editor is a separate ghostwise process over stdio (``model: "llama-server:URL"``, guidance on)
typing a different file of this repository: at ``--n`` cursor positions it opens the file without the
rest of the line, asks, types the next character and asks again (the request timed is that second one,
the one the prompt cache serves). The editors of a round type at the same time, each at its own pace
(the next keystroke after the answer). Per number of editors: p50/p95 latency and throughput
(suggestions per second, all editors together).

    .venv/bin/python benchmarks/team.py [--n 12] [--users 1,2,4] [--threads 2]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

from latency import Session, edit, pct, positions

REPO = Path(__file__).parents[1]
sys.path.insert(0, str(REPO))

from decoding.model_source import resolve_model
from tests.remote.llama_server import LlamaServer, build

FILES = [
    "decoding/guided.py",
    "lsp_server/server.py",
    "decoding/loop.py",
    "completion_engine/python_engine.py",
]


async def editor(session: Session, user: int, n: int) -> list[float]:
    source = (REPO / FILES[user]).read_text()
    latencies = []
    for i, offset in enumerate(positions(source, n, seed=user)):
        _, warm, _, _ = await edit(session, source, offset, f"file:///team/user{user}/edit_{i}.py")
        latencies.append(warm)
    return latencies


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=12, help="edits per editor")
    parser.add_argument("--users", default="1,2,4")
    parser.add_argument("--threads", type=int, default=2, help="llama-server threads")
    args = parser.parse_args()
    counts = [int(u) for u in args.users.split(",")]
    out = REPO / "bench-out" / "team"
    out.mkdir(parents=True, exist_ok=True)
    server = LlamaServer(
        build(), resolve_model("default"), out / "server.log", parallel=4, threads=args.threads, batch=512
    ).start()
    rows = []
    try:
        for users in counts:
            sessions = [
                # every request a model run (no typing-through cache answering a typed-along suggestion)
                Session(
                    guided=True, options={"model": f"llama-server:{server.url}", "typing": {"cache": False}}
                )
                for _ in range(users)
            ]
            await asyncio.gather(*(s.start() for s in sessions))
            assert all(s.state == "ready" for s in sessions), [s.state for s in sessions]
            t0 = time.perf_counter()
            results = await asyncio.gather(*(editor(s, u, args.n) for u, s in enumerate(sessions)))
            wall = time.perf_counter() - t0
            await asyncio.gather(*(s.stop() for s in sessions))
            latencies = [ms for per_user in results for ms in per_user]
            # each edit is two requests (the untimed one opens the document)
            rows.append((users, pct(latencies, 50), pct(latencies, 95), 2 * len(latencies) / wall))
    finally:
        server.stop()
    print(f"one llama-server --parallel 4 -t {args.threads}, default model; {args.n} edits per editor\n")
    print("| editors | p50 ms | p95 ms | suggestions/s (all) |\n|--:|--:|--:|--:|")
    for users, p50, p95, rate in rows:
        print(f"| {users} | {p50:.0f} | {p95:.0f} | {rate:.2f} |")
    base = rows[0]
    for users, p50, _, rate in rows[1:]:
        print(f"{users} editors: p50 × {p50 / base[1]:.2f}, throughput × {rate / base[3]:.2f} vs 1 editor")


if __name__ == "__main__":
    asyncio.run(main())
