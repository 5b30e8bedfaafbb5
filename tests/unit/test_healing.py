"""Token healing alone, on a scripted vocabulary."""

from __future__ import annotations

from decoding.healing import consistent, split_heal
from tests.decoding.scripted_model import ScriptedModel

MODEL = ScriptedModel(["return", " ", " name", "os", ".", "pa", "path", "\n", "é"], lambda text: {})


def ids(*pieces: str) -> list[int]:
    return [MODEL.pieces.index(p) for p in pieces]


def test_the_last_token_is_healed() -> None:
    tokens, heal = split_heal(MODEL, ids("os", ".", "pa"), keep=0)
    assert tokens == ids("os", ".") and heal == b"pa"


def test_line_ends_kept_tokens_and_short_prompts_are_not_healed() -> None:
    assert split_heal(MODEL, ids("os", "\n"), keep=0) == (ids("os", "\n"), b"")
    assert split_heal(MODEL, ids("os"), keep=0) == (ids("os"), b"")  # a prompt keeps one token at least
    assert split_heal(MODEL, ids("os", "pa"), keep=1) == (ids("os", "pa"), b"")  # besides the kept ones
    assert split_heal(MODEL, ids("os", ".", "pa"), keep=1) == (ids("os", "."), b"pa")


def test_consistent_pieces() -> None:
    assert consistent(b"path", b"pa") and consistent(b"p", b"pa")
    assert not consistent(b"os", b"pa") and not consistent(b"", b"pa")
