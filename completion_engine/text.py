"""Pure text helpers: sanitising, identifier tails, and a small Python lexer for string/comment state.

The lexer answers one question cheaply — "is the end of this text code, or inside a string or a
comment?" — including f-strings, whose ``{}`` parts are code again.  It scans from a line start
whose state the caller supplies (usually taken from the document's syntax tree), because only
triple-quoted strings span lines.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_IDENT_TAIL = re.compile(r"[^\W\d]\w*\Z|\w+\Z")
_NUMBER_DOT = re.compile(r"(?:^|[^\w.])\d\w*\.\Z")
_CODE_SPECIAL = re.compile(r"[#'\"{}\\\n]")
_STRING_PREFIX = re.compile(r"([A-Za-z]{0,2})\Z")
_IDENTIFIER = re.compile(r"[^\W\d]\w*")


def clean_text(text: str) -> str:
    """``text`` with lone surrogates replaced by ``?`` (same length, so offsets stay valid)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace").decode("utf-8")
    return text


def identifier_tail(text: str) -> str:
    """The identifier characters at the very end of ``text`` ('' if none)."""
    m = _IDENT_TAIL.search(text[-256:])
    return m.group(0) if m else ""


def ends_in_number_dot(text: str) -> bool:
    """``text`` ends with a number literal followed by ``.`` (``1.`` is a float, not a member access)."""
    return _NUMBER_DOT.search(text[-64:]) is not None


def identifiers(text: str) -> set[str]:
    """Every identifier-looking word in ``text`` (strings and comments included; a superset is fine)."""
    return set(_IDENTIFIER.findall(text))


def utf8_len(text: str) -> int:
    """Length of ``text`` in UTF-8 bytes (tree-sitter offsets are bytes)."""
    return len(text) if text.isascii() else len(text.encode("utf-8"))


@dataclass(frozen=True, slots=True, kw_only=True)
class StringFrame:
    """An open string literal: its quote (``'``, ``\"``, ``'''`` or ``\"\"\"``) and prefix flags."""

    quote: str
    is_f: bool
    is_raw: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class CodeFrame:
    """Code; inside an f-string interpolation when ``interpolation`` is set (``braces``: open ``{``)."""

    interpolation: bool = False
    braces: int = 0


Frame = StringFrame | CodeFrame
CODE: tuple[Frame, ...] = (CodeFrame(),)


def string_frame(opening: str) -> StringFrame:
    """The frame opened by a string-start token such as ``rb'`` or ``f\"\"\"``."""
    quote_at = min(i for i in (opening.find("'"), opening.find('"')) if i >= 0)
    prefix = opening[:quote_at].lower()
    rest = opening[quote_at:]
    quote = rest[:3] if rest[:3] in ("'''", '"""') else rest[:1]
    return StringFrame(quote=quote, is_f="f" in prefix or "t" in prefix, is_raw="r" in prefix)


def scan(text: str, stack: tuple[Frame, ...] = CODE) -> tuple[Frame, ...] | None:
    """The frame stack at the end of ``text`` scanned from ``stack``; None when it ends in a comment.

    Single-quoted strings are closed by a newline (as Python's tokenizer reports an error there).
    """
    frames = list(stack)
    for _ in code_chars(text, frames, ""):
        pass
    return tuple(frames) if frames else None


def code_chars(text: str, frames: list[Frame], wanted: str) -> Iterator[tuple[int, str]]:
    """Yield ``(index, char)`` for each char of ``wanted`` that is code, updating ``frames`` in place.

    ``frames`` is emptied when ``text`` ends inside a comment.
    """
    i, n = 0, len(text)
    special = _CODE_SPECIAL if not wanted else re.compile("[" + re.escape(wanted) + "#'\"{}\\\n]")
    while i < n:
        top = frames[-1]
        if not isinstance(top, CodeFrame):
            i = _scan_string(text, i, frames, top)
            continue
        m = special.search(text, i)
        if m is None:
            return
        ch, i = m.group(0), m.end()
        closes_interpolation = ch == "}" and top.interpolation and top.braces == 0
        if ch in wanted and not closes_interpolation:
            yield m.start(), ch
        if ch == "#":
            nl = text.find("\n", i)
            if nl < 0:
                frames.clear()
                return
            i = nl
        elif ch in "'\"":
            prefix = _STRING_PREFIX.search(text, 0, m.start())
            opening = (prefix.group(1) if prefix else "") + ch
            if text.startswith(ch * 3, m.start()):
                opening, i = opening[:-1] + ch * 3, m.start() + 3
            frames.append(string_frame(opening))
        elif ch == "{" and top.interpolation:
            frames[-1] = CodeFrame(interpolation=True, braces=top.braces + 1)
        elif closes_interpolation:
            frames.pop()
        elif ch == "}" and top.interpolation:
            frames[-1] = CodeFrame(interpolation=True, braces=top.braces - 1)
        elif ch == "\\":
            i += 1


def _scan_string(text: str, i: int, frames: list[Frame], top: StringFrame) -> int:
    """Advance inside string ``top`` from ``i``; pops or pushes frames; returns the new index."""
    specials = "\\\n" + top.quote[0] + ("{" if top.is_f else "")
    n = len(text)
    while i < n:
        ch = text[i]
        if ch not in specials:
            i += 1
            continue
        if ch == "\\":
            i += 2
        elif ch == "\n":
            i += 1
            if len(top.quote) == 1:
                frames.pop()
                return i
        elif ch == "{":
            if text.startswith("{{", i):
                i += 2
            else:
                frames.append(CodeFrame(interpolation=True))
                return i + 1
        elif text.startswith(top.quote, i):
            frames.pop()
            return i + len(top.quote)
        else:
            i += 1
    return i


def in_code(stack: tuple[Frame, ...] | None) -> bool:
    """The scanned text ends in code (not in a string literal part or a comment)."""
    return stack is not None and isinstance(stack[-1], CodeFrame)
