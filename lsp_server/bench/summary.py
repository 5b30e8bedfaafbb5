"""Aggregate result records into the per-mode summary (``summary.json``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from lsp_server.bench.runner import read_results, results_path

Record = Mapping[str, Any]


def _mean(values: Sequence[float | bool]) -> float | None:
    return round(float(np.mean(values)), 4) if values else None


def _metric(records: Sequence[Record], name: str) -> list[Any]:
    """Values of one metric where it applies (not ``None``)."""
    return [r["metrics"][name] for r in records if r["metrics"].get(name) is not None]


def _stat(record: Record, name: str) -> float:
    """A decode statistic, top-level or in the ``guidance`` counters (0 when absent)."""
    stats = record.get("stats") or {}
    value = stats.get(name, (stats.get("guidance") or {}).get(name, 0))
    return float(value or 0)


def _guidance_totals(records: Sequence[Record]) -> dict[str, float]:
    """Sums of the numeric guidance counters (sites, pruned, memo hits, forced tokens, ...)."""
    totals: dict[str, float] = {}
    for record in records:
        for key, value in ((record.get("stats") or {}).get("guidance") or {}).items():
            if isinstance(value, int | float) and not isinstance(value, bool):
                totals[key] = round(totals.get(key, 0) + value, 1)
    return totals


def summarize(records: Iterable[Record], *, by_kind: bool = True) -> dict[str, Any]:
    """The summary of one mode's records (errored records count in ``n`` and ``errors`` only), with the
    same figures per kind of site at the tasks' cursors (``by_kind``)."""
    records = list(records)
    scored = [r for r in records if not r.get("error")]
    latencies = [float(r["latency_ms"]) for r in scored]
    tokens = sum(_stat(r, "generated_tokens") for r in scored)
    generate_s = sum(_stat(r, "generate_ms") for r in scored) / 1000
    members = [r for r in scored if r.get("kind") == "member"]
    syntax = _metric(scored, "syntax_error")
    unresolved = _metric(members, "unresolved_member")
    passed = _metric(scored, "passed")
    return {
        "n": len(records),
        "errors": len(records) - len(scored),
        "exact_match": _mean([r["metrics"]["exact_match"] for r in scored]),
        "edit_similarity": _mean([r["metrics"]["edit_similarity"] for r in scored]),
        "identifier_match": _mean([r["metrics"]["identifier_match"] for r in scored]),
        "syntax_error_rate": _mean(syntax),
        "undefined_name_rate": _mean(_metric(scored, "undefined_name")),
        "syntax_checked": len(syntax),
        "unresolved_member_rate": _mean(unresolved),
        "unresolved_member_known": len(unresolved),
        "unresolved_member_unknown": len(members) - len(unresolved),
        "pass_at_1": _mean(passed),
        "pass_at_1_n": len(passed),
        "latency_ms_p50": round(float(np.percentile(latencies, 50)), 1) if latencies else None,
        "latency_ms_p95": round(float(np.percentile(latencies, 95)), 1) if latencies else None,
        "tokens_per_s": round(tokens / generate_s, 1) if generate_s > 0 else None,
        "engine_queries_per_token": round(sum(_stat(r, "engine_queries") for r in scored) / tokens, 4)
        if tokens
        else None,
        "empty_rate": _mean([not r["completion"] for r in scored]),
        "failed_checks_rate": _mean([_stat(r, "failed_checks") > 0 for r in scored]),
        "guidance_totals": _guidance_totals(scored),
        **({"by_kind": _by_kind(records)} if by_kind else {}),
    }


def _by_kind(records: Sequence[Record]) -> dict[str, dict[str, Any]]:
    kinds: dict[str, list[Record]] = {}
    for record in records:
        kinds.setdefault(record.get("site_kind") or "none", []).append(record)
    return {kind: summarize(group, by_kind=False) for kind, group in sorted(kinds.items())}


def kept_right(base: Mapping[str, Record], other: Mapping[str, Record]) -> dict[str, Any]:
    """Of the tasks where base's first identifier was the original one, the share where ``other``'s is too."""
    right = [t for t, r in base.items() if not r.get("error") and r["metrics"]["identifier_match"]]
    kept = [
        t
        for t in right
        if t in other and not other[t].get("error") and other[t]["metrics"]["identifier_match"]
    ]
    return {"base_right": len(right), "kept_right": round(len(kept) / len(right), 4) if right else None}


def summarize_run(out_dir: Path, modes: Sequence[str], task_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Summaries keyed by mode, over the results of ``task_ids`` found in ``out_dir``."""
    summary: dict[str, dict[str, Any]] = {}
    chosen: dict[str, dict[str, Record]] = {}
    for mode in modes:
        records = read_results(results_path(out_dir, mode))
        chosen[mode] = {t: records[t] for t in task_ids if t in records}
        summary[mode] = summarize(chosen[mode].values())
    for mode in modes:
        if mode != "base" and "base" in chosen:
            summary[mode].update(kept_right(chosen["base"], chosen[mode]))
    return summary
