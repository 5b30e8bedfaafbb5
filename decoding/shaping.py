"""Suggestion shaping: single- vs multi-line plans, stop rules while streaming, and clean-up."""

from __future__ import annotations

from dataclasses import dataclass

_OPENERS = (":",)


@dataclass(frozen=True, slots=True, kw_only=True)
class ShapePlan:
    """How long a suggestion may grow at this cursor.

    ``block_indent`` is the indentation width of the cursor's block in multi-line mode: a
    generated line indented less than it leaves the block and ends the suggestion.
    """

    multiline: bool
    max_lines: int
    block_indent: int = 0


def plan_shape(prefix: str, suffix: str, max_lines: int) -> ShapePlan:
    """Multi-line only on an empty line after a block opener; single-line otherwise."""
    line_before = prefix[prefix.rfind("\n") + 1 :]
    line_after = suffix.split("\n", 1)[0]
    if line_before.strip() or line_after.strip() or max_lines <= 1:
        return ShapePlan(multiline=False, max_lines=1)
    previous = _last_code_line(prefix[: len(prefix) - len(line_before)])
    if previous is None or not previous.rstrip().endswith(_OPENERS):
        return ShapePlan(multiline=False, max_lines=1)
    opener_indent = _indent(previous)
    return ShapePlan(
        multiline=True, max_lines=max_lines, block_indent=max(len(line_before), opener_indent + 1)
    )


def _last_code_line(text: str) -> str | None:
    for line in reversed(text.split("\n")):
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            return line
    return None


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def cut_at_stop(text: str, plan: ShapePlan, *, over_time: bool) -> tuple[str, str | None]:
    """Apply the line rules to the text generated so far: return (kept text, stop reason or None).

    Stops after the first line in single-line mode, at ``max_lines`` lines, at a line that
    leaves the cursor's block, and at the first line end once the time budget is spent.
    """
    if "\n" not in text:
        return text, None
    lines = text.split("\n")
    complete, partial = lines[:-1], lines[-1]
    if not plan.multiline:
        return complete[0], "line"
    for i, line in enumerate(complete[1:], start=1):
        if line.strip() and _indent(line) < plan.block_indent:
            return "\n".join(complete[:i]), "dedent"
    if len(complete) >= plan.max_lines or over_time:
        return "\n".join(complete[: plan.max_lines]), "time" if over_time else "max_lines"
    if partial.strip() and _indent(partial) < plan.block_indent:
        return "\n".join(complete), "dedent"
    return text, None


def finalize(text: str, suffix: str, plan: ShapePlan) -> str:
    """Trim trailing blank space, a tail that repeats the suffix, and whitespace-only results."""
    text = text.rstrip()
    if not plan.multiline:
        text = _drop_suffix_overlap(text, suffix.split("\n", 1)[0].rstrip())
    else:
        text = _drop_repeated_suffix_lines(text, suffix)
    return text if text.strip() else ""


def _drop_suffix_overlap(text: str, suffix_line: str) -> str:
    """Remove the longest tail of ``text`` that the suffix's first line already starts with.

    Short overlaps starting with an identifier character (``max`` vs ``x)``) are coincidences.
    """
    head = suffix_line.lstrip()
    if not head:
        return text
    for k in range(min(len(text), len(head)), 0, -1):
        if k < 4 and (head[0].isalnum() or head[0] == "_"):
            break
        if text.endswith(head[:k]):
            return text[:-k].rstrip() if k < len(text) else ""
    return text


def _drop_repeated_suffix_lines(text: str, suffix: str) -> str:
    """Cut the suggestion where it starts repeating the first non-blank suffix line."""
    nxt = next((line.strip() for line in suffix.split("\n") if line.strip()), None)
    if nxt is None:
        return text
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if i > 0 and line.strip() == nxt:
            return "\n".join(lines[:i]).rstrip()
    return text
