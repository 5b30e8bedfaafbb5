"""A tiny scripted ``TokenModel`` for loop logic: a fixed vocabulary and logits chosen by a script."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

Script = Callable[[str], dict[str, float]]  # cached text (prompt + output) -> preferred pieces and logits


class ScriptedModel:
    """Pieces are plain strings; ``script(text)`` gives the logits of the pieces it names (others -20)."""

    name = "scripted"
    n_ctx = 512

    def __init__(self, pieces: Sequence[str], script: Script) -> None:
        self.pieces = ["<eos>", *pieces]
        self.n_vocab = len(self.pieces)
        self._ids = {p: i for i, p in enumerate(self.pieces)}
        self._script = script
        self._cache: list[int] = []

    def tokenize(self, text: str, *, special: bool = False) -> list[int]:
        out, i = [], 0
        while i < len(text):  # greedy longest match
            piece = max((p for p in self.pieces[1:] if text.startswith(p, i)), key=len)
            out.append(self._ids[piece])
            i += len(piece)
        return out

    def bos(self) -> list[int]:
        return []

    def piece(self, token: int) -> bytes:
        return b"" if token == 0 else self.pieces[token].encode()

    def is_eog(self, token: int) -> bool:
        return token == 0

    def is_control(self, token: int) -> bool:
        return token == 0

    def special_id(self, text: str) -> int | None:
        return None

    def token_text(self, token: int) -> str:
        return self.pieces[token]

    def metadata(self) -> dict[str, str]:
        return {}

    def cached(self) -> Sequence[int]:
        return list(self._cache)

    def prime(self, tokens: Sequence[int]) -> int:
        self._cache = list(tokens)
        return 0

    def append(self, tokens: Sequence[int]) -> None:
        self._cache.extend(tokens)

    def truncate(self, n_keep: int) -> None:
        del self._cache[n_keep:]

    def logits(self) -> np.ndarray:
        text = "".join(self.pieces[t] for t in self._cache)
        out = np.full(self.n_vocab, -20.0, dtype=np.float32)
        for piece, logit in self._script(text).items():
            out[self._ids[piece]] = logit
        return out
