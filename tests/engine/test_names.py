"""Narrowing: ``SortedNames`` answers prefix questions locally and memoizes them."""

from __future__ import annotations

from completion_engine import SortedNames


def test_narrowing() -> None:
    names = SortedNames(["join", "exists", "expanduser", "expandvars", "basename", "join"])
    assert names.names("") == ("basename", "exists", "expanduser", "expandvars", "join")
    assert names.feasible("exp") and not names.feasible("expo")
    assert names.names("exp") == ("expanduser", "expandvars")
    assert names.continuation("exp") == "and"
    assert names.continuation("j") == "oin"
    assert names.continuation("zz") == ""
    assert names.is_name("join") and not names.is_name("jo")
    assert names.feasible("")


def test_memo_per_prefix() -> None:
    names = SortedNames(["alpha", "beta"])
    for _ in range(3):
        names.feasible("al")
        names.continuation("al")
    assert names.misses == 1
    assert names.hits == 5
