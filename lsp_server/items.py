"""The LSP items ghostwise answers with: ghost text, the completion-list fallback, the accept command."""

from __future__ import annotations

from lsprotocol import types

from decoding.completer import Suggestion

ACCEPT_COMMAND = "ghostwise.accept"
SNOOZE_COMMAND = (
    "ghostwise.snooze"  # [minutes]: no automatic suggestions for that long (default: snoozeMinutes)
)
RESUME_COMMAND = "ghostwise.resume"  # end a snooze


def accept_command(suggestion_id: str) -> types.Command:
    """Run by the client when the user accepts: tells the server (dev data) which suggestion it was."""
    return types.Command(title="ghostwise: accepted", command=ACCEPT_COMMAND, arguments=[suggestion_id])


def inline_list(
    suggestion: Suggestion, suggestion_id: str, position: types.Position
) -> types.InlineCompletionList:
    """Ghost text inserted at the cursor."""
    item = types.InlineCompletionItem(
        insert_text=suggestion.text,
        range=types.Range(start=position, end=position),
        command=accept_command(suggestion_id),
    )
    return types.InlineCompletionList(items=[item])


def completion_list(
    suggestion: Suggestion, suggestion_id: str, position: types.Position, line_before: str, *, snippet: bool
) -> types.CompletionList:
    """The fallback: one item, a full-line edit clearly labelled as a ghostwise suggestion.

    A snippet where the client supports them: Neovim 0.10-0.11 insert only the first word of a
    plain-text edit, but a snippet whole (and every client expands a snippet without placeholders as
    its text)."""
    first = suggestion.text.split("\n", 1)[0].strip()
    full = line_before + suggestion.text
    item = types.CompletionItem(
        label=f"✦ {first}" if first else "✦ ghostwise",
        kind=types.CompletionItemKind.Snippet,
        detail="ghostwise suggestion",
        documentation=suggestion.text,
        filter_text=full,
        sort_text="\u0000",
        preselect=True,
        insert_text_format=types.InsertTextFormat.Snippet if snippet else types.InsertTextFormat.PlainText,
        text_edit=types.TextEdit(
            range=types.Range(start=types.Position(line=position.line, character=0), end=position),
            new_text=snippet_text(full) if snippet else full,
        ),
        command=accept_command(suggestion_id),
        data={"id": suggestion_id, "stats": suggestion.stats.to_dict()},
    )
    return types.CompletionList(is_incomplete=True, items=[item])


def snippet_text(text: str) -> str:
    """``text`` as a snippet that expands to itself: ``\\``, ``$`` and ``}`` escaped."""
    return text.replace("\\", "\\\\").replace("$", "\\$").replace("}", "\\}")
