"""Where Jedi's list cannot be complete, the engine says so (and guidance does not prune there)."""

from __future__ import annotations

import pytest

from completion_engine import Document, PythonEngine

CODE = """\
import argparse, os, socket
from unittest import mock
from missing_lib import Unknown


class Base:
    def __getattr__(self, name):
        return 1


class Dyn(Base):
    pass


class Plain:
    def __init__(self):
        self.a = 1

    def m(self, k=1):
        pass


class Partly(Unknown):
    def own(self):
        pass


class Setter:
    def __init__(self, **kw):
        for k, v in kw.items():
            setattr(self, k, v)


def f(x, y: "Plain | None", z: "Plain | Dyn"):
    p = argparse.ArgumentParser().parse_args()
    m = mock.MagicMock()
    d = Dyn()
    q = Plain()
    q.extra = 3
    w = Partly()
    s = Setter(a=1)
    u = q if x else os
    k = socket.socket()
    RECEIVER
"""


def _candidates(engine: PythonEngine, text: str, at: str, uri: str):  # type: ignore[no-untyped-def]
    doc = Document(uri=uri, text=text, cursor=text.rindex(at) + len(at))
    site = engine.classify(doc)
    assert site is not None
    return site, engine.candidates(doc, site)


@pytest.mark.parametrize(
    ("receiver", "complete"),
    [
        ("q", True),  # a plain class of the document
        ("y", True),  # Optional: None adds no members one could mean
        ("os", True),  # a module
        ("q.a", True),
        ("p", False),  # argparse.Namespace: __getattr__ in its stub
        ("m", False),  # a mock
        ("d", False),  # __getattr__ inherited
        ("w", False),  # a base class Jedi cannot resolve
        ("k", False),  # its stub's base resolves to the class itself: recv, send... are not listed
        ("s", False),  # setattr in the class
        ("u", False),  # two types
        ("z", False),
    ],
)
def test_member_lists_know_whether_they_are_complete(
    engine: PythonEngine, receiver: str, complete: bool
) -> None:
    text = CODE.replace("RECEIVER", f"{receiver}.")
    site, found = _candidates(engine, text, f"    {receiver}.", f"file:///certainty/{receiver}.py")
    assert site.kind == "member" and found is not None and found.complete is complete


@pytest.mark.parametrize(
    "narrowing",
    [
        "if isinstance(q, Sub):",
        "if not isinstance(q, (Sub, int)):\n        return\n    if 1:",
        "if type(q) is Sub:",
    ],
)
def test_a_receiver_narrowed_to_a_subclass_is_incomplete(engine: PythonEngine, narrowing: str) -> None:
    """Jedi keeps ``q: Plain`` a Plain after ``isinstance(q, Sub)``: ``q.more`` is real but not listed."""
    text = (
        "class Plain:\n    a = 1\n\n\nclass Sub(Plain):\n    more = 2\n\n\n"
        f"def f(q: Plain):\n    {narrowing}\n        q."
    )
    _, found = _candidates(engine, text, "q.", f"file:///certainty/narrowed{abs(hash(narrowing))}.py")
    assert found is not None and not found.names.is_name("more") and not found.complete


def test_match_narrows_the_subject(engine: PythonEngine) -> None:
    text = (
        "class P:\n    a = 1\n\n\nclass S(P):\n    b = 2\n\n\n"
        "def f(q: P):\n    match q:\n        case S():\n            q."
    )
    _, found = _candidates(engine, text, "q.", "file:///certainty/match.py")
    assert found is not None and not found.complete


def test_attributes_assigned_to_the_receiver_are_members(engine: PythonEngine) -> None:
    _, found = _candidates(engine, CODE.replace("RECEIVER", "q."), "    q.", "file:///certainty/extra.py")
    assert found is not None and found.names.is_name("extra") and found.names.is_name("a")


USES = """\
import typing


class Other:
    def g(self):
        self.elsewhere = 1


class Reader:
    def __init__(self, stream: typing.IO[bytes]):
        self._stream = stream

    def fill(self, b):
        if hasattr(self._stream, "readinto1"):
            return self._stream.readinto(b)
        RECEIVER
"""


def test_members_the_document_uses_on_the_receiver_are_members(engine: PythonEngine) -> None:
    """typing.IO lists no ``readinto``; the code calling it on the same receiver says it exists."""
    text = USES.replace("RECEIVER", "return self._stream.rea")
    _, found = _candidates(engine, text, "self._stream.rea", "file:///certainty/uses.py")
    assert found is not None and found.names.is_name("read") and found.names.is_name("close")
    assert found.names.is_name("readinto") and found.names.is_name("readinto1")
    assert found.names.feasible("rea") and not found.names.is_name("rea")


def test_self_members_come_from_the_enclosing_class_only(engine: PythonEngine) -> None:
    text = USES.replace("RECEIVER", "return self.")
    _, found = _candidates(engine, text, "return self.", "file:///certainty/self.py")
    assert found is not None and found.names.is_name("_stream") and found.names.is_name("fill")
    assert not found.names.is_name("elsewhere") and not found.names.feasible("else")


@pytest.mark.parametrize(
    ("call", "complete"),
    [("sorted(x, ", True), ("print(x, ", True), ("Unknown(x, ", False), ("str.format(x, ", False)],
)
def test_keyword_arguments_of_unknown_or_open_callees_are_incomplete(
    engine: PythonEngine, call: str, complete: bool
) -> None:
    text = CODE.replace("RECEIVER", f"return {call})")
    site, found = _candidates(engine, text, call, f"file:///certainty/{abs(hash(call))}.py")
    assert site.kind == "keyword_arg" and found is not None and found.complete is complete


def test_bare_names_with_a_star_import_are_incomplete(engine: PythonEngine) -> None:
    text = "from missing_lib import *\n\n\ndef f():\n    return \n"
    _, found = _candidates(engine, text, "return ", "file:///certainty/star.py")
    assert found is not None and not found.complete
