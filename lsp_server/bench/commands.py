"""``bench mine`` and ``bench run``: argument handling, model loading, output files."""

from __future__ import annotations

import argparse
import itertools
import json
import logging
import os
import signal
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from completion_engine import Document
from decoding.completer import Suggestion
from decoding.settings import GuidanceSettings, ModelSettings
from lsp_server.bench.metrics import MembersAt, engine_members
from lsp_server.bench.mine import mine
from lsp_server.bench.modes import MODES
from lsp_server.bench.report import write_report
from lsp_server.bench.runner import Complete, RunOptions, SiteKind, run
from lsp_server.bench.summary import summarize_run
from lsp_server.bench.tasks import Task, load_tasks, write_tasks
from lsp_server.config import ServerSettings
from lsp_server.service import CompletionService

log = logging.getLogger(__name__)

EXIT_INTERRUPTED = 130


def mine_command(args: argparse.Namespace) -> int:
    """``bench mine``: write the mined tasks; returns the exit status."""
    if not args.src.is_dir():
        print(f"ghostwise bench mine: {args.src} is not a directory", file=sys.stderr)
        return 2
    tasks = mine(args.src, args.kind, args.n, args.seed, fstrings=args.fstrings)
    if args.out is None:
        write_tasks(tasks, sys.stdout)
    else:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        with args.out.open("w", encoding="utf-8") as stream:
            write_tasks(tasks, stream)
    print(f"mined {len(tasks)} {args.kind} tasks from {args.src}", file=sys.stderr)
    return 0


def _parse_modes(text: str) -> list[str]:
    modes = [m.strip() for m in text.split(",") if m.strip()]
    unknown = [m for m in modes if m not in MODES]
    if unknown or not modes:
        raise ValueError(f"unknown mode(s) {', '.join(unknown) or '(none)'}; choose from {', '.join(MODES)}")
    return list(dict.fromkeys(modes))


def run_command(args: argparse.Namespace) -> int:
    """``bench run``: run, then write summary.json, report.md and report.png; returns the exit status."""
    try:
        modes = _parse_modes(args.modes)
    except ValueError as exc:
        print(f"ghostwise bench run: {exc}", file=sys.stderr)
        return 2
    if not args.tasks.is_file():
        print(f"ghostwise bench run: no task file {args.tasks}", file=sys.stderr)
        return 2
    loaded = load_tasks(args.tasks)
    for problem in loaded.problems:
        print(f"{args.tasks}: skipped {problem}", file=sys.stderr)
    tasks = list(loaded.tasks[: args.limit] if args.limit is not None else loaded.tasks)
    if not tasks:
        print(f"ghostwise bench run: no valid task in {args.tasks}", file=sys.stderr)
        return 2
    started, load_before = time.monotonic(), os.getloadavg()[0]
    try:
        complete, prefill, members, site_kind = _service_complete(args.model, args.root)
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except Exception as exc:  # a model that cannot be loaded: say why, no traceback
        log.debug("model load failed", exc_info=True)
        print(f"ghostwise bench run: cannot load model {args.model!r}: {exc}", file=sys.stderr)
        return 1
    options = RunOptions(
        out_dir=args.out, modes=modes, test_timeout_s=args.timeout, resume=args.resume, progress=True
    )
    interrupted = False
    previous = signal.signal(signal.SIGTERM, _interrupt)  # `kill` ends a run like Ctrl-C: results kept
    try:
        run(tasks, complete, options, prefill, members, site_kind)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        signal.signal(signal.SIGTERM, previous)
    _write_run_info(args, modes, len(tasks), wall_s=time.monotonic() - started, load_before=load_before)
    summary = summarize_run(args.out, modes, [t.task_id for t in tasks])
    (args.out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    write_report(summary, args.out, f"ghostwise bench: {args.tasks.name}")
    print((args.out / "report.md").read_text(encoding="utf-8"))
    if interrupted:
        print(f"interrupted: results so far are in {args.out}; add --resume to continue", file=sys.stderr)
        return EXIT_INTERRUPTED
    return 0


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _service_complete(
    model: str, root: Path | None
) -> tuple[Complete, Callable[[Task], None], MembersAt, SiteKind]:
    """Load the model once; return functions completing a task the way the server would, evaluating its
    prompt beforehand (untimed), listing members with the engine's untimed oracle, and naming the kind
    of site at a task's cursor."""
    service = CompletionService(ServerSettings(model=ModelSettings(spec=model)))
    print(f"loading model {model!r} ...", file=sys.stderr)
    service.load(progress=None)
    service.warm_engine()  # the server warms the engine in the background before the first request

    versions = itertools.count(1)

    def document(task: Task) -> Document:
        # A new document version per call, as after an edit: no mode reuses another's engine caches.
        path = (root / task.path if root is not None else Path(task.path)).resolve() if task.path else None
        uri = path.as_uri() if path is not None else f"untitled:{task.task_id}"
        return Document(
            uri=uri,
            version=next(versions),
            text=task.prefix + task.suffix,
            cursor=len(task.prefix),
            path=path,
            workspace_root=root,
        )

    def complete(task: Task, guidance: GuidanceSettings) -> Suggestion:
        doc = document(task)
        service.prepare(doc)  # as the server does on didChange, before the completion request
        return service.complete(doc, guidance=guidance, cancel=None)

    def prefill(task: Task) -> None:
        doc = document(task)
        service.prepare(doc)  # the server parses a document for Jedi when it is opened
        service.prefill(doc)

    def site_kind(task: Task) -> str:
        site = service.engine.classify(document(task))
        return site.kind if site is not None else "none"

    return complete, prefill, engine_members(service.engine, root), site_kind


def _write_run_info(
    args: argparse.Namespace, modes: list[str], n_tasks: int, *, wall_s: float, load_before: float
) -> None:
    """``run.json``: what ran, where, how long, and how busy the machine was (1-minute load averages)."""
    info = {
        "tasks": str(args.tasks),
        "n_tasks": n_tasks,
        "modes": modes,
        "model": args.model,
        "root": str(args.root) if args.root else None,
        "timeout_s": args.timeout,
        "date_utc": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus": os.cpu_count(),
        "wall_s": round(wall_s, 1),
        "load_avg_start": load_before,
        "load_avg_end": os.getloadavg()[0],
    }
    (args.out / "run.json").write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
