"""``EngineGuide`` end to end: the decoder's view of one request."""

from __future__ import annotations

from completion_engine import EngineGuide, PythonEngine
from decoding.constraint import Answer, Guide, SiteInfo

from .conftest import MakeDoc

SOURCE = "import os\n\n\ndef f(path):\n    x = os.pa|\n    return x\n"
WAIT_MS = 20_000  # generous: these tests are about what the engine answers, not how fast


def answered(guide: Guide, site: SiteInfo | None) -> Answer:
    assert site is not None
    answer = guide.answer(site, wait_ms=WAIT_MS)
    assert answer.ready
    return answer


def test_site_with_a_typed_prefix_then_after_a_generated_dot(engine: PythonEngine, doc: MakeDoc) -> None:
    guide: Guide = EngineGuide(engine, doc(SOURCE), prefetch=False)
    first = guide.site("")
    assert first is not None and first.kind == "member" and first.typed == "pa" and first.queried
    names = answered(guide, first).names
    assert names is not None and names.feasible("pa") and names.continuation("pat") == "h"
    assert {"path", "pardir", "pathsep"} <= set(names.names("pa"))
    again = guide.site("")
    assert again is not None and again.queried and answered(guide, again).names is names
    after_dot = guide.site("th.")
    assert after_dot is not None and after_dot.kind == "member" and after_dot.typed == ""
    joined = answered(guide, after_dot).names
    assert joined is not None and joined.is_name("join") and not joined.feasible("jion")


def test_no_site_and_unknown(engine: PythonEngine, doc: MakeDoc) -> None:
    guide = EngineGuide(engine, doc("def f(thing):\n    x = |\n"))
    assert guide.site("'hello, ") is None  # inside a string
    unknown = guide.site("thing.")
    assert unknown is not None and unknown.kind == "member" and answered(guide, unknown).names is None
    bare = guide.site("thing + ")
    assert bare is not None and bare.kind == "name"
    names = answered(guide, bare).names
    assert names is not None and names.is_name("thing")


def test_an_answer_not_there_yet_is_pending(engine: PythonEngine, doc: MakeDoc) -> None:
    guide = EngineGuide(engine, doc("import collections\nx = collections.|\n"), prefetch=False)
    site = guide.site("")
    assert site is not None
    first = guide.answer(site, wait_ms=0)  # the query was only just started
    assert answered(guide, site).names is not None
    assert not first.ready or first.names is not None


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
    first_guide, second_guide = EngineGuide(engine, document), EngineGuide(engine, document)
    first, second = first_guide.site("th."), second_guide.site("th.")
    assert first is not None and second is not None and first.queried and not second.queried
    assert answered(second_guide, second).names is answered(first_guide, first).names


def test_prefetch_starts_the_cursor_query_at_construction(engine: PythonEngine, doc: MakeDoc) -> None:
    document = doc(SOURCE)
    queries = engine.jedi.queries
    guide = EngineGuide(engine, document)
    assert engine.jedi.queries == queries + 1
    first = guide.site("")
    assert first is not None and first.queried  # started by this request, at its construction
    assert answered(guide, first).names is not None and engine.jedi.queries == queries + 1
