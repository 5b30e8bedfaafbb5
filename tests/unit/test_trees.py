"""The tree cache alone: one parse per document version, bounded, windowed for huge texts."""

from __future__ import annotations

from completion_engine import Document
from completion_engine.trees import TreeCache, error_nodes, window


def doc(version: int, text: str, uri: str = "file:///a.py") -> Document:
    return Document(uri=uri, version=version, text=text, cursor=len(text))


def test_one_parse_per_version_and_least_recent_out() -> None:
    cache = TreeCache(max_entries=2)
    first = cache.parsed(doc(1, "x = 1\n"))
    assert cache.parsed(doc(1, "x = 1\n")) is first
    cache.parsed(doc(2, "x = 2\n"))
    cache.parsed(doc(3, "x = 3\n"))
    assert cache.parsed(doc(1, "x = 1\n")) is not first  # evicted, parsed again


def test_insert_reparses_with_the_text_inserted() -> None:
    cache = TreeCache()
    parsed = cache.parsed(doc(1, "x = (1, \ny = 2\n"))
    assert any(True for _ in error_nodes(parsed.tree.root_node))
    fixed = cache.insert(parsed, len(b"x = (1, "), "2)")
    assert fixed.source.startswith(b"x = (1, 2)") and not any(True for _ in error_nodes(fixed.tree.root_node))


def test_huge_texts_are_parsed_in_a_window_starting_at_a_top_level_line() -> None:
    text = "".join(f"def f{i}():\n    return {i}\n\n" for i in range(5000))
    start, end = window(text, len(text), 10_000)
    assert end == len(text) and end - start <= 10_000 and text[start:].startswith("def ")
    parsed = TreeCache(max_parse_chars=10_000).parsed(doc(1, text))
    assert parsed.start == start and len(parsed.source) <= 10_000
