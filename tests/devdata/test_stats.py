"""``ghostwise stats`` numbers on the hand-built log of constructed.py, worked out by hand."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from lsp_server.cli import main
from lsp_server.devdata.cli import parse_since
from lsp_server.devdata.reader import EventReader
from lsp_server.devdata.stats import summarize
from tests.devdata.constructed import event, write_log


@pytest.fixture
def log_dir(tmp_path: Path) -> Path:
    return write_log(tmp_path / "devdata")


def test_figures_by_hand(log_dir: Path) -> None:
    stats = summarize(EventReader(log_dir))
    # outcomes: accepted 1,4; partial 2; dismissed 3,5; unseen 6; unknown 7 → (2 + 1) / (2 + 1 + 2)
    o = stats.overall
    assert (o.suggestions, o.accepted, o.partial, o.dismissed, o.unseen, o.unknown) == (7, 2, 1, 2, 1, 1)
    assert o.rate == pytest.approx(3 / 5)
    assert {k: a.rate for k, a in stats.by_mode.items()} == pytest.approx({"guided": 2 / 3, "base": 1 / 2})
    assert {k: a.rate for k, a in stats.by_language.items()} == pytest.approx({"python": 2 / 4, "rust": 1.0})
    assert list(stats.by_length) == ["1-20", "21-60", "61-150", "151+"]
    assert [a.rate for a in stats.by_length.values()] == [1.0, 1.0, 0.0, 0.0]
    # total latency sorted: 110 140 150 160 280 410 550 → p50 = 160, p95 at rank 5.7 = 410 + 0.7 × 140
    total = stats.latency_ms["total"]
    assert (total.count, total.p50, total.p95) == (7, 160.0, pytest.approx(508.0))
    assert stats.latency_ms["queue"].p95 == pytest.approx(67.0)
    engine = stats.latency_ms["engine"]  # guided suggestions only: 20 40 60
    assert (engine.count, engine.p50, engine.p95) == (3, 40.0, pytest.approx(58.0))
    # accepted characters 10 + 12 + 5 over the hours 20th 10:00, 20th 11:00, 21st 09:00
    assert (stats.accepted_chars, stats.active_hours, stats.accepted_chars_per_active_hour) == (27, 3, 9.0)
    assert [(h.hour, h.suggestions, h.accepted_chars) for h in stats.hourly] == [
        ("2026-11-20T10:00Z", 2, 22),
        ("2026-11-20T11:00Z", 1, 0),
        ("2026-11-21T09:00Z", 4, 5),
    ]
    assert [(d.day, d.acceptance.rate) for d in stats.daily] == [("2026-11-20", 2 / 3), ("2026-11-21", 1 / 2)]
    assert (stats.guided, stats.released, stats.release_rate) == (3, 2, 2 / 3)
    assert stats.pruned_tokens == 9
    assert stats.pruned_names == (("get_usr", 3), ("fetch_al", 3))
    # event 6 sits in the 20th's file but happened on the 21st: times, not files, decide
    assert (stats.first, stats.last) == ("2026-11-20T10:05:00.000Z", "2026-11-21T09:50:00.000Z")


def test_skipped_lines_are_counted(log_dir: Path) -> None:
    read = summarize(EventReader(log_dir)).read
    assert (read.files, read.events) == (2, 7)
    assert (read.partial, read.corrupt, read.invalid, read.unknown_version) == (1, 3, 1, 1)


def test_since_uses_event_times(log_dir: Path) -> None:
    stats = summarize(EventReader(log_dir, since=parse_since("2026-11-21")))
    assert (stats.overall.suggestions, stats.read.before_since) == (4, 3)
    now = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)
    assert parse_since("45m", now) == datetime(2026, 11, 21, 9, 15, tzinfo=UTC)
    assert summarize(EventReader(log_dir, since=parse_since("45m", now))).overall.suggestions == 3
    assert parse_since("2w", now) == datetime(2026, 11, 7, 10, 0, tzinfo=UTC)
    assert parse_since("all") is None


def test_json_output(log_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", "--data-dir", str(log_dir), "--json", "--since", "all"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["overall"]["rate"] == pytest.approx(0.6)
    assert out["by_mode"]["guided"]["accepted"] == 1
    assert out["latency_ms"]["total"] == {"count": 7, "p50": 160.0, "p95": pytest.approx(508.0)}
    assert out["read"]["corrupt"] == 3


def test_text_output(log_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", "--data-dir", str(log_dir)]) == 0
    out = capsys.readouterr().out
    assert "7 suggestions" in out and " 60.0%" in out and "get_usr (3)" in out
    assert "1 partial, 3 corrupt, 1 invalid, 1 of an unknown schema version" in out


@pytest.mark.parametrize("since", ["yesterday", "7x", "-3d", "2026-13-01"])
def test_bad_since_is_a_usage_error(since: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["stats", "--since", since])
    assert exit_info.value.code == 2
    assert "--since" in capsys.readouterr().err


def test_no_data(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", "--data-dir", str(tmp_path / "missing"), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["overall"]["suggestions"] == 0 and out["overall"]["rate"] is None
    assert main(["stats", "--data-dir", str(tmp_path / "missing")]) == 0
    assert "No dev data" in capsys.readouterr().out


def test_answers_without_a_generation_of_their_own_have_no_model_phases(tmp_path: Path) -> None:
    events = [
        event(1, "2026-11-20T10:00:00.000Z", mode="guided", latency=(10, 40, 100, 20, 150)),
        event(2, "2026-11-20T10:01:00.000Z", mode="guided", served="cache", latency=(1, 0, 0, 0, 2)),
        event(3, "2026-11-20T10:02:00.000Z", mode="guided", served="stream", latency=(5, 40, 90, 30, 60)),
    ]
    (tmp_path / "2026-11-20.jsonl").write_text("".join(e.to_json() + "\n" for e in events))
    stats = summarize(EventReader(tmp_path))
    assert stats.served == {"model": 1, "cache": 1, "stream": 1}
    assert {phase: s.count for phase, s in stats.latency_ms.items()} == {
        "queue": 3,
        "prompt": 1,
        "generate": 1,
        "engine": 1,
        "total": 3,
    }
    assert (stats.latency_ms["total"].p50, stats.latency_ms["prompt"].p50) == (60.0, 40.0)
    assert stats.by_mode["guided"].suggestions == 3
