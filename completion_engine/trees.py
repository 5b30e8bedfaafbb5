"""tree-sitter plumbing: one baseline parse per document version, cheap re-parses with an insertion.

A document is parsed once per version.  The syntax check ("does ``prefix + suggestion + suffix``
add errors?") copies that tree, tells it about the inserted text, and lets tree-sitter re-parse
incrementally (a fraction of a millisecond on normal files); site classification uses the tree
to find the statement around the cursor and re-parses only that.  Huge files are parsed in a window
of top-level statements around the cursor, so every parse is bounded.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass

import tree_sitter
import tree_sitter_python

from completion_engine.protocol import Document
from completion_engine.text import CODE, CodeFrame, Frame, clean_text, string_frame, utf8_len

log = logging.getLogger(__name__)

_LANGUAGE = tree_sitter.Language(tree_sitter_python.language())
_TOP_LEVEL_LINE = re.compile(r"\n(?=(?:async[ \t]+def|def|class|@|import|from)\b)")


@dataclass(frozen=True, slots=True, kw_only=True)
class Parsed:
    """A parse of ``text[start:]`` (up to a window end) of one document version (all of it unless huge)."""

    text: str
    start: int
    source: bytes
    tree: tree_sitter.Tree

    def byte_offset(self, offset: int) -> int:
        """Byte position in ``source`` of document offset ``offset`` (inside the window)."""
        return utf8_len(self.text[self.start : offset])


@dataclass(frozen=True, slots=True, kw_only=True)
class Inserted:
    """A re-parse of a :class:`Parsed` window with ``inserted`` bytes at byte ``at``."""

    source: bytes
    tree: tree_sitter.Tree
    at: int
    inserted: int


def window(text: str, cursor: int, max_chars: int) -> tuple[int, int]:
    """A ``[start, end)`` slice of ``text`` around ``cursor`` of at most ~``max_chars``.

    It starts at a line that looks like a top-level statement (``def``/``class``/``import``/...),
    so the parse starts outside any string; ``(0, len(text))`` for texts that fit.
    """
    if len(text) <= max_chars:
        return 0, len(text)
    before = max_chars * 3 // 4
    lo = max(0, cursor - before)
    top = _TOP_LEVEL_LINE.search(text, lo, cursor)
    newline = text.find("\n", lo, cursor)
    start = top.start() + 1 if top else (newline + 1 if newline >= 0 else lo)
    hi = min(len(text), cursor + max_chars - before)
    nl = text.find("\n", hi)
    return start, len(text) if nl < 0 else nl + 1


class TreeCache:
    """Baseline parses per (uri, version, window), least recently used first out; thread-safe."""

    def __init__(self, *, max_parse_chars: int = 256_000, max_entries: int = 8) -> None:
        self.max_parse_chars = max_parse_chars
        self._max_entries = max_entries
        self._entries: OrderedDict[tuple[str, int, int, int], Parsed] = OrderedDict()
        self._lock = threading.Lock()
        self._local = threading.local()

    def parser(self) -> tree_sitter.Parser:
        """This thread's parser (a ``Parser`` must not be shared between threads)."""
        parser: tree_sitter.Parser | None = getattr(self._local, "parser", None)
        if parser is None:
            parser = self._local.parser = tree_sitter.Parser(_LANGUAGE)
        return parser

    def parsed(self, doc: Document) -> Parsed:
        """The baseline parse covering the cursor (parsed on first use per document version)."""
        start, end = window(doc.text, doc.cursor, self.max_parse_chars)
        key = (doc.uri, doc.version, start, end)
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                return found
        text = clean_text(doc.text)
        source = text[start:end].encode("utf-8")
        parsed = Parsed(text=text, start=start, source=source, tree=self.parser().parse(source))
        if end - start < len(text):
            log.debug("parsed a %d-char window of %s (%d chars)", end - start, doc.uri, len(text))
        with self._lock:
            self._entries[key] = parsed
            while len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)
        return parsed

    def insert(self, parsed: Parsed, at: int, inserted: str) -> Inserted:
        """Re-parse ``parsed`` with ``inserted`` placed at byte ``at`` (incrementally)."""
        data = inserted.encode("utf-8")
        source = parsed.source
        row = source.count(b"\n", 0, at)
        col = at - (source.rfind(b"\n", 0, at) + 1)
        lines = data.count(b"\n")
        end_col = len(data) - (data.rfind(b"\n") + 1) if lines else col + len(data)
        tree = parsed.tree.copy()
        tree.edit(
            start_byte=at,
            old_end_byte=at,
            new_end_byte=at + len(data),
            start_point=(row, col),
            old_end_point=(row, col),
            new_end_point=(row + lines, end_col),
        )
        new_source = source[:at] + data + source[at:]
        return Inserted(
            source=new_source, tree=self.parser().parse(new_source, tree), at=at, inserted=len(data)
        )


