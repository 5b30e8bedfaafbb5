"""A per-model index of token pieces for identifier-level guidance, built once and cached on disk.

For each token: its bytes, its kind (identifier-only, identifier then a break, starting with a
break, or no text: control / EOG / partial UTF-8), its leading identifier run and where its first
break is. Tokens are also grouped by leading identifier run, so the full mask at a site is built
from the few names that can still follow rather than by scanning 262k pieces.
"""

from __future__ import annotations

import bisect
import hashlib
import logging
import pickle
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from decoding.runtime import TokenModel

log = logging.getLogger(__name__)

IDENT = 0  # identifier characters only ("path", "_get")
IDENT_BREAK = 1  # identifier characters, then a break ("join(", "x)")
BREAK = 2  # starts with a break (".", " name", ")\n")
NO_TEXT = 3  # control / end-of-generation / partial UTF-8 / empty

_FORMAT = 3


def is_ident_char(c: str) -> bool:
    return c.isalnum() or c == "_"


def ident_run(text: str) -> int:
    """Length of the leading identifier run of ``text``."""
    n = 0
    for c in text:
        if not is_ident_char(c):
            break
        n += 1
    return n


def piece_kind(text: str) -> tuple[int, int]:
    """(kind, length of the leading identifier run) of a piece of text."""
    if not text:
        return NO_TEXT, 0
    run = ident_run(text)
    return (IDENT if run == len(text) else (IDENT_BREAK if run else BREAK)), run


@dataclass(slots=True)
class VocabIndex:
    """Token facts as arrays indexed by token id, plus tokens grouped by leading identifier run."""

    pieces: list[bytes]
    texts: list[str | None]  # None for partial UTF-8 / no text
    kinds: np.ndarray  # int8, one of IDENT / IDENT_BREAK / BREAK / NO_TEXT
    head_len: np.ndarray  # int32: chars of the leading identifier run (== first break position)
    eog: np.ndarray  # bool: end of generation or control
    digit_start: np.ndarray  # bool: the piece starts with a digit (a number, not an identifier)
    by_head: dict[str, list[int]] = field(default_factory=dict)  # IDENT and IDENT_BREAK tokens by run
    by_piece: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))  # ids, pieces sorted
    build_ms: float = 0.0

    @property
    def n_vocab(self) -> int:
        return len(self.pieces)

    def head(self, token: int) -> str:
        text = self.texts[token]
        return text[: int(self.head_len[token])] if text else ""

    def consistent_with(self, pending: bytes) -> list[int]:
        """The tokens output may continue with while it still has to produce ``pending`` (token healing:
        pieces that start with it, or non-empty ones it starts with), by binary search, not a scan."""
        found: list[int] = []
        for k in range(1, len(pending) + 1):
            head = pending[:k]
            at = bisect.bisect_left(self.by_piece, head, key=self._piece_of)
            last = k == len(pending)
            while at < len(self.by_piece) and (
                (p := self.pieces[int(self.by_piece[at])]) == head or (last and p.startswith(head))
            ):
                found.append(int(self.by_piece[at]))
                at += 1
        return found

    def _piece_of(self, token: np.int32) -> bytes:
        return self.pieces[int(token)]

    def nbytes(self) -> int:
        """Approximate memory held (for the benchmark report)."""
        pieces = sum(len(p) + 33 for p in self.pieces)
        texts = sum(len(t) + 49 for t in self.texts if t is not None)
        groups = sum(len(k) + 49 + 8 * len(v) + 56 for k, v in self.by_head.items())
        arrays = sum(a.nbytes for a in (self.kinds, self.head_len, self.eog, self.digit_start, self.by_piece))
        return pieces + texts + groups + arrays

    @classmethod
    def build(cls, model: TokenModel) -> VocabIndex:
        t0 = time.perf_counter()
        n = model.n_vocab
        pieces: list[bytes] = []
        texts: list[str | None] = []
        kinds = np.full(n, NO_TEXT, dtype=np.int8)
        head_len = np.zeros(n, dtype=np.int32)
        eog = np.zeros(n, dtype=bool)
        digit_start = np.zeros(n, dtype=bool)
        by_head: dict[str, list[int]] = defaultdict(list)
        for token in range(n):
            piece = model.piece(token)
            pieces.append(piece)
            if model.is_eog(token) or model.is_control(token):
                eog[token] = True
                texts.append(None)
                continue
            try:
                text = piece.decode("utf-8")
            except UnicodeDecodeError:
                texts.append(None)
                continue
            texts.append(text or None)
            if not text:
                continue
            digit_start[token] = text[0].isdigit()
            kinds[token], run = piece_kind(text)
            head_len[token] = run
            if run:
                by_head[text[:run]].append(token)
        index = cls(
            pieces=pieces,
            texts=texts,
            kinds=kinds,
            head_len=head_len,
            eog=eog,
            digit_start=digit_start,
            by_head=dict(by_head),
            by_piece=np.array(sorted(range(n), key=pieces.__getitem__), dtype=np.int32),
        )
        index.build_ms = (time.perf_counter() - t0) * 1000
        return index


def load_index(model: TokenModel, identity: str, cache_dir: Path | None) -> VocabIndex:
    """The index of ``model`` from ``cache_dir`` (keyed by ``identity``), building and saving it if needed."""
    if cache_dir is None:
        return VocabIndex.build(model)
    key = hashlib.sha256(f"{_FORMAT}:{identity}:{model.n_vocab}".encode()).hexdigest()[:24]
    path = cache_dir / f"vocab-{key}.pickle"
    try:
        with path.open("rb") as f:
            index = pickle.load(f)
        if isinstance(index, VocabIndex) and index.n_vocab == model.n_vocab:
            return index
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError) as e:
        if path.exists():
            log.info("rebuilding vocabulary index %s: %s", path, e)
    index = VocabIndex.build(model)
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        with tmp.open("wb") as f:
            pickle.dump(index, f, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)
    except OSError as e:
        log.warning("cannot cache the vocabulary index in %s: %s", cache_dir, e)
    return index
