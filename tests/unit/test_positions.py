"""Offsets ↔ line/column: the shared helpers and the LSP door's codec-aware ``cursor_offset``."""

from __future__ import annotations

import pytest
from lsprotocol import types
from pygls.workspace import TextDocument
from pygls.workspace.position_codec import PositionCodec

from completion_engine.lines import line_column, line_start, offset_at
from lsp_server.positions import cursor_offset


def test_offset_at_and_line_column_round_trip() -> None:
    text = "ab\ncdé.x\n\nlast"
    for offset in range(len(text) + 1):
        line, column = line_column(text, offset)
        assert offset_at(text, line, column) == offset
    assert line_column(text, 7) == (1, 4) and line_start(text, 7) == 3


def test_offset_at_clamps_and_keeps_crlf_whole() -> None:
    text = "one\r\ntwo\r\n"
    assert offset_at(text, 0, 99) == 3  # before the \r\n, never between \r and \n
    assert offset_at(text, 1, 1) == 6
    assert offset_at(text, 7, 0) == len(text)
    with pytest.raises(ValueError):
        offset_at(text, -1, 0)


@pytest.mark.parametrize(
    ("encoding", "character", "offset"),
    [
        (types.PositionEncodingKind.Utf16, 7, 6),  # 😀 is two UTF-16 units, one code point
        (types.PositionEncodingKind.Utf8, 9, 6),  # and four UTF-8 bytes
        (types.PositionEncodingKind.Utf32, 6, 6),
    ],
)
def test_cursor_offset_converts_client_units(
    encoding: types.PositionEncodingKind, character: int, offset: int
) -> None:
    doc = TextDocument("file:///a.py", "x = '😀a'\n", position_codec=PositionCodec(encoding))
    assert cursor_offset(doc, types.Position(line=0, character=character)) == offset


def test_cursor_offset_clamps_past_line_and_document_ends() -> None:
    doc = TextDocument("file:///a.py", "ab\r\ncd")
    assert cursor_offset(doc, types.Position(line=0, character=50)) == 2
    assert cursor_offset(doc, types.Position(line=1, character=2)) == 6  # the end of the last line
    assert cursor_offset(doc, types.Position(line=1, character=50)) == 6
    assert cursor_offset(doc, types.Position(line=9, character=0)) == 6
