"""LSP positions ↔ character offsets through pygls' codec (utf-16 / utf-8 / utf-32), clamped."""

from __future__ import annotations

from lsprotocol import types
from pygls.workspace import TextDocument


def cursor_offset(doc: TextDocument, position: types.Position) -> int:
    """Offset of ``position`` in ``doc.source``; lines/columns past the end clamp to the end."""
    lines = doc.source.split("\n")
    if position.line >= len(lines):
        return len(doc.source)
    server = doc.position_codec.position_from_client_units(lines, position)
    line = lines[server.line]
    width = len(line) - 1 if line.endswith("\r") else len(line)
    return sum(len(x) + 1 for x in lines[: server.line]) + min(server.character, width)

