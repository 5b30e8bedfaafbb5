"""LSP positions → character offsets through pygls' codec (utf-16 / utf-8 / utf-32), clamped."""

from __future__ import annotations

from lsprotocol import types
from pygls.workspace import TextDocument

from completion_engine.lines import offset_at


def cursor_offset(doc: TextDocument, position: types.Position) -> int:
    """Offset of ``position`` in ``doc.source``; lines/columns past the end clamp to the end.

    Columns at or past a line's end are clamped here: pygls' codec would put them one character short.
    """
    source = doc.source
    lines = source.split("\n")
    if position.line >= len(lines):
        return len(source)
    line = lines[position.line].removesuffix("\r")
    if position.character >= doc.position_codec.client_num_units(line):
        return offset_at(source, position.line, len(line))
    server = doc.position_codec.position_from_client_units(lines, position)
    return offset_at(source, server.line, server.character)
