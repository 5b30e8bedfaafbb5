"""Site classification: what kind of identifier may come at the end of ``prefix + generated``?

Three steps, each robust to the half-typed, broken code that is normal while typing:

1. a lexer pass over the cursor's line (plus the generated text), started from the string state
   the document's tree reports at the line start, rules out strings, comments and numbers;
2. a dummy identifier is inserted at the end (IntelliJ's trick), so ``os.path.`` parses as an
   attribute access; only the statement around the cursor (found in the document's tree, so it
   starts outside strings) is re-parsed, with the generated text, up to the end of the line;
3. the tokens of the current logical statement, read from that tree, decide the kind, or that
   the position binds a new name (``def``/``class``/``as``/``for`` targets, parameters, statement
   starts, attribute writes, ...), in which case there is no site.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

import tree_sitter

from completion_engine.lines import line_start
from completion_engine.lru import BoundedLRU
from completion_engine.protocol import Document, Site, SiteKind
from completion_engine.text import (
    clean_text,
    ends_in_number_dot,
    identifier_tail,
    identifiers,
    in_code,
    utf8_len,
)
from completion_engine.trees import (
    MAX_LINE_SCAN_CHARS,
    TreeCache,
    frames_before,
    leaves,
    path_before,
    path_to,
)

log = logging.getLogger(__name__)

PLACEHOLDER = "__ghostwise_site__"
MAX_STATEMENT_LINES = 40
MAX_STATEMENT_BYTES = 4096
_OPEN = frozenset("([{")
_CLOSE = frozenset(")]}")
_COMPOUND = frozenset(
    {
        "if",
        "elif",
        "else",
        "while",
        "for",
        "try",
        "except",
        "finally",
        "with",
        "def",
        "class",
        "match",
        "case",
    }
)
_CALLEE_END = frozenset({"identifier", ")", "]", "string"})
_ASSIGN_LEFT_PARENTS = frozenset({"assignment", "augmented_assignment"})
_WRITE_TARGETS = frozenset({"self", "cls"})
_LOADS = frozenset({"return", "yield", "del", "assert", "raise", "await", "if", "elif", "while", "with"})


@dataclass(frozen=True, slots=True)
class Tok:
    """A token of the current statement: tree-sitter type (the keyword itself for keywords) and text."""

    type: str
    text: str


@dataclass(frozen=True, slots=True)
class Bracket:
    """An open bracket of the statement: its character, token index, and whether a comma followed."""

    char: str
    index: int
    comma: bool = False


class SiteClassifier:
    """Classifies positions of document versions kept in a shared :class:`TreeCache`."""

    def __init__(self, trees: TreeCache) -> None:
        self._trees = trees
        self._hashes: BoundedLRU[tuple[str, int, int, bool], tuple[int, int]] = BoundedLRU(max_entries=256)

    def forget(self, uri: str) -> None:
        self._hashes.forget(uri)

    def documents(self) -> set[object]:
        return self._hashes.documents()

    def _fingerprint(self, doc: Document, text: str, at: int, head: bool) -> tuple[int, int]:
        """(length, hash) of ``text[:at]`` (``head``) or ``text[at:]``, memoized per document version."""
        key = (doc.uri, doc.version, at, head)
        found = self._hashes.get(key)
        if found is None:
            part = text[:at] if head else text[at:]
            found = (len(part), hash(part))
            self._hashes.put(key, found)
        return found

    def classify(self, doc: Document, generated: str = "") -> Site | None:
        """The site at the end of ``generated`` inserted at the cursor; None: not an identifier site."""
        parsed = self._trees.parsed(doc)
        cursor, text, generated = doc.cursor, parsed.text, clean_text(generated)
        if not in_code(frames_before(parsed, cursor, generated)):
            return None
        begin = max(line_start(text, cursor), parsed.start, cursor - MAX_LINE_SCAN_CHARS)
        line = text[begin:cursor] + generated
        typed = identifier_tail(line)
        if typed[:1].isdigit() or ends_in_number_dot(line[: len(line) - len(typed)]):
            return None
        at = parsed.byte_offset(cursor)
        head = _statement_start(parsed.tree.root_node, at)
        if head is None:  # no clean statement around the cursor: re-parse the window incrementally
            inserted = self._trees.insert(parsed, at, generated + PLACEHOLDER)
            source, tree, head = inserted.source, inserted.tree, 0
        else:  # re-parse only that statement, with the generated text, to the end of the line
            line_end = parsed.source.find(b"\n", at)
            rest = parsed.source[at : line_end if line_end >= 0 else len(parsed.source)]
            source = parsed.source[head:at] + (generated + PLACEHOLDER).encode("utf-8") + rest
            tree = self._trees.parser().parse(source)
        end_b = at - head + utf8_len(generated)
        start_b = end_b - utf8_len(typed)
        chain = path_to(tree.root_node, end_b)
        container, lo = _container(chain, source, start_b)
        toks = _statement(leaves(container, lo, start_b))
        kind = _kind(toks)
        if kind is None or (kind == "member" and _is_attribute_write(chain)):
            return None
        start = cursor + len(generated) - len(typed)
        before_site = generated[: max(0, len(generated) - len(typed))]
        local: frozenset[str] = frozenset()
        if kind in ("name", "keyword_arg"):
            local = frozenset(identifiers(before_site) | {t.text for t in toks if t.type == "identifier"})
        return Site(
            kind=kind,
            cursor=cursor,
            generated=generated,
            start=start,
            typed=typed,
            key=(
                doc.uri,
                kind,
                self._fingerprint(doc, text, min(start, cursor), True),
                self._fingerprint(doc, text, cursor, False),
                before_site,
            ),
            binds_later=kind in ("name", "keyword_arg") and _binds_later(toks),
            local_names=local,
        )


def _statement_start(root: tree_sitter.Node, at: int) -> int | None:
    """Start byte of the clean statement holding the text just before ``at``, if there is one.

    Clean: a child of a ``block``/``module`` that is not an ERROR and starts at most
    ``MAX_STATEMENT_BYTES`` back; such a statement starts outside any string.
    """
    chain = path_before(root, at)
    blocks = [i for i, n in enumerate(chain) if n.type in ("block", "module")]
    if not blocks or blocks[-1] + 1 == len(chain):
        return None
    statement = chain[blocks[-1] + 1]
    if statement.is_error or statement.is_extra or at - statement.start_byte > MAX_STATEMENT_BYTES:
        return None  # an ERROR, a comment or line continuation, or a huge statement
    return statement.start_byte


def _container(chain: list[tree_sitter.Node], source: bytes, start_b: int) -> tuple[tree_sitter.Node, int]:
    """The statement-level node of ``chain`` (root first) and the byte to read its tokens from.

    That is the innermost f-string interpolation, else the child of the innermost block/module (the
    block itself when the site is its direct child); reading starts at most ``MAX_STATEMENT_LINES``
    lines and ``MAX_STATEMENT_BYTES`` back, and ``_statement`` keeps the last statement read.
    """
    blocks = [i for i, n in enumerate(chain) if n.type in ("block", "module")]
    outer = blocks[-1] if blocks else 0  # a root that failed to parse is an ERROR: read from it
    inner = chain[outer + 1 :]
    interpolations = [n for n in inner if n.type == "interpolation"]
    if interpolations:
        return interpolations[-1], interpolations[-1].start_byte
    container = inner[0] if blocks and len(inner) > 1 else chain[outer]
    lo = start_b
    for _ in range(MAX_STATEMENT_LINES):
        lo = source.rfind(b"\n", 0, max(lo - 1, 0))
        if lo < 0:
            break
    return container, max(container.start_byte, lo + 1, start_b - MAX_STATEMENT_BYTES)


def _statement(tokens: Iterable[tree_sitter.Node]) -> list[Tok]:
    """The tokens of the last logical statement in ``tokens`` (split at newlines, ``;`` and headers)."""
    stmt: list[Tok] = []
    depth = lambdas = 0
    last_row = -1
    continued = False
    for leaf in tokens:
        kind = leaf.type
        if kind == "line_continuation":
            continued = True
            continue
        if leaf.start_point.row != last_row and depth == 0 and not continued:
            stmt, lambdas = [], 0
        continued = False
        last_row = leaf.end_point.row
        raw = leaf.text if kind == "identifier" else None
        tok = Tok(kind, raw.decode("utf-8", "replace") if raw is not None else kind)
        if kind in _OPEN:
            depth += 1
        elif kind in _CLOSE:
            depth = max(0, depth - 1)
        elif depth == 0 and kind == ";":
            stmt, lambdas = [], 0
            continue
        elif depth == 0 and kind == "lambda":
            lambdas += 1
        elif depth == 0 and kind == ":":
            if lambdas:
                lambdas -= 1
            elif stmt and _head(stmt) in _COMPOUND:
                stmt = []
                continue
        stmt.append(tok)
    return stmt


def _head(stmt: list[Tok]) -> str:
    """The statement's leading keyword (``async`` skipped), or its first token's text."""
    first = stmt[1] if stmt[0].text == "async" and len(stmt) > 1 else stmt[0]
    return first.text


def _brackets(toks: list[Tok]) -> list[Bracket]:
    """The brackets still open at the end of ``toks``, outermost first."""
    stack: list[Bracket] = []
    for i, tok in enumerate(toks):
        if tok.type in _OPEN:
            stack.append(Bracket(tok.type, i))
        elif tok.type in _CLOSE and stack:
            stack.pop()
        elif tok.type == "," and stack:
            stack[-1] = Bracket(stack[-1].char, stack[-1].index, True)
    return stack


def _level(toks: list[Tok]) -> list[Tok]:
    """The tokens at the innermost open bracket level (after its bracket), nested groups removed."""
    open_brackets = _brackets(toks)
    begin = open_brackets[-1].index + 1 if open_brackets else 0
    out: list[Tok] = []
    depth = 0
    for tok in toks[begin:]:
        if tok.type in _OPEN:
            depth += 1
        elif tok.type in _CLOSE:
            depth -= 1
        elif depth == 0:
            out.append(tok)
    return out


def _kind(toks: list[Tok]) -> SiteKind | None:
    """The site kind after the statement tokens ``toks``; None for binding or unknown positions."""
    if not toks:
        return None  # statement start: may be an assignment target
    head, prev = _head(toks), toks[-1].type
    if head in ("import", "from"):
        return _import_kind(toks, head)
    if head in ("global", "nonlocal") or prev in ("def", "class", "as", "lambda"):
        return None
    if head == "case" and not any(t.type == "=" for t in toks):
        return None  # patterns bind names
    level = _level(toks)
    if _lambda_params(level) or _for_target(level):
        return None
    if prev == ".":
        if len(toks) == 2 and toks[0].text in _WRITE_TARGETS:
            return None  # `self.` at a statement start: often defines a new attribute
        return "member"
    open_brackets = _brackets(toks)
    inner = open_brackets[-1] if open_brackets else None
    if inner is not None and inner.char == "(" and _is_definition_paren(toks, inner):
        is_parameter = prev in ("(", ",", "*", "**") and toks[inner.index - 2].type == "def"
        return None if is_parameter else "name"
    if inner is None and prev == "," and not any(t.type in ("=", "in") for t in toks) and head not in _LOADS:
        return None  # `a, b` at statement level may be a tuple target
    return "keyword_arg" if inner is not None and _is_call(toks, inner) and prev in ("(", ",") else "name"


def _is_call(toks: list[Tok], bracket: Bracket) -> bool:
    """``bracket`` opens the argument list of a call (or a subscript, for ``[``)."""
    return bracket.index > 0 and toks[bracket.index - 1].type in _CALLEE_END


def _import_kind(toks: list[Tok], head: str) -> SiteKind | None:
    prev = toks[-1].type
    if head == "import":
        return "import_module" if prev in ("import", ",", ".") else None
    if any(t.type == "import" for t in toks):
        return "import_name" if prev in ("import", "(", ",") else None
    return "import_module" if prev in ("from", ".", "...", "ellipsis") else None


def _lambda_params(level: list[Tok]) -> bool:
    """A ``lambda`` at this bracket level has not reached its ``:`` yet."""
    open_lambdas = 0
    for tok in level:
        if tok.type == "lambda":
            open_lambdas += 1
        elif tok.type == ":" and open_lambdas:
            open_lambdas -= 1
    return open_lambdas > 0


def _for_target(level: list[Tok]) -> bool:
    """Between ``for`` and ``in`` at this bracket level (a ``for`` statement or a comprehension)."""
    seen_for = False
    for tok in level:
        if tok.type == "for":
            seen_for = True
        elif tok.type == "in":
            seen_for = False
    return seen_for


def _is_definition_paren(toks: list[Tok], bracket: Bracket) -> bool:
    """``bracket`` is the parameter list of a ``def`` or the bases of a ``class``."""
    i = bracket.index
    return i >= 2 and toks[i - 1].type == "identifier" and toks[i - 2].type in ("def", "class")


def _binds_later(toks: list[Tok]) -> bool:
    """A comprehension/generator may still follow and bind names used at this position."""
    for bracket in _brackets(toks):
        if bracket.comma:
            continue
        if bracket.char == "[" and _is_call(toks, bracket):
            continue  # a subscript
        if bracket.char == "(" and _is_definition_paren(toks, bracket):
            continue
        return True
    return False


def _is_attribute_write(chain: list[tree_sitter.Node]) -> bool:
    """The site is the attribute assigned in ``obj.attr = …`` (the suffix already shows the ``=``)."""
    if len(chain) < 3 or chain[-2].type != "attribute":
        return False
    attribute, parent = chain[-2], chain[-3]
    return parent.type in _ASSIGN_LEFT_PARENTS and parent.child_by_field_name("left") == attribute
