"""Offsets ↔ 0-based line/column (both in code points), for every caller that is not the LSP codec.

Lines end at ``\\n``; a ``\\r`` before it belongs to the line end, so a column never lands between
the two. The LSP door converts client units (UTF-16, UTF-8) with pygls' codec first, then uses these.
"""

from __future__ import annotations


def line_start(text: str, offset: int) -> int:
    """Offset of the first character of the line holding ``offset``."""
    return text.rfind("\n", 0, offset) + 1


def line_column(text: str, offset: int) -> tuple[int, int]:
    """0-based line and column of ``offset`` (Jedi wants the line + 1)."""
    return text.count("\n", 0, offset), offset - line_start(text, offset)


def offset_at(text: str, line: int, column: int) -> int:
    """Offset of 0-based ``line``/``column``, clamped: past the last line is the end of the text, past a
    line's end is that line's end (before a ``\\r\\n``). Negative values are an error."""
    if line < 0 or column < 0:
        raise ValueError(f"negative position {line}:{column}")
    start = 0
    for _ in range(line):
        newline = text.find("\n", start)
        if newline < 0:
            return len(text)
        start = newline + 1
    end = text.find("\n", start)
    end = len(text) if end < 0 else end
    if end > start and text[end - 1] == "\r":
        end -= 1
    return min(start + column, end)
