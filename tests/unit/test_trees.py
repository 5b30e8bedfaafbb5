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


def test_a_new_version_is_parsed_incrementally_to_the_same_tree() -> None:
    cache = TreeCache()
    versions = [
        "def f(x):\n    return x + 1\n",
        "def f(x):\n    return x +\n",  # broken mid-line
        "def f(x):\n    return x + 'unterminated\n\nclass C:\n    pass\n",
        "import os\ndef f(x):\n    return os.path.join(x, 'é')\n",
        "",
        "x = 1\n",
    ]
    for version, text in enumerate(versions, 1):
        incremental = cache.parsed(doc(version, text)).tree.root_node
        fresh = TreeCache().parsed(doc(version, text)).tree.root_node
        assert str(incremental) == str(fresh), text


def test_indented_windows_get_a_block_header_and_end_before_a_dedent() -> None:
    body = "".join(f"    def m{i}(self):\n        return {i}\n\n" for i in range(4000))
    text = "class Big:\n" + body + "\n\ndef after():\n    pass\n"
    cursor = text.index("return 3000")
    start, end = window(text, cursor, 20_000)
    assert text[start:].startswith("    def m") and text[end:].startswith("    def m")  # whole methods only
    parsed = TreeCache(max_parse_chars=20_000).parsed(
        Document(uri="file:///big.py", text=text, cursor=cursor)
    )
    assert parsed.header > 0 and not any(True for _ in error_nodes(parsed.tree.root_node))
