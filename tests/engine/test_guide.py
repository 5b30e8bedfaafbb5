"""``EngineGuide`` end to end: the decoder's view of one request."""

from __future__ import annotations

from completion_engine import EngineGuide, PythonEngine
from decoding.constraint import Guide

from .conftest import MakeDoc

SOURCE = "import os\n\n\ndef f(path):\n    x = os.pa|\n    return x\n"


def test_site_with_a_typed_prefix_then_after_a_generated_dot(engine: PythonEngine, doc: MakeDoc) -> None:
    document = doc(SOURCE)
    guide: Guide = EngineGuide(engine, document, prefetch=False)
    first = guide.site("")
    assert first is not None and first.kind == "member" and first.typed == "pa"
    assert first.names is not None and first.queried
    assert first.names.feasible("pa") and first.names.continuation("pat") == "h"
    assert {"path", "pardir", "pathsep"} <= set(first.names.names("pa"))
    again = guide.site("")
    assert again is not None and not again.queried and again.names is first.names
    after_dot = guide.site("th.")
    assert after_dot is not None and after_dot.kind == "member" and after_dot.typed == ""
    assert after_dot.names is not None and after_dot.names.is_name("join")
    assert not after_dot.names.feasible("jion")


def test_no_site_and_unknown(engine: PythonEngine, doc: MakeDoc) -> None:
    document = doc("def f(thing):\n    x = |\n")
    guide = EngineGuide(engine, document)
    assert guide.site("'hello, ") is None  # inside a string
    unknown = guide.site("thing.")
    assert unknown is not None and unknown.kind == "member" and unknown.names is None
    bare = guide.site("thing + ")
    assert bare is not None and bare.kind == "name" and bare.names is not None and bare.names.is_name("thing")


def test_check(engine: PythonEngine, doc: MakeDoc) -> None:
    document = doc(SOURCE)
    guide = EngineGuide(engine, document)
    assert guide.check("th.join(path, 'a')").ok
    assert not guide.check("th.join(path, 'a'))").ok
    report = guide.check("th.join(pathh, 'a')")
    assert report.reasons == ("undefined name(s): pathh",)
    assert EngineGuide(engine, document, names_check=False).check("th.join(pathh, 'a')").ok


def test_a_new_request_on_the_same_version_reuses_the_answer(engine: PythonEngine, doc: MakeDoc) -> None:
    document = doc(SOURCE)
    first = EngineGuide(engine, document).site("th.")
    second = EngineGuide(engine, document).site("th.")
    assert first is not None and second is not None
    assert first.queried and not second.queried and second.names is first.names


def test_prefetch_starts_the_cursor_query_at_construction(engine: PythonEngine, doc: MakeDoc) -> None:
    document = doc(SOURCE)
    queries = engine.jedi.queries
    guide = EngineGuide(engine, document)
    assert engine.jedi.queries == queries + 1
    first = guide.site("")
    assert first is not None and first.names is not None and not first.queried
    assert engine.jedi.queries == queries + 1
