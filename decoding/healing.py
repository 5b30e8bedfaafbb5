"""Token healing: drop the prompt's last token and let the model re-choose it.

A prefix ending in ``return `` or ``os.pa`` ends mid-token for the model (its vocabulary has
`` name`` and ``path``); evaluating the cut token biases it to stop or to misspell. We remove
the last token from the prompt and require the output to start with its text instead.
"""

from __future__ import annotations

from collections.abc import Sequence

from decoding.runtime import TokenModel

_MAX_HEAL_BYTES = 16


def split_heal(model: TokenModel, tokens: Sequence[int], keep: int) -> tuple[list[int], bytes]:
    """Prompt tokens without the healed last token, and that token's bytes (b"" if not healed).

    ``keep`` tokens at the start (BOS, FIM sentinels) are never removed.
    """
    if len(tokens) <= keep + 1:
        return list(tokens), b""
    last = tokens[-1]
    piece = model.piece(last)
    if not piece or len(piece) > _MAX_HEAL_BYTES or b"\n" in piece or model.is_control(last):
        return list(tokens), b""  # a line end is a natural boundary: nothing to heal
    try:
        piece.decode("utf-8")
    except UnicodeDecodeError:
        return list(tokens), b""
    return list(tokens[:-1]), piece


def consistent(piece: bytes, pending: bytes) -> bool:
    """Can output continue with ``piece`` while it still has to produce ``pending`` first?"""
    return piece.startswith(pending) or (bool(piece) and pending.startswith(piece))
