"""Benchmark of the completion engine over real identifier sites mined from installed packages.

Each site is an identifier in a real source file (a member after ``.``, a keyword argument, an
imported name or module, a bare name in an expression).  The document is the file with the rest of
that line deleted and the cursor at the identifier's start, as when someone is typing it.  Then, as
the decoder would: classify the site, query candidates once, re-query the site while the identifier
grows one character at a time, and narrow per prefix.

    .venv/bin/python benchmarks/engine.py --sites 400

Prints a table (p50/p95 of classification, first candidate query, narrowing; share answered;
memo hit rate; whether the true name was among the candidates).  Not a test: numbers depend on the
machine.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import random
import sys
import sysconfig
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from completion_engine import Document, EngineSettings, JediSettings, PythonEngine

DEFAULT_PACKAGES = (
    "jedi",
    "pygls",
    "huggingface_hub",
    "lsprotocol",
    "parso",
    "pyflakes",
    "tqdm",
    "platformdirs",
)
QUERY = "first candidate query per site (warm, prepared)"
KIND_SHARE = {"member": 0.5, "name": 0.2, "keyword_arg": 0.15, "import_name": 0.075, "import_module": 0.075}


@dataclass(frozen=True, slots=True, kw_only=True)
class MinedSite:
    path: Path
    root: Path
    text: str
    cursor: int
    expected_kind: str
    name: str


def _offset(lines: list[str], line_starts: list[int], lineno: int, col_bytes: int) -> int:
    line = lines[lineno - 1]
    return line_starts[lineno - 1] + len(line.encode("utf-8")[:col_bytes].decode("utf-8", "replace"))


def mine_file(path: Path, root: Path) -> list[MinedSite]:
    """Identifier sites of one file (positions from ``ast``; a ``tokenize``-free, dependency-free miner)."""
    try:
        text = path.read_text(encoding="utf-8")
        tree = ast.parse(text)
    except (OSError, UnicodeDecodeError, SyntaxError, ValueError, RecursionError):
        return []
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    found: list[MinedSite] = []

    def add(kind: str, lineno: int, col: int, name: str) -> None:
        cursor = _offset(lines, starts, lineno, col)
        if text.startswith(name, cursor):
            found.append(
                MinedSite(path=path, root=root, text=text, cursor=cursor, expected_kind=kind, name=name)
            )

    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.ctx, ast.Load)
            and node.end_lineno == node.lineno
        ):
            add("member", node.lineno, (node.end_col_offset or 0) - len(node.attr.encode()), node.attr)
        elif isinstance(node, ast.Call):
            for kw in node.keywords:
                if kw.arg is not None and node.args:
                    add("keyword_arg", kw.lineno, kw.col_offset, kw.arg)
            for arg in node.args[1:]:
                if isinstance(arg, ast.Name):  # a later call argument: a keyword_arg site
                    add("keyword_arg", arg.lineno, arg.col_offset, arg.id)
        elif isinstance(node, ast.BinOp) and isinstance(node.right, ast.Name):
            add("name", node.right.lineno, node.right.col_offset, node.right.id)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            for alias in node.names:
                if alias.name != "*":
                    add("import_name", alias.lineno, alias.col_offset, alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                add("import_module", alias.lineno, alias.col_offset, alias.name.split(".")[0])
    return found


def mine(packages: tuple[str, ...], n_sites: int, seed: int, per_file: int = 0) -> list[MinedSite]:
    """``n_sites`` sites from the files of ``packages`` in this interpreter's site-packages.

    ``per_file=0`` spreads them over all files (nearly every query is the first in its file, the
    worst case); ``per_file=N`` takes N sites from each of ``n_sites/N`` files (an editing session,
    where Jedi's state for the file is warm).
    """
    site_packages = Path(sysconfig.get_paths()["purelib"])
    by_kind: dict[str, list[MinedSite]] = {k: [] for k in KIND_SHARE}
    by_file: dict[Path, list[MinedSite]] = {}
    for package in packages:
        folder = site_packages / package
        for path in sorted(folder.rglob("*.py")) if folder.is_dir() else []:
            if path.stat().st_size < 300_000:
                for site in mine_file(path, site_packages):
                    by_kind[site.expected_kind].append(site)
                    by_file.setdefault(path, []).append(site)
    rng = random.Random(seed)
    chosen: list[MinedSite] = []
    if per_file:
        files = [sites for sites in by_file.values() if len(sites) >= per_file]
        for sites in rng.sample(files, min(len(files), n_sites // per_file)):
            chosen += rng.sample(sites, per_file)
    else:
        for kind, share in KIND_SHARE.items():
            pool = by_kind[kind]
            chosen += rng.sample(pool, min(len(pool), round(n_sites * share)))
    chosen.sort(key=lambda s: (str(s.path), s.cursor))  # files visited in order, like an editing session
    return chosen


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


class Samples:
    """Wall-clock and CPU times per measure (CPU time shows the cost on a busy machine).

    Work done in this thread is charged with its thread CPU time; Jedi work (another thread, this
    one waiting) with the process CPU time.
    """

    def __init__(self) -> None:
        self.wall: dict[str, list[float]] = {}
        self.cpu: dict[str, list[float]] = {}

    @contextmanager
    def timed(self, name: str, clock: Callable[[], float] = time.thread_time) -> Iterator[None]:
        wall, cpu = time.perf_counter(), clock()
        yield
        self.wall.setdefault(name, []).append((time.perf_counter() - wall) * 1000)
        self.cpu.setdefault(name, []).append((clock() - cpu) * 1000)


def run(sites: list[MinedSite], timeout_ms: int) -> dict[str, object]:
    engine = PythonEngine(EngineSettings(jedi=JediSettings(timeout_ms=timeout_ms)))
    samples = Samples()
    with samples.timed("warm-up", time.process_time):
        engine.warm()
    narrow_us: list[float] = []
    outcome: Counter[str] = Counter()
    kinds: Counter[tuple[str, str]] = Counter()
    true_name_listed = answered = 0
    memo_hits = memo_total = 0
    for version, mined in enumerate(sites, 1):
        line_end = mined.text.find("\n", mined.cursor)
        text = mined.text[: mined.cursor] + (mined.text[line_end:] if line_end >= 0 else "")
        doc = Document(
            uri=mined.path.as_uri(),
            version=version,
            text=text,
            cursor=mined.cursor,
            path=mined.path,
            workspace_root=mined.root,
        )
        with samples.timed("tree-sitter parse per document version"):
            engine.trees.parsed(doc)
        with samples.timed("Jedi parse per document version (prepare)", time.process_time):
            prepared = engine.jedi.prepare(doc)  # what the server does on didChange, before the request
            if prepared is not None:
                prepared.result()
        with samples.timed("site classification per call"):
            site = engine.classify(doc)
        kinds[(mined.expected_kind, site.kind if site else "none")] += 1
        if site is None:
            outcome["no site"] += 1
            continue
        with samples.timed(QUERY, time.process_time):
            found = engine.candidates(doc, site)
        samples.wall.setdefault(f"  first query, {site.kind} sites", []).append(samples.wall[QUERY][-1])
        samples.cpu.setdefault(f"  first query, {site.kind} sites", []).append(samples.cpu[QUERY][-1])
        names = found.names
        if names is None:
            why = "binds later" if site.binds_later else "no answer in time" if not found.ready else "unknown"
            outcome[f"unknown ({why})"] += 1
            continue
        outcome["answered"] += 1
        answered += 1
        true_name_listed += names.is_name(mined.name)
        for k in range(1, len(mined.name) + 1):
            with samples.timed("site classification per call"):
                grown = engine.classify(doc, mined.name[:k])
            again = engine.candidates(doc, grown) if grown is not None else None
            memo_total += 1
            memo_hits += again is not None and again.memoized and again.names is names
            prefix = mined.name[:k]
            for call in (names.feasible, names.continuation, names.is_name):
                t = time.perf_counter()
                call(prefix)
                narrow_us.append((time.perf_counter() - t) * 1e6)
    engine.close()
    total = len(sites)
    return {
        "sites": total,
        "wall_ms": samples.wall,
        "cpu_ms": samples.cpu,
        "narrow_us": narrow_us,
        "load_average": os.getloadavg(),
        "outcome": dict(outcome),
        "kinds": {f"{a}->{b}": n for (a, b), n in sorted(kinds.items())},
        "answered_share": answered / total if total else 0.0,
        "true_name_listed": true_name_listed / answered if answered else 0.0,
        "memo_hit_rate": memo_hits / memo_total if memo_total else 0.0,
        "jedi_queries": engine.jedi.queries,
    }


TARGETS = {
    "site classification per call": "p50 <= 1 ms",
    QUERY: "p50 <= 20 ms, p95 <= 100 ms",
}


def table(result: dict[str, Any]) -> str:
    wall, cpu = result["wall_ms"], result["cpu_ms"]
    lines = [
        "| measure | n | p50 wall | p95 wall | p50 CPU | p95 CPU | target |",
        "|---|---|---|---|---|---|---|",
    ]
    for name in sorted(wall, key=lambda n: (n.strip() != n, n.startswith("warm"))):
        w, c = wall[name], cpu[name]
        lines.append(
            f"| {name} | {len(w)} | {pct(w, 0.5):.2f} ms | {pct(w, 0.95):.2f} ms | {pct(c, 0.5):.2f} ms "
            f"| {pct(c, 0.95):.2f} ms | {TARGETS.get(name, '')} |"
        )
    narrow = result["narrow_us"]
    lines += [
        (
            f"| narrowing per call | {len(narrow)} | {pct(narrow, 0.5):.2f} us | {pct(narrow, 0.95):.2f} us "
            "| | | p50 <= 20 us |"
        ),
        "",
        f"sites: {result['sites']}; outcome: {result['outcome']}",
        f"answered share: {result['answered_share']:.1%}",
        f"true name among the candidates when answered: {result['true_name_listed']:.1%}",
        f"memo hit rate (re-queries with growing prefixes): {result['memo_hit_rate']:.1%} (target >= 80%)",
        f"Jedi queries: {result['jedi_queries']}; load average at the end: {result['load_average']}",
        f"expected kind -> classified: {result['kinds']}",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sites", type=int, default=400)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--timeout-ms", type=int, default=150, help="Jedi time-out (default: the engine's)")
    parser.add_argument("--packages", nargs="*", default=list(DEFAULT_PACKAGES))
    parser.add_argument("--per-file", type=int, default=0, help="sites per file (0: spread over all files)")
    parser.add_argument("--json", type=Path, help="also write the raw numbers here")
    args = parser.parse_args(argv)
    sites = mine(tuple(args.packages), args.sites, args.seed, args.per_file)
    if len(sites) < 300:
        print(f"warning: only {len(sites)} sites mined", file=sys.stderr)
    result = run(sites, args.timeout_ms)
    print(table(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
