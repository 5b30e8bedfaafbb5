"""Checks of a finished suggestion inserted at the cursor; each returns a :class:`Finding` (why, and the
offset in the suggestion it blames), or None when fine.

- :func:`syntax_reason`: does ``prefix + suggestion + suffix`` have more tree-sitter ERROR/MISSING
  nodes than the document without it?
- :func:`scope_reason`: does the suggestion dedent out of the cursor's block, or close a bracket that
  is not open at the cursor or that the rest of the line closes?  (lexical, strings and comments skipped)
- :func:`names_reason`: undefined names (pyflakes) inside the suggestion that the rest of the
  document does not already have.  Costs a full ``compile`` + pyflakes pass: callers skip it on
  big files.

:func:`undefined_names` is the same pyflakes pass over a whole module (the benchmarks' metric).
"""

from __future__ import annotations

import ast
import logging
import re
import warnings
from dataclasses import dataclass

import pyflakes.checker
import pyflakes.messages
from tree_sitter import Node

from completion_engine.lines import line_start
from completion_engine.protocol import Document
from completion_engine.text import CODE, clean_text, code_chars
from completion_engine.trees import (
    Frame,
    Parsed,
    TreeCache,
    error_nodes,
    frames_at,
    frames_before,
    path_before,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Finding:
    """What is wrong with a suggestion, and the offset in it before which nothing is blamed."""

    reason: str
    at: int


def syntax_reason(trees: TreeCache, doc: Document, suggestion: str) -> Finding | None:
    """A finding if inserting ``suggestion`` at the cursor adds syntax errors, else None.

    An ERROR/MISSING node of the new tree is *added* unless the baseline has one with the same
    kind and span once shifted past the insertion: errors elsewhere in the file are not blamed,
    while a half-typed line that the suggestion leaves broken in a new way is. A suggestion that only
    leaves brackets open (``cross_validate(``, the author goes on typing the arguments) is fine when
    closing them would leave no error; at a line end, so is one that leaves a bracket opened before
    the cursor open (``{"k": path.`` + ``join(a, b)``). The blame is the first bracket left open, else
    the first added node's start when it lies inside the suggestion, else its end (the error
    swallowed the statement: where it broke is not known).
    """
    parsed = trees.parsed(doc)
    suggestion = clean_text(suggestion)
    added, at = _added_errors(trees, parsed, doc.cursor, suggestion)
    if not added:
        return None
    frames = list(frames_before(parsed, doc.cursor) or CODE)
    opened, closed = _open_brackets_of(suggestion, frames)
    own = "".join(_CLOSER[ch] for _, ch in reversed(opened))
    for closers in _closings(own, _enclosing(parsed, doc.cursor, closed)):
        if not _added_errors(trees, parsed, doc.cursor, suggestion + closers)[0]:
            return None
    first = added[0]
    what = f"missing {first.type!r}" if first.is_missing else "a syntax error"
    row, col = first.start_point
    data = suggestion.encode("utf-8")
    inside = len(data[: first.start_byte - at].decode("utf-8", "ignore")) if first.start_byte > at else None
    blame = min(x for x in (opened[0][0] if opened else None, inside, len(suggestion)) if x is not None)
    return Finding(f"adds {len(added)} syntax error(s): {what} at line {row + 1}, column {col + 1}", blame)


_CLOSER = {"(": ")", "[": "]", "{": "}"}


def _added_errors(trees: TreeCache, parsed: Parsed, cursor: int, text: str) -> tuple[list[Node], int]:
    """The ERROR/MISSING nodes that inserting ``text`` at ``cursor`` adds, and the insertion's byte."""
    inserted = trees.insert(parsed, parsed.byte_offset(cursor), text)
    at, size = inserted.at, inserted.inserted

    def shifted(byte: int) -> int:
        return byte + size if byte >= at else byte

    baseline = {
        (e.is_missing, shifted(e.start_byte), shifted(e.end_byte)) for e in error_nodes(parsed.tree.root_node)
    }
    added = [
        e
        for e in error_nodes(inserted.tree.root_node)
        if (e.is_missing, e.start_byte, e.end_byte) not in baseline
    ]
    return added, at


def _open_brackets_of(suggestion: str, frames: list[Frame]) -> tuple[list[tuple[int, str]], int]:
    """``(offset, bracket)`` of the brackets the suggestion opens and leaves open, and how many brackets
    open before it it closes (strings and comments skipped)."""
    opened: list[tuple[int, str]] = []
    closed = 0
    for i, ch in code_chars(suggestion, frames, "()[]{}"):
        if ch in "([{":
            opened.append((i, ch))
        elif opened:
            opened.pop()
        else:
            closed += 1
    return opened, closed


def _enclosing(parsed: Parsed, cursor: int, closed: int) -> str:
    """The closers of the brackets open at a cursor that ends its line, innermost first, less the
    ``closed`` innermost ones the suggestion closes ('' when the line goes on after the cursor)."""
    text = parsed.text
    end = text.find("\n", cursor)
    if text[cursor : end if end >= 0 else len(text)].strip():
        return ""
    stack = _open_brackets(parsed, cursor)
    return "".join(_CLOSER[ch] for ch in reversed(stack[: max(0, len(stack) - closed)]))


def _closings(own: str, enclosing: str) -> list[str]:
    """What may follow a suggestion that leaves brackets open: its own closers, then also the brackets
    open before it, innermost first (the author closes ``{"k": path.join(...)`` on the same line while
    an outer call goes on below)."""
    return [c for k in range(len(enclosing) + 1) if (c := own + enclosing[:k])]


def scope_reason(parsed: Parsed, cursor: int, suggestion: str) -> Finding | None:
    """A finding if ``suggestion`` leaves the cursor's block or closes a bracket it may not close.

    It may close brackets open at the cursor that the rest of the line does not close itself
    (``len(self.`` + ``items)``); one more, or one the suffix closes (``f(|)`` + ``x)``), is a reason.
    """
    text = parsed.text
    head = text[line_start(text, cursor) : cursor]
    indent = len(head) - len(head.lstrip(" \t"))
    frames = list(frames_before(parsed, cursor) or CODE)
    closable = max(0, len(_open_brackets(parsed, cursor)) - _suffix_closes(text, cursor, list(frames)))
    depth = 0
    for i, ch in code_chars(suggestion, frames, "()[]{}\n"):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            if depth == 0:
                if closable == 0:
                    return Finding(f"closes {ch!r} that is not open at the cursor or that the line closes", i)
                closable -= 1
            else:
                depth -= 1
        elif depth == 0 and len(frames) == 1:
            line = suggestion[i + 1 :].split("\n", 1)[0]
            body = line.lstrip(" \t")
            if body and not body.startswith("#") and len(line) - len(body) < indent:
                return Finding(
                    f"dedents out of the cursor's block (indent {len(line) - len(body)} < {indent})", i
                )
    return None


_STATEMENT_LOOKBACK = 4000  # characters scanned back from the cursor for open brackets


def _open_brackets(parsed: Parsed, cursor: int) -> list[str]:
    """Brackets open at ``cursor``, outermost first (scanned from a line start at most a few thousand
    characters back)."""
    text = parsed.text
    start = max(
        parsed.start, text.rfind("\n", parsed.start, max(parsed.start, cursor - _STATEMENT_LOOKBACK)) + 1
    )
    frames = list(frames_at(parsed.tree, parsed.byte_offset(start)))
    stack: list[str] = []
    for _, ch in code_chars(text[start:cursor], frames, "()[]{}"):
        if ch in "([{":
            stack.append(ch)
        elif stack:
            stack.pop()
    return stack


def _suffix_closes(text: str, cursor: int, frames: list[Frame]) -> int:
    """Closing brackets on the rest of the cursor's line that match brackets opened before it."""
    end = text.find("\n", cursor)
    depth = closes = 0
    for _, ch in code_chars(text[cursor : end if end >= 0 else len(text)], frames, "()[]{}"):
        if ch in "([{":
            depth += 1
        elif depth:
            depth -= 1
        else:
            closes += 1
    return closes


def names_reason(trees: TreeCache, doc: Document, suggestion: str, max_chars: int = 40_000) -> Finding | None:
    """A reason naming the names the suggestion uses that are defined nowhere.

    One pyflakes pass over the innermost function around the cursor (else the top-level statement),
    dedented, with the suggestion in it: names undefined on the suggestion's lines, minus names also
    undefined on its other lines (already a problem of the document) and minus every word of the
    document (bound in an enclosing scope, or later in the file). None when that text does not compile
    (the syntax check reports that), or when the function is over ``max_chars`` long.
    """
    scope = _enclosing_scope(trees.parsed(doc), doc.cursor, clean_text(suggestion))
    if scope is None or len(scope[0]) > max_chars:
        return None
    source, first_line = scope
    found = _undefined(source, doc.uri)
    if found is None:
        return None
    last_line = first_line + suggestion.count("\n")
    inside = {name for name, line in found if first_line <= line <= last_line}
    outside = {name for name, line in found if not first_line <= line <= last_line}
    new = sorted(inside - outside - trees.words(doc))
    if not new:
        return None
    first = min(m.start() for name in new if (m := re.search(rf"(?<![\w.]){name}\b", suggestion)))
    return Finding(f"undefined name(s): {', '.join(new)}", first)


def _enclosing_scope(parsed: Parsed, cursor: int, suggestion: str) -> tuple[str, int] | None:
    """The innermost function holding the cursor (else the top-level statement) with ``suggestion``
    inserted, dedented to column 0, and the 1-based line of the cursor in it."""
    at = parsed.byte_offset(cursor)
    chain = path_before(parsed.tree.root_node, at)
    functions = [n for n in chain if n.type == "function_definition"]
    node = functions[-1] if functions else (chain[1] if len(chain) > 1 else None)
    if node is None:
        return None
    if node.parent is not None and node.parent.type == "decorated_definition":
        node = node.parent
    source = parsed.source
    begin = source.rfind(b"\n", 0, node.start_byte) + 1
    indent = node.start_byte - begin
    end = max(node.end_byte, at)
    data = source[begin:at] + suggestion.encode("utf-8") + source[at:end]
    lines = data.decode("utf-8", "replace").split("\n")
    margin = lines[0][:indent]
    if margin.strip():
        return None
    text = "\n".join(line[indent:] if line.startswith(margin) else line for line in lines)
    return text, source.count(b"\n", begin, at) + 1


def undefined_names(source: str) -> frozenset[str] | None:
    """Names pyflakes reports as undefined in the module ``source`` (None when it does not parse)."""
    found = _undefined(source, "<module>")
    return None if found is None else frozenset(name for name, _ in found)


def _undefined(source: str, filename: str) -> list[tuple[str, int]] | None:
    """``(name, line)`` of every undefined name pyflakes reports; None when ``source`` does not parse."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(source, filename=filename)
        messages = pyflakes.checker.Checker(tree, filename=filename).messages
    except (SyntaxError, ValueError, UnicodeError, RecursionError, MemoryError) as exc:
        log.debug("names check skipped for %s: %s", filename, type(exc).__name__)
        return None
    return [
        (str(m.message_args[0]), m.lineno) for m in messages if isinstance(m, pyflakes.messages.UndefinedName)
    ]
