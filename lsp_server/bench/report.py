"""``report.md`` (modes side by side) and ``report.png`` (the same at a glance) from a summary."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

Summary = Mapping[str, Mapping[str, Any]]


def _pct(value: Any) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"


def _num(digits: int) -> Callable[[Any], str]:
    return lambda value: "—" if value is None else f"{value:,.{digits}f}"


ROWS: tuple[tuple[str, str, Callable[[Any], str]], ...] = (
    ("tasks", "n", _num(0)),
    ("errors", "errors", _num(0)),
    ("exact match ↑", "exact_match", _pct),
    ("edit similarity ↑", "edit_similarity", _num(3)),
    ("identifier match ↑", "identifier_match", _pct),
    ("pass@1 ↑", "pass_at_1", _pct),
    ("syntax errors ↓", "syntax_error_rate", _pct),
    ("undefined names ↓", "undefined_name_rate", _pct),
    ("unresolved members ↓", "unresolved_member_rate", _pct),
    ("empty suggestions ↓", "empty_rate", _pct),
    ("shown failing the checks", "failed_checks_rate", _pct),
    ("base's right identifier kept ↑", "kept_right", _pct),
    ("latency p50 (ms)", "latency_ms_p50", _num(0)),
    ("latency p95 (ms)", "latency_ms_p95", _num(0)),
    ("tokens/s", "tokens_per_s", _num(1)),
    ("engine queries/token", "engine_queries_per_token", _num(3)),
)
RATIO_KEYS = frozenset({"latency_ms_p50", "latency_ms_p95"})
QUALITY = (
    ("exact\nmatch", "exact_match"),
    ("identifier\nmatch", "identifier_match"),
    ("edit\nsimilarity", "edit_similarity"),
    ("pass@1", "pass_at_1"),
)
ERRORS = (
    ("syntax\nerrors", "syntax_error_rate"),
    ("undefined\nnames", "undefined_name_rate"),
    ("unresolved\nmembers", "unresolved_member_rate"),
)
COLORS = {
    "base": "#8c8c8c",
    "guided": "#1f77b4",
    "no-pruning": "#ff7f0e",
    "no-memo": "#2ca02c",
    "no-active": "#9467bd",
}


def _ratio(value: Any, base: Any) -> str:
    return "—" if value is None or not base else f"{value / base:.2f}×"


def markdown_table(summary: Summary) -> str:
    """The metrics as rows, the modes as columns, plus ``<mode> / base`` latency ratios."""
    modes = list(summary)
    others = [m for m in modes if m != "base"] if "base" in summary else []
    header = ["metric", *modes, *(f"{m} / base" for m in others)]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for label, key, fmt in ROWS:
        cells = [label, *(fmt(summary[m].get(key)) for m in modes)]
        cells += [
            _ratio(summary[m].get(key), summary["base"].get(key)) if key in RATIO_KEYS else "" for m in others
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def notes(summary: Summary) -> list[str]:
    """Denominators that differ from ``n`` (unknown member sites, unparsable ground truths)."""
    lines = []
    for mode, s in summary.items():
        if s.get("unresolved_member_known") or s.get("unresolved_member_unknown"):
            lines.append(
                f"- {mode}: unresolved members over {s['unresolved_member_known']} sites where Jedi "
                f"lists members; {s['unresolved_member_unknown']} unknown sites excluded."
            )
        if s.get("syntax_checked") != (s.get("n") or 0) - (s.get("errors") or 0):
            lines.append(
                f"- {mode}: syntax/undefined-name rates over {s.get('syntax_checked')} tasks "
                "whose ground-truth document parses."
            )
    return lines


KIND_ROWS = tuple(
    row
    for row in ROWS
    if row[1]
    in {
        "n",
        "exact_match",
        "edit_similarity",
        "identifier_match",
        "pass_at_1",
        "syntax_error_rate",
        "undefined_name_rate",
        "unresolved_member_rate",
        "failed_checks_rate",
    }
)


def kind_table(summary: Summary) -> str:
    """Every quality and validity metric per kind of site at the tasks' cursors, modes side by side."""
    modes = list(summary)
    kinds = sorted({k for s in summary.values() for k in (s.get("by_kind") or {})})
    if not kinds:
        return ""
    header = ["site kind", "metric", *modes]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for kind in kinds:
        for i, (label, key, fmt) in enumerate(KIND_ROWS):
            values = [(summary[m].get("by_kind") or {}).get(kind, {}).get(key) for m in modes]
            if key != "n" and all(v is None for v in values):
                continue
            lines.append("| " + " | ".join([kind if i == 0 else "", label, *(fmt(v) for v in values)]) + " |")
    return "\n".join(lines) + "\n"


