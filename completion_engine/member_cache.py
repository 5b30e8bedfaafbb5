"""Member lists kept across document versions: what Jedi lists after ``x.`` depends only on what ``x`` is.

Listing the members is most of a member query (about two thirds on rich's sites; inferring the receiver
is the rest). The list is the same for every query whose receiver infers to the same single value, seen
from the same class (name mangling, ``self`` attributes), so it is kept under a key naming that value:

- a module: its file and modification time (stubs and compiled modules: their dotted name);
- an instance or a class defined in another file: that file, its modification time and the class's place;
- a builtin (compiled) class: its name;
- a class of the document itself: its place and a hash of its text with the cursor's line blanked, so any
  edit elsewhere in the class (a new ``self.x = …``) is a new key, while typing on the cursor's line is not.

Receivers of several types are not kept (their lists are not trusted for pruning anyway).
"""

from __future__ import annotations

import hashlib
import os
from collections import OrderedDict
from typing import Any

import jedi


class MemberCache:
    """Raw Jedi completion names by receiver key, least recently used out."""

    def __init__(self, max_entries: int = 512) -> None:
        self._entries: OrderedDict[tuple[object, ...], list[str]] = OrderedDict()
        self._max = max_entries
        self.hits = 0

    def get(self, key: tuple[object, ...] | None) -> list[str] | None:
        found = self._entries.get(key) if key is not None else None
        if found is not None:
            assert key is not None
            self._entries.move_to_end(key)
            self.hits += 1
        return found

    def put(self, key: tuple[object, ...] | None, names: list[str]) -> None:
        if key is None:
            return
        self._entries[key] = names
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)

    def forget(self) -> None:
        self._entries.clear()


def member_key(
    script: jedi.Script, values: list[Any] | None, document: str | None, line: int
) -> tuple[object, ...] | None:
    """The key of the members of the receiver ``values`` seen from ``line`` of ``script`` (whose file is
    ``document``), or None when they cannot be kept."""
    kinds = [v for v in values or () if getattr(getattr(v, "name", None), "string_name", None) != "NoneType"]
    if len(kinds) != 1:
        return None
    value = kinds[0]
    try:
        seen_from = _enclosing_class(script, line)
        if value.is_module():
            return ("module", tuple(value.string_names or ()), *_file_stamp(value.py__file__()), seen_from)
        if value.is_instance():
            cls, kind = value.class_value, "instance"
        elif value.is_class():
            cls, kind = value, "class"
        else:
            return None
        node = getattr(cls, "tree_node", None)
        if node is None:  # a compiled (builtin) class
            return ("compiled", kind, cls.name.string_name, seen_from)
        path = cls.get_root_context().py__file__()
        if path is not None and str(path) != document:
            return (kind, *_file_stamp(path), node.start_pos, seen_from)
        lines = node.get_code(include_prefix=False).split("\n")
        cursor = line - node.start_pos[0]
        if 0 <= cursor < len(lines):
            lines[cursor] = ""
        digest = hashlib.sha256("\n".join(lines).encode("utf-8", "surrogatepass")).hexdigest()[:16]
        return (kind, "document", node.start_pos, digest, seen_from)
    except (Exception, RecursionError):  # noqa: BLE001 - Jedi internals: no key, no caching
        return None


def _file_stamp(path: object) -> tuple[str, int]:
    if path is None:
        return "", 0
    try:
        return str(path), os.stat(str(path)).st_mtime_ns
    except OSError:
        return str(path), 0


def _enclosing_class(script: jedi.Script, line: int) -> tuple[int, int] | None:
    """Where the innermost class around ``line`` starts (names look different from inside a class)."""
    leaf = script._module_node.get_leaf_for_position((line, 0), include_prefixes=True)
    node = leaf.search_ancestor("classdef") if leaf is not None else None
    return node.start_pos if node is not None else None
