"""``ghostwise stats [--since 7d] [--json] [--html FILE] [--data-dir DIR]``."""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import re
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from lsp_server.devdata.reader import EventReader
from lsp_server.devdata.schema import parse_time
from lsp_server.devdata.stats import Acceptance, Stats, summarize
from lsp_server.devdata.writer import DATA_DIR_ENV, devdata_dir

_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def add_stats_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    stats = sub.add_parser(
        "stats",
        help="summarize the local dev data (acceptance, latency, guidance)",
        description="Summarize what ghostwise suggested and what became of it, from the dev data this "
        f"machine recorded (devdata/ in the user data directory, or ${DATA_DIR_ENV}/devdata).",
    )
    stats.add_argument(
        "--since",
        type=parse_since,
        default=None,
        metavar="WHEN",
        help="only events from this point on: 30m, 12h, 7d, 2w, a UTC date/time "
        "(2026-11-01, 2026-11-01T09:00) or 'all' (default)",
    )
    stats.add_argument("--json", action="store_true", help="print the figures as JSON")
    stats.add_argument(
        "--html", type=Path, metavar="FILE", help="write a self-contained HTML report with plots"
    )
    stats.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        metavar="DIR",
        help="read dev data from DIR instead (a devdata/ folder)",
    )
    stats.set_defaults(func=stats_command)


def parse_since(text: str, now: datetime | None = None) -> datetime | None:
    """``'7d'`` → seven days before ``now``; an ISO date/time (UTC unless it says otherwise); ``'all'``."""
    text = text.strip()
    if text.lower() == "all":
        return None
    if m := re.fullmatch(r"(\d+)\s*([mhdw])", text.lower()):
        return (now or datetime.now(UTC)) - timedelta(**{_UNITS[m.group(2)]: int(m.group(1))})
    try:
        return parse_time(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a duration (30m, 12h, 7d, 2w), a date (2026-11-01) or 'all'"
        ) from None


def stats_command(args: argparse.Namespace) -> int:
    directory: Path = args.data_dir or devdata_dir()
    stats = summarize(EventReader(directory, since=args.since))
    if args.html:
        from lsp_server.devdata.report import write_report  # matplotlib only when asked for

        write_report(stats, args.html, directory)
        print(f"wrote {args.html}", file=sys.stderr)
    _emit(json.dumps(dataclasses.asdict(stats), indent=2) if args.json else format_text(stats, directory))
    return 0


def _emit(text: str) -> None:
    """Print, quietly stopping when the reader went away (``ghostwise stats | head``)."""
    try:
        print(text, flush=True)
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _pct(rate: float | None) -> str:
    return f"{'n/a':>6}" if rate is None else f"{rate * 100:5.1f}%"


def _ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.0f}"


def _acceptance_line(label: str, a: Acceptance) -> str:
    decided = a.accepted + a.partial + a.dismissed
    return (
        f"  {label:<22}{_pct(a.rate)}  {a.accepted + a.partial:>5} of {decided:<5} decided"
        f"  ({a.partial} partial; {a.unseen} unseen, {a.unknown} unknown)"
    )


def format_text(stats: Stats, directory: Path) -> str:
    """The terminal summary."""
    if not stats.overall.suggestions:
        lines = [
            f"No dev data{' since ' + stats.since if stats.since else ''} in {directory}.",
            "Suggestions are recorded (devData 'metadata' or 'full') once their outcome is known.",
        ]
        return "\n".join(lines + _skipped(stats))
    lines = [
        f"ghostwise dev data: {stats.overall.suggestions} suggestions, {stats.first} .. {stats.last}"
        + (f" (since {stats.since})" if stats.since else ""),
        "",
        "Acceptance ((accepted + partial) / decided)",
        _acceptance_line("overall", stats.overall),
    ]
    for title, group in (
        ("mode", stats.by_mode),
        ("language", stats.by_language),
        ("chars", stats.by_length),
    ):
        lines += [_acceptance_line(f"{title} {name}", a) for name, a in group.items()]
    lines += ["", f"Latency (ms)             {'p50':>8}{'p95':>8}{'n':>8}"]
    lines += [
        f"  {phase:<22}{_ms(s.p50):>8}{_ms(s.p95):>8}{s.count:>8}" for phase, s in stats.latency_ms.items()
    ]
    per_hour = stats.accepted_chars_per_active_hour
    sources = ", ".join(f"{source} {n}" for source, n in stats.served.items())
    lines += [
        f"  served from              {sources or 'n/a'} (prompt, generate, engine: model only)",
        "",
        (
            f"Accepted characters      {stats.accepted_chars:,} in {stats.active_hours} active hours"
            f" ({'n/a' if per_hour is None else f'{per_hour:,.0f}'} per hour)"
        ),
        (
            f"Guided suggestions       {stats.guided}; release rate {_pct(stats.release_rate).strip()}"
            f" ({stats.released} released); {stats.pruned_tokens:,} tokens pruned"
        ),
    ]
    names = ", ".join(f"{n} ({c})" for n, c in stats.pruned_names[:10])
    lines.append(f"Most pruned identifiers  {names or 'none recorded (recorded with devData: full)'}")
    return "\n".join(lines + _skipped(stats))


def _skipped(stats: Stats) -> list[str]:
    r = stats.read
    if not r.skipped:
        return []
    return [
        "",
        (
            f"Skipped lines            {r.partial} partial, {r.corrupt} corrupt, {r.invalid} invalid, "
            f"{r.unknown_version} of an unknown schema version"
        ),
    ]
