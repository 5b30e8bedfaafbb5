"""Checks of a finished suggestion inserted at the cursor; each returns a reason, or None when fine.

- :func:`syntax_reason`: does ``prefix + suggestion + suffix`` have more tree-sitter ERROR/MISSING
  nodes than the document without it?
- :func:`scope_reason`: does the suggestion dedent out of the cursor's block, or close a bracket it
  did not open?  (lexical, strings and comments skipped)
- :func:`names_reason`: undefined names (pyflakes) inside the suggestion that the document without
  it does not already report.  Costs a full ``compile`` + pyflakes pass: callers skip it on big files.
"""

from __future__ import annotations

import ast
import logging

import pyflakes.checker
import pyflakes.messages

from completion_engine.protocol import Document
from completion_engine.text import clean_text, code_chars
from completion_engine.trees import Parsed, TreeCache, error_nodes, frames_at

log = logging.getLogger(__name__)



def syntax_reason(trees: TreeCache, doc: Document, cursor: int, suggestion: str) -> str | None:
    """A reason if inserting ``suggestion`` at ``cursor`` adds syntax errors, else None."""
    parsed = trees.parsed(doc, cursor)
    before = sum(1 for _ in error_nodes(parsed.tree.root_node))
    inserted = trees.insert(parsed, parsed.byte_offset(cursor), clean_text(suggestion))
    errors = list(error_nodes(inserted.tree.root_node))
    if len(errors) <= before:
        return None
    first = next((e for e in errors if e.end_byte >= inserted.at), errors[0])
    what = f"missing {first.type!r}" if first.is_missing else "a syntax error"
    row, col = first.start_point
    return f"adds {len(errors) - before} syntax error(s): {what} at line {row + 1}, column {col + 1}"


def scope_reason(parsed: Parsed, cursor: int, suggestion: str) -> str | None:
    """A reason if ``suggestion`` leaves the cursor's block or closes a bracket opened before it."""
    text = parsed.text
    head = text[text.rfind("\n", 0, cursor) + 1 : cursor]
    indent = len(head) - len(head.lstrip(" \t"))
    frames = list(frames_at(parsed.tree, parsed.byte_offset(cursor)))
    depth = 0
    for i, ch in code_chars(suggestion, frames, "()[]{}\n"):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            if depth == 0:
                return f"closes {ch!r} that it did not open (offset {i})"
            depth -= 1
        elif depth == 0 and len(frames) == 1:
            line = suggestion[i + 1 :].split("\n", 1)[0]
            body = line.lstrip(" \t")
            if body and not body.startswith("#") and len(line) - len(body) < indent:
                return f"dedents out of the cursor's block (indent {len(line) - len(body)} < {indent})"
    return None


def names_reason(doc: Document, cursor: int, suggestion: str) -> str | None:
    """A reason naming the undefined names the suggestion introduces (None when unknown or none)."""
    text = clean_text(doc.text)
    new_text = text[:cursor] + clean_text(suggestion) + text[cursor:]
    first_line = text.count("\n", 0, cursor) + 1
    last_line = first_line + suggestion.count("\n")
    introduced = _undefined(new_text, doc.uri, (first_line, last_line))
    if not introduced:
        return None
    already = _undefined(text, doc.uri, None) or set()
    new = sorted(introduced - already)
    return f"undefined name(s): {', '.join(new)}" if new else None


def _undefined(text: str, filename: str, lines: tuple[int, int] | None) -> set[str] | None:
    """Names pyflakes reports undefined (within ``lines`` when given); None when the text does not parse."""
    try:
        tree = ast.parse(text, filename=filename)
        checker = pyflakes.checker.Checker(tree, filename=filename)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        log.debug("names check skipped for %s: %s", filename, type(exc).__name__)
        return None
    found: set[str] = set()
    for message in checker.messages:
        if not isinstance(message, pyflakes.messages.UndefinedName):
            continue
        if lines is None or lines[0] <= message.lineno <= lines[1]:
            found.add(str(message.message_args[0]))
    return found
