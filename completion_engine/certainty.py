"""Is Jedi's list at a site complete? Where it cannot be, guidance must not prune.

A list is only as good as the inference behind it. Checked right after Jedi's completion, on the same
script (its caches make this ~0.2 ms):

- member sites: the receiver inferred to nothing or to several types (``X | None`` counts as one), a
  class in its MRO with a base Jedi cannot resolve (or resolves to the class itself, as the stub of
  ``socket.socket`` does), ``__getattr__`` among the members (mocks, stubs of dynamic classes such as
  ``argparse.Namespace``, PEP 562 modules), a class of the document's own code overriding
  ``__getattribute__`` or setting attributes through ``setattr``/``__dict__``, a ``setattr`` on the
  receiver in the document, a receiver narrowed before the site by ``isinstance``/``issubclass``,
  ``type(x) is`` or ``match x:`` (Jedi keeps the declared type, so a subclass's members are missing);
  members the document already uses on the same receiver expression (``store.extra = 1``,
  ``stream.readinto(b)``, ``hasattr(stream, "readinto")``) are added to the list, looked up in the
  enclosing class for a receiver rooted in ``self`` or ``cls``;
- keyword-argument sites: a callee whose signature Jedi cannot find, or one taking ``**kwargs``;
- bare names: a document with a star import, ``exec`` or writes through ``globals()``.

This module reads Jedi internals (``_get_module_context``, value classes); it is the only one that does
besides the shared inference state in ``jedi_backend``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import jedi
from jedi.inference.helpers import infer_call_of_leaf

from completion_engine.lines import offset_at
from completion_engine.protocol import Site

_RECEIVER = re.compile(r"([^\W\d][\w.]*)\.\Z")
_DYNAMIC_NAMES = re.compile(r"^\s*from\s+\S+\s+import\s+\*|\bexec\s*\(|\bglobals\(\)\s*\[", re.MULTILINE)
_DYNAMIC_CLASS = re.compile(r"\bsetattr\s*\(|\b__dict__\s*(?:\.update\(|\[)|def\s+__getattribute__\b")
_MAX_BASE_DEPTH = 6
_NARROWING_LOOKBACK = 4000  # characters before the site searched for a narrowing of the receiver


@dataclass(frozen=True, slots=True)
class Verdict:
    """Names to add to Jedi's list, and whether the list is then complete."""

    extra: frozenset[str]
    complete: bool
    why: str = ""


def assess(script: jedi.Script, site: Site, text: str, line: int, column: int, raw: list[str]) -> Verdict:
    """The verdict on Jedi's completion ``raw`` (``name=`` entries kept) at ``site`` in ``text``."""
    if site.kind == "member":
        return _member(script, text, site.start, line, column, "__getattr__" in raw)
    if site.kind == "keyword_arg":
        return _keyword(script, line, column, raw)
    if site.kind == "name" and _DYNAMIC_NAMES.search(text):
        return Verdict(frozenset(), False, "star import, exec or globals() in the document")
    return Verdict(frozenset(), True)


def _member(script: jedi.Script, text: str, start: int, line: int, column: int, getattr_: bool) -> Verdict:
    receiver = _RECEIVER.search(text, max(0, start - 200), start)
    extra, opaque = (
        _used_members(text, _scope(script, text, line, column, receiver.group(1)), receiver.group(1), start)
        if receiver
        else (frozenset(), False)
    )
    if opaque:
        return Verdict(extra, False, "setattr with a computed name on the receiver")
    if getattr_:
        return Verdict(extra, False, "__getattr__ among the members")
    if receiver and _narrowed(text[max(0, start - _NARROWING_LOOKBACK) : start], receiver.group(1)):
        return Verdict(extra, False, "the receiver is narrowed (isinstance, type() or match)")
    values = receiver_values(script, line, column)
    if values is None:
        return Verdict(extra, False, "receiver not inferred")
    kinds = [v for v in values if not _is_none(v)]
    if len(kinds) != 1:
        return Verdict(extra, False, f"receiver has {len(kinds)} types")
    why = _dynamic(kinds[0])
    return Verdict(extra, not why, why)


def _scope(script: jedi.Script, text: str, line: int, column: int, receiver: str) -> tuple[int, int]:
    """The span of ``text`` where uses of ``receiver`` mean the same object: the enclosing class for
    ``self``/``cls`` (another class's ``self.x`` is not this one's), else the whole document."""
    if receiver.split(".", 1)[0] not in ("self", "cls"):
        return 0, len(text)
    node = script._module_node.get_leaf_for_position((line, max(0, column - 1)), include_prefixes=True)
    while node is not None and node.type != "classdef":
        node = node.parent
    if node is None:
        return 0, len(text)
    (l0, c0), (l1, c1) = node.start_pos, node.end_pos
    return offset_at(text, l0 - 1, c0), offset_at(text, l1 - 1, c1)


