"""The ``ghostwise bench`` command line: ``bench mine`` and ``bench run`` (parser only).

The commands themselves live in :mod:`lsp_server.bench.commands`, imported when one runs, so the
``ghostwise`` console script (and the language server it starts) does not pay for matplotlib,
Jedi or the metrics at start-up.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from lsp_server.bench.mine import MINE_KINDS
from lsp_server.bench.modes import MODES


def add_bench_parser(subparsers: Any) -> None:
    """Register ``bench`` (with ``mine`` and ``run``) on an argparse subparsers object."""
    bench = subparsers.add_parser(
        "bench",
        help="mine completion tasks and measure suggestions (base vs guided)",
        description="Measure the quality, validity and latency of suggestions on real tasks.",
    )
    commands = bench.add_subparsers(dest="bench_command", required=True, metavar="{mine,run}")

    mine_parser = commands.add_parser(
        "mine",
        help="cut tasks out of a source tree",
        description="Mine completion tasks (JSON lines) from a Python source tree.",
    )
    mine_parser.add_argument(
        "--src", type=Path, required=True, help="source tree; task paths are relative to it"
    )
    mine_parser.add_argument(
        "--kind",
        choices=MINE_KINDS,
        required=True,
        help="member: cursor after the '.' of an attribute read; line: inside a code line",
    )
    mine_parser.add_argument("--n", type=int, default=100, help="number of tasks (default: 100)")
    mine_parser.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    mine_parser.add_argument(
        "--fstrings", action="store_true", help="member: also attribute reads inside f-string fields"
    )
    mine_parser.add_argument("--out", type=Path, help="output file (default: standard output)")
    mine_parser.set_defaults(func=_mine)

    run_parser = commands.add_parser(
        "run",
        help="run tasks through the completion path and score them",
        description="Run every task in every mode; write results, summary and report.",
    )
    run_parser.add_argument("--tasks", type=Path, required=True, help="task file (JSON lines)")
    run_parser.add_argument("--root", type=Path, help="project root the tasks' paths are relative to")
    run_parser.add_argument(
        "--modes",
        default="base,guided",
        help=f"comma-separated, from {', '.join(MODES)} (default: base,guided)",
    )
    run_parser.add_argument("--limit", type=int, help="only the first N tasks")
    run_parser.add_argument(
        "--model", default="default", help="model: default, a GGUF path or hf:OWNER/REPO/FILE"
    )
    run_parser.add_argument(
        "--out", type=Path, default=Path("bench-out"), help="output directory (default: bench-out)"
    )
    run_parser.add_argument("--timeout", type=float, default=10.0, help="seconds per test run (default: 10)")
    run_parser.add_argument("--resume", action="store_true", help="keep finished results and run the rest")
    run_parser.set_defaults(func=_run)


def _mine(args: argparse.Namespace) -> int:
    from lsp_server.bench import commands

    return commands.mine_command(args)


def _run(args: argparse.Namespace) -> int:
    from lsp_server.bench import commands

    return commands.run_command(args)
