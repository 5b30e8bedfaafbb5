"""Adaptive debounce alone: the fixed setting until the rhythm is known, then rhythm and position."""

from __future__ import annotations

import pytest

from lsp_server.debounce import MAX_MS, MIN_MS, Rhythm, delay_ms


def rhythm(*gaps_ms: float) -> Rhythm:
    r, now = Rhythm(), 100.0
    r.key(now)
    for gap in gaps_ms:
        now += gap / 1000
        r.key(now)
    return r


def test_the_fixed_setting_until_enough_keys() -> None:
    assert rhythm(120, 130).typical_ms() is None
    assert delay_ms(None, "    return sel", 20) == 20


def test_pauses_are_not_part_of_the_rhythm() -> None:
    assert rhythm(100, 5000, 120, 140, 9000, 160).typical_ms() == pytest.approx(130)


def test_mid_word_waits_a_typical_interval() -> None:
    assert delay_ms(rhythm(100, 120, 140, 160).typical_ms(), "    return sel", 20) == 130


def test_where_people_stop_it_waits_least() -> None:
    typical = 130.0
    for line in ("    x = self.", "    call(", "    f(a,", "    if x:", "    ", "", "    y ="):
        assert delay_ms(typical, line, 20) == MIN_MS, line
    assert delay_ms(typical, "    return x ", 20) == 65  # after a space: half an interval


def test_bounded() -> None:
    assert delay_ms(5000.0, "    return sel", 20) == MAX_MS