def _used_members(text: str, span: tuple[int, int], receiver: str, site: int) -> tuple[frozenset[str], bool]:
    """Members ``text[span]`` uses on ``receiver`` (``receiver.x``, and the literal names of ``setattr``,
    ``getattr`` and ``hasattr`` on it) other than the identifier at offset ``site``, and whether a
    ``setattr`` on it names its attribute in a way that cannot be read."""
    scope = text[span[0] : span[1]]
    r = re.escape(receiver)
    used = {
        m.group(1)
        for m in re.finditer(rf"(?<![\w.]){r}\.([^\W\d]\w*)", scope)
        if span[0] + m.start(1) != site
    }
    literal = re.findall(rf"\b(?:setattr|getattr|hasattr)\(\s*{r}\s*,\s*['\"]([^\W\d]\w*)['\"]", scope)
    setattrs = len(re.findall(rf"\bsetattr\(\s*{r}\s*,", scope))
    named = len(re.findall(rf"\bsetattr\(\s*{r}\s*,\s*['\"]", scope))
    return frozenset(used) | frozenset(literal), setattrs > named


def _narrowed(before: str, receiver: str) -> bool:
    """Whether ``before`` narrows ``receiver`` to a subtype Jedi does not follow."""
    r = re.escape(receiver)
    return (
        re.search(
            rf"\b(?:isinstance|issubclass)\(\s*{r}\s*,|\btype\(\s*{r}\s*\)\s*(?:is|==)|^\s*match\s+{r}\s*:",
            before,
            re.MULTILINE,
        )
        is not None
    )


def receiver_values(script: jedi.Script, line: int, column: int) -> list[Any] | None:
    """What Jedi infers for the expression before the ``.`` ending just before ``(line, column)``."""
    try:
        module = script._get_module_context()
        leaf = script._module_node.get_leaf_for_position((line, column - 1))
        if leaf is not None and leaf.value != ".":  # parso gives the leaf ending there
            leaf = leaf.get_next_leaf()
        if leaf is None or leaf.value != ".":
            return None
        previous = leaf.get_previous_leaf()
        if previous is None:
            return None
        values = list(infer_call_of_leaf(module.create_context(previous), previous))
    except (Exception, RecursionError):  # noqa: BLE001 - Jedi internals: unknown means "not sure"
        return None
    return values or None


def _is_none(value: Any) -> bool:
    name = getattr(value, "name", None)
    return getattr(name, "string_name", None) == "NoneType"


def _dynamic(value: Any) -> str:
    """Why the members of ``value`` may be more than Jedi lists ('' when they cannot)."""
    try:
        cls = value.class_value if value.is_instance() else value if value.is_class() else None
        if cls is None:
            return ""
        if _unresolved_base(cls, 0):
            return "a base class is not resolved"
        for klass in cls.py__mro__():
            node = getattr(klass, "tree_node", None)
            if node is not None and not klass.is_stub() and _DYNAMIC_CLASS.search(node.get_code()):
                return f"{klass.name.string_name} sets attributes dynamically"
    except (Exception, RecursionError):  # noqa: BLE001 - Jedi internals: unknown means "not sure"
        return "inference failed"
    return ""


def _unresolved_base(cls: Any, depth: int) -> bool:
    if depth > _MAX_BASE_DEPTH or not hasattr(cls, "py__bases__"):
        return False
    for lazy in cls.py__bases__():
        bases = list(lazy.infer())
        if not bases or any(getattr(b, "tree_node", None) is cls.tree_node for b in bases):
            return True  # a base inferred as the class itself: Jedi lost the real one (socket.socket)
        if any(b.is_class() and _unresolved_base(b, depth + 1) for b in bases):
            return True
    return False


def _keyword(script: jedi.Script, line: int, column: int, raw: list[str]) -> Verdict:
    if not any(name.endswith("=") for name in raw):
        return Verdict(frozenset(), False, "the callee's signature is not known")
    try:
        signatures = script.get_signatures(line, column)
    except (Exception, RecursionError):  # noqa: BLE001 - Jedi internals
        return Verdict(frozenset(), False, "signature failed")
    if any(p.kind.name == "VAR_KEYWORD" for s in signatures for p in s.params):
        return Verdict(frozenset(), False, "the callee takes **kwargs")
    return Verdict(frozenset(), True)
