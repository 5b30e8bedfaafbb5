"""Completion items without a model: the snippet form of a suggestion."""

from __future__ import annotations

from lsp_server.items import snippet_text


def test_snippet_text_expands_to_itself() -> None:
    assert snippet_text('f"${x}" \\ y') == 'f"\\${x\\}" \\\\ y'
    assert snippet_text("plain(text)") == "plain(text)"
