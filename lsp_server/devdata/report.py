"""``ghostwise stats --html``: one self-contained page (inline CSS, plots as base64 PNGs, no scripts)."""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from matplotlib.axes import Axes
from matplotlib.dates import date2num
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from lsp_server.devdata.schema import OUTCOMES, format_time, parse_time
from lsp_server.devdata.stats import Acceptance, Stats

COLORS = {
    "accepted": "#2e7d32",
    "partial": "#8bc34a",
    "dismissed": "#e57373",
    "unseen": "#b0bec5",
    "unknown": "#e0e0e0",
}
INK, MUTED, ACCENT = "#263238", "#78909c", "#3949ab"

_CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#263238;
     background:#f5f7fa;margin:0}
main{max-width:1100px;margin:0 auto;padding:28px 32px 48px}
h1{font-size:26px;margin:0 0 4px} h2{font-size:18px;margin:32px 0 8px}
.sub{color:#78909c;margin:0 0 20px}
.tiles{display:grid;grid-template-columns:repeat(5,1fr);gap:14px}
.tile{background:#fff;border-radius:10px;padding:14px 16px;box-shadow:0 1px 3px rgba(0,0,0,.08)}
.tile .v{font-size:28px;font-weight:650;color:#3949ab} .tile .k{color:#78909c;font-size:13px}
figure{background:#fff;border-radius:10px;margin:14px 0;padding:10px;box-shadow:0 1px 3px rgba(0,0,0,.08)}
figure img{width:100%;display:block} figcaption{color:#78909c;font-size:13px;padding:4px 8px 0}
.empty{background:#fff;border-radius:10px;padding:24px;color:#78909c}
table{border-collapse:collapse;background:#fff;border-radius:10px} td,th{padding:4px 14px;text-align:left}
footer{color:#78909c;font-size:13px;margin-top:32px}
"""


def write_report(stats: Stats, path: Path, directory: Path) -> None:
    """Write the page to ``path`` (parents created)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(stats, directory), encoding="utf-8")


def render(stats: Stats, directory: Path) -> str:
    period = f"{_day_time(stats.first)} – {_day_time(stats.last)}" if stats.first else "no events"
    since = f" · since {_day_time(stats.since)}" if stats.since else ""
    body = [
        (
            f"<h1>ghostwise · completion stats</h1><p class='sub'>{html.escape(period)}{since} · "
            f"{stats.overall.suggestions} suggestions from <code>{html.escape(str(directory))}</code></p>"
        )
    ]
    if not stats.overall.suggestions:
        body.append(
            "<div class='empty'>No dev data yet. Suggestions are recorded (setting <code>devData</code>: "
            "metadata or full) once the editor accepts them or moves on.</div>"
        )
    else:
        body += [
            _tiles(stats),
            _figure(
                "Outcomes per day",
                _outcomes_per_day,
                stats,
                "Accepted and partially accepted suggestions count as taken; acceptance rate = taken / "
                "(taken + dismissed). Unseen: never shown. Unknown: the editor reported nothing.",
            ),
            _figure(
                "Acceptance rate",
                _acceptance_panels,
                stats,
                "By decoding mode, document language and suggestion length (characters); "
                "n = decided suggestions (taken or dismissed).",
            ),
            _figure(
                "Latency by phase",
                _latency,
                stats,
                "Queue: request arrival to start of generation. Engine: completion-engine time "
                "in guided suggestions. Total: arrival to suggestion.",
            ),
            _figure("Accepted characters per hour", _chars_per_hour, stats, "UTC hours with activity."),
            _pruned_section(stats),
        ]
    body.append(_footer(stats))
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>ghostwise stats</title>"
        f"<style>{_CSS}</style></head><body><main>{''.join(body)}</main></body></html>"
    )


def _tiles(stats: Stats) -> str:
    total = stats.latency_ms["total"]
    per_hour = stats.accepted_chars_per_active_hour
    tiles = [
        (_pct(stats.overall.rate), "acceptance rate"),
        (f"{stats.overall.suggestions:,}", "suggestions"),
        (
            f"{stats.accepted_chars:,}",
            f"chars accepted · {per_hour:,.0f}/h" if per_hour else "chars accepted",
        ),
        (
            f"{total.p50:,.0f} ms" if total.p50 is not None else "n/a",
            f"median latency · p95 {total.p95:,.0f} ms" if total.p95 is not None else "median latency",
        ),
        (_pct(stats.release_rate), f"release rate · {stats.guided} guided"),
    ]
    cells = "".join(
        f"<div class='tile'><div class='v'>{html.escape(v)}</div><div class='k'>{html.escape(k)}</div></div>"
        for v, k in tiles
    )
    return f"<div class='tiles'>{cells}</div>"


def _figure(
    title: str, draw: Callable[[Figure, Stats], None], stats: Stats, caption: str, height_in: float = 3.6
) -> str:
    fig = Figure(figsize=(10.5, height_in), dpi=110, layout="constrained")
    draw(fig, stats)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", facecolor="white")
    data = base64.b64encode(buffer.getvalue()).decode()
    return (
        f"<h2>{html.escape(title)}</h2>"
        f"<figure><img alt='{html.escape(title)}' src='data:image/png;base64,{data}'>"
        f"<figcaption>{html.escape(caption)}</figcaption></figure>"
    )


def _style(ax: Axes) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(colors=INK, labelsize=9)
    ax.spines["left"].set_color(MUTED)
    ax.spines["bottom"].set_color(MUTED)


def _outcomes_per_day(fig: Figure, stats: Stats) -> None:
    ax = fig.add_subplot()
    days = [d.day[5:] for d in stats.daily]
    bottom = [0] * len(days)
    for outcome in OUTCOMES:
        counts = [getattr(d.acceptance, outcome) for d in stats.daily]
        if any(counts):
            ax.bar(days, counts, bottom=bottom, color=COLORS[outcome], label=outcome, width=0.7)
            bottom = [b + c for b, c in zip(bottom, counts, strict=True)]
    for x, d in enumerate(stats.daily):
        if d.acceptance.rate is not None:
            ax.annotate(
                _pct(d.acceptance.rate),
                (x, bottom[x]),
                ha="center",
                va="bottom",
                fontsize=9,
                color=INK,
                xytext=(0, 3),
                textcoords="offset points",
            )
    pad = max(0.0, (8 - len(days)) / 2)  # a few days: keep the bars slim and centred
    ax.set_xlim(-0.6 - pad, len(days) - 0.4 + pad)
    ax.set_ylabel("suggestions", color=MUTED)
    ax.set_ylim(0, max(bottom) * 1.18 or 1)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(frameon=False, ncols=5, loc="upper left", fontsize=9)
    _style(ax)


def _acceptance_panels(fig: Figure, stats: Stats) -> None:
    groups = (("mode", stats.by_mode), ("language", stats.by_language), ("length (chars)", stats.by_length))
    for ax, (title, group) in zip(fig.subplots(1, 3), groups, strict=True):
        _rate_bars(ax, title, group)


def _rate_bars(ax: Axes, title: str, group: dict[str, Acceptance]) -> None:
    names = list(group)[::-1]
    rates = [(group[n].rate or 0) * 100 for n in names]
    ax.barh(names, [0 if group[n].rate is None else 100 for n in names], color="#eceff1", height=0.6)
    ax.barh(names, rates, color=COLORS["accepted"], height=0.6)
    for y, n in enumerate(names):
        a = group[n]
        decided = a.accepted + a.partial + a.dismissed
        label = f"{_pct(a.rate)}  n={decided}" if decided else f"n/a: {a.suggestions} undecided"
        ax.text(101 if decided else 1, y, label, va="center", fontsize=9, color=INK if decided else MUTED)
    ax.set_xlim(0, 135)
    ax.set_ylim(len(names) - 0.4 - max(len(names), 4), len(names) - 0.4)  # top-aligned, slim bars
    ax.set_xticks([0, 25, 50, 75, 100], ["0", "25", "50", "75", "100%"])
    ax.set_title(title, loc="left", fontsize=11, color=INK)
    _style(ax)


def _latency(fig: Figure, stats: Stats) -> None:
    ax = fig.add_subplot()
    phases = [p for p, s in stats.latency_ms.items() if s.count][::-1]
    ys = range(len(phases))
    p50 = [stats.latency_ms[p].p50 or 0 for p in phases]
    p95 = [stats.latency_ms[p].p95 or 0 for p in phases]
    ax.barh([y + 0.2 for y in ys], p50, height=0.38, color=ACCENT, label="p50")
    ax.barh([y - 0.2 for y in ys], p95, height=0.38, color="#9fa8da", label="p95")
    for y, a, b in zip(ys, p50, p95, strict=True):
        ax.text(a, y + 0.2, f" {a:,.0f}", va="center", fontsize=9, color=INK)
        ax.text(b, y - 0.2, f" {b:,.0f}", va="center", fontsize=9, color=MUTED)
    ax.set_yticks(list(ys), phases)
    ax.set_xlabel("milliseconds", color=MUTED)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.set_xlim(0, max(p95 + [1]) * 1.15)
    ax.legend(frameon=False, loc="lower right", fontsize=9)
    _style(ax)


def _chars_per_hour(fig: Figure, stats: Stats) -> None:
    ax = fig.add_subplot()
    hours = date2num([parse_time(h.hour.replace("Z", ":00Z")) for h in stats.hourly])
    ax.xaxis_date()
    ax.bar(
        hours,
        [h.accepted_chars for h in stats.hourly],
        width=1 / 24 * 0.85,
        align="edge",
        color=COLORS["accepted"],
    )
    ax.set_ylabel("characters accepted", color=MUTED)
    if len(hours) == 1:
        ax.set_xlim(hours[0] - 0.1, hours[0] + 0.15)
    fig.autofmt_xdate()
    _style(ax)


def _pruned_section(stats: Stats) -> str:
    if not stats.pruned_names:
        return (
            "<h2>Most pruned identifiers</h2><div class='empty'>"
            f"{stats.pruned_tokens:,} tokens pruned in {stats.guided} guided suggestions. "
            "Identifier names are "
            "code text: they are recorded only with <code>devData: full</code>.</div>"
        )
    return _figure(
        "Most pruned identifiers",
        _pruned,
        stats,
        "Names the model started and the completion engine ruled out (devData: full).",
        height_in=0.8 + 0.26 * len(stats.pruned_names),
    )


def _pruned(fig: Figure, stats: Stats) -> None:
    ax = fig.add_subplot()
    names = [n for n, _ in stats.pruned_names][::-1]
    counts = [c for _, c in stats.pruned_names][::-1]
    ax.barh(names, counts, color="#ff8a65", height=0.7)
    ax.set_xlabel("times pruned", color=MUTED)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    _style(ax)
    ax.tick_params(axis="y", labelsize=8)


def _footer(stats: Stats) -> str:
    r = stats.read
    rows = [
        ("files read", r.files),
        ("events", r.events),
        ("before --since", r.before_since),
        ("partial last lines", r.partial),
        ("corrupt lines", r.corrupt),
        ("invalid events", r.invalid),
        ("unknown schema version", r.unknown_version),
    ]
    table = "".join(f"<tr><td>{k}</td><td>{v:,}</td></tr>" for k, v in rows)
    made = format_time(datetime.now(UTC))
    return (
        f"<h2>Data</h2><table>{table}</table><footer>Generated {_day_time(made)} UTC by ghostwise stats. "
        "All data stays on this machine; format in docs/dev-data.md.</footer>"
    )


def _pct(rate: float | None) -> str:
    return "n/a" if rate is None else f"{rate * 100:.0f}%"


def _day_time(stamp: str | None) -> str:
    return "" if stamp is None else stamp[:16].replace("T", " ")
