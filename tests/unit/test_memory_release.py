"""Freed heap pages go back to the system: RSS falls once freed blocks between live ones are released."""

from __future__ import annotations

from pathlib import Path

from lsp_server.memory import release_freed_memory


def rss_mb() -> float:
    return int(Path("/proc/self/statm").read_text().split()[1]) * 4096 / 1e6


def test_freed_blocks_between_live_ones_are_returned() -> None:
    blocks, live = [], []
    for _ in range(3000):  # ~180 MB in heap blocks (below mmap's threshold), a live one after each
        blocks.append(bytearray(b"x" * 60_000))
        live.append(bytearray(b"y" * 2000))
    del blocks  # free() alone keeps these pages: live blocks sit between them
    before = rss_mb()
    release_freed_memory()
    after = rss_mb()
    assert before - after > 100, (before, after)
    assert len(live) == 3000