def path_to(root: tree_sitter.Node, at: int, max_depth: int = 1000) -> list[tree_sitter.Node]:
    """The nodes from ``root`` down to the smallest one containing byte ``at`` (root first).

    Walks down with a cursor: ``Node.parent`` costs O(depth) per call in tree-sitter, which turns
    upward walks quadratic on deeply nested (e.g. minified) code.  ``max_depth`` bounds the walk.
    """
    cursor = root.walk()
    chain = [root]
    while len(chain) < max_depth and cursor.goto_first_child_for_byte(at) is not None:
        if cursor.node is None or cursor.node.start_byte > at:
            break
        chain.append(cursor.node)
    return chain


def path_before(root: tree_sitter.Node, at: int, max_depth: int = 1000) -> list[tree_sitter.Node]:
    """Like :func:`path_to`, but a node ending exactly at ``at`` counts as holding it: the chain of
    the last node starting before ``at`` at each level (what the text just before ``at`` is in)."""
    cursor = root.walk()
    chain = [root]
    while len(chain) < max_depth:
        if cursor.goto_first_child_for_byte(at) is None and not cursor.goto_last_child():
            break
        node = cursor.node
        if node is not None and node.start_byte >= at:
            if not cursor.goto_previous_sibling():
                break
            node = cursor.node
        if node is None or node.start_byte >= at:
            break
        chain.append(node)
    return chain


def frames_at(tree: tree_sitter.Tree, at: int) -> tuple[Frame, ...]:
    """The string/interpolation frames open at byte ``at`` according to ``tree`` (outermost first)."""
    frames: list[Frame] = list(CODE)
    for node in path_to(tree.root_node, at):
        if node.start_byte < at < node.end_byte:
            if node.type == "string" and node.child_count and node.children[0].type == "string_start":
                frames.append(string_frame(_text(node.children[0])))
            elif node.type == "interpolation":
                frames.append(CodeFrame(interpolation=True))
    return tuple(frames)


def scan_start(tree: tree_sitter.Tree, at: int, max_bytes: int) -> int:
    """Where a lexer pass ending at byte ``at`` should start so that tree-sitter's view of strings
    can be double-checked: the smallest node around ``at`` holding a syntax error (at most
    ``max_bytes`` back), else ``at`` itself (the tree is trusted where it parsed cleanly)."""
    for node in reversed(path_to(tree.root_node, at)[1:]):
        if node.has_error and node.start_byte < at:
            return node.start_byte if at - node.start_byte <= max_bytes else at
    return at


def _text(node: tree_sitter.Node) -> str:
    raw = node.text
    return raw.decode("utf-8", "replace") if raw is not None else ""


def leaves(node: tree_sitter.Node, lo: int, hi: int) -> Iterator[tree_sitter.Node]:
    """Tokens of ``node`` inside ``[lo, hi)`` in order, comments skipped.

    A string literal that ends before ``hi`` is one token; one around ``hi`` is entered (f-strings).
    """
    stack = [node]
    while stack:
        current = stack.pop()
        if current.end_byte <= lo or current.start_byte >= hi:
            continue
        kind = current.type
        if kind == "comment":
            continue
        if current.child_count == 0 or (kind == "string" and current.end_byte <= hi):
            yield current
        else:
            stack.extend(reversed(current.children))


def error_nodes(node: tree_sitter.Node) -> Iterator[tree_sitter.Node]:
    """ERROR and MISSING nodes below ``node`` (only subtrees flagged ``has_error`` are visited)."""
    stack = [node]
    while stack:
        current = stack.pop()
        if current.is_error or current.is_missing:
            yield current
            if current.is_missing:
                continue
        stack.extend(c for c in reversed(current.children) if c.has_error or c.is_missing)
