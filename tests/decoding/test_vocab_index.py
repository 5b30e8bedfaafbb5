"""The vocabulary index of the real default model: its lookups agree with a scan of every piece."""

from __future__ import annotations

from decoding.healing import consistent
from decoding.vocab_index import VocabIndex


def test_tokens_consistent_with_healed_bytes_are_found_without_a_scan(runtime) -> None:
    index = VocabIndex.build(runtime)
    assert sorted(index.by_piece.tolist()) == list(range(index.n_vocab))
    for pending in (b"se", b" sel", b"x", b"\n    ", b"\xe2\x82", b"\xe2\x82\xac", b"self.", b"zzqv"):
        scanned = [t for t, piece in enumerate(index.pieces) if consistent(piece, pending)]
        assert scanned, pending  # byte-fallback pieces make every pending byte string reachable
        assert sorted(index.consistent_with(pending)) == scanned, pending