def write_markdown(summary: Summary, path: Path, title: str) -> None:
    parts = [f"# {title}\n", markdown_table(summary)]
    lines = notes(summary)
    if lines:
        parts.append("\n".join(lines) + "\n")
    if by_kind := kind_table(summary):
        parts += ["## By kind of site at the cursor\n", by_kind]
    path.write_text("\n".join(parts), encoding="utf-8")


def _bars(ax: Any, groups: list[tuple[str, str]], summary: Summary, scale: float, unit: str) -> None:
    """Grouped bars: one group per metric, one bar per mode, each labelled with its value."""
    modes = list(summary)
    width = 0.8 / len(modes)
    fontsize = 8 if len(modes) <= 3 else 6
    for i, mode in enumerate(modes):
        values = [(summary[mode].get(key) or 0.0) * scale for _, key in groups]
        xs = [g + (i - (len(modes) - 1) / 2) * width for g in range(len(groups))]
        bars = ax.bar(xs, values, width, label=mode, color=COLORS.get(mode))
        digits = 0 if scale == 100 else 2
        ax.bar_label(
            bars,
            labels=[f"{v:.{digits}f}{unit if len(modes) <= 2 else ''}" for v in values],
            fontsize=fontsize,
            padding=2,
        )
    ax.set_xticks(range(len(groups)), [label for label, _ in groups])
    ax.spines[["top", "right"]].set_visible(False)


def _latency_ratios(summary: Summary) -> str:
    base = summary.get("base", {})
    lines = []
    for mode, s in summary.items():
        if mode != "base" and base:
            lines.append(
                f"{mode} / base: p50 {_ratio(s.get('latency_ms_p50'), base.get('latency_ms_p50'))}, "
                f"p95 {_ratio(s.get('latency_ms_p95'), base.get('latency_ms_p95'))}"
            )
    return "\n".join(lines)


def write_plot(summary: Summary, path: Path, title: str) -> None:
    """Three panels: quality (higher is better), errors (lower is better), latency."""
    quality = [g for g in QUALITY if any(s.get(g[1]) is not None for s in summary.values())]
    errors = [g for g in ERRORS if any(s.get(g[1]) is not None for s in summary.values())] or list(ERRORS[:1])
    figure, axes = plt.subplots(
        1, 3, figsize=(13, 4.8), width_ratios=[len(quality), len(errors), 2], layout="constrained"
    )
    _bars(axes[0], quality, summary, scale=100, unit="%")
    axes[0].set_title("Quality (higher is better)")
    axes[0].set_ylim(0, 110)
    axes[0].set_ylabel("% of tasks (edit similarity: mean × 100)")
    _bars(axes[1], errors, summary, scale=100, unit="%")
    axes[1].set_title("Errors (lower is better)")
    axes[1].set_ylabel("% of rated tasks")
    axes[1].set_ylim(
        0, max(10.0, 1.25 * max(100 * (s.get(k) or 0) for s in summary.values() for _, k in errors))
    )
    _bars(axes[2], [("p50", "latency_ms_p50"), ("p95", "latency_ms_p95")], summary, scale=0.001, unit="")
    axes[2].set_title("Latency (s, lower is better)")
    axes[2].set_ylim(0, 1.35 * max((s.get("latency_ms_p95") or 1.0) / 1000 for s in summary.values()))
    axes[2].text(0.02, 0.98, _latency_ratios(summary), transform=axes[2].transAxes, va="top", fontsize=8)
    figure.legend(
        *axes[0].get_legend_handles_labels(), loc="outside lower center", ncols=len(summary), frameon=False
    )
    n = max((s.get("n") or 0) for s in summary.values())
    figure.suptitle(f"{title} — {n} tasks", fontsize=13)
    figure.savefig(path, dpi=110)
    plt.close(figure)


def write_report(summary: Summary, out_dir: Path, title: str) -> None:
    """Write ``report.md`` and ``report.png`` into ``out_dir``."""
    write_markdown(summary, out_dir / "report.md", title)
    write_plot(summary, out_dir / "report.png", title)
