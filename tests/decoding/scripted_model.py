"""A tiny scripted ``TokenModel`` for loop logic: a fixed vocabulary and logits chosen by a script."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

# cached text (prompt + output, bad UTF-8 replaced) -> preferred pieces (str or bytes) and logits
Script = Callable[[str], Mapping[Any, float]]


class ScriptedModel:
    """Pieces are strings or raw bytes (``b"\\xe2"``, like a byte-fallback token); ``script(text)`` gives
    the logits of the pieces it names (others -20)."""

    name = "scripted"
    n_ctx = 512

    def __init__(self, pieces: Sequence[str | bytes], script: Script) -> None:
        self.pieces: list[str | bytes] = ["<eos>", *pieces]
        self.n_vocab = len(self.pieces)
        self._ids = {p: i for i, p in enumerate(self.pieces)}
        self._bytes = [b"", *(p if isinstance(p, bytes) else p.encode() for p in pieces)]
        self._script = script
        self._cache: list[int] = []
        self.sharing: list[bool] = []  # what each share_cores call said

    def tokenize(self, text: str, *, special: bool = False) -> list[int]:
        data, out, i = text.encode(), [], 0
        while i < len(data):  # greedy longest match
            token = max(
                (t for t in range(1, self.n_vocab) if data.startswith(self._bytes[t], i)),
                key=lambda t: len(self._bytes[t]),
            )
            out.append(token)
            i += len(self._bytes[token])
        return out

    def bos(self) -> list[int]:
        return []

    def piece(self, token: int) -> bytes:
        return self._bytes[token]

    def is_eog(self, token: int) -> bool:
        return token == 0

    def is_control(self, token: int) -> bool:
        return token == 0

    def special_id(self, text: str) -> int | None:
        return None

    def token_text(self, token: int) -> str:
        return self._bytes[token].decode("utf-8", "replace") if token else "<eos>"

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

    def share_cores(self, engine_busy: bool) -> None:
        self.sharing.append(engine_busy)

    def logits(self) -> np.ndarray:
        text = b"".join(self._bytes[t] for t in self._cache).decode("utf-8", "replace")
        out = np.full(self.n_vocab, -20.0, dtype=np.float32)
        for piece, logit in self._script(text).items():
            out[self._ids[piece]] = logit
        return out

    def full_logits(self) -> np.ndarray:
        return self.logits()

    def finish(self) -> None:
        pass
