"""The three checks of a finished suggestion, each with a reason."""

from __future__ import annotations

import pytest

from completion_engine import PythonEngine
from completion_engine.checks import names_reason, scope_reason, syntax_reason

from .conftest import MakeDoc

BODY = "import os\n\n\ndef f(path):\n    if path:\n        x = |\n    return None\n"


@pytest.mark.parametrize(
    ("suggestion", "ok"),
    [
        ("os.path.join(path, 'a')", True),
        ("os.path.join(path, 'a'", False),  # an unclosed call
        ("'unterminated", False),
        ("1 +", False),
        ("[1, 2]\n        y = x", True),
    ],
)
def test_syntax(engine: PythonEngine, doc: MakeDoc, suggestion: str, ok: bool) -> None:
    document = doc(BODY)
    reason = syntax_reason(engine.trees, document, suggestion)
    assert (reason is None) is ok, reason
    if reason is not None:
        assert "syntax error" in reason


def test_syntax_accepts_fixing_a_broken_baseline(engine: PythonEngine, doc: MakeDoc) -> None:
    document = doc("import os\nx = os.|\ny = 2\n")
    assert syntax_reason(engine.trees, document, "sep") is None


@pytest.mark.parametrize(
    ("suggestion", "expected"),
    [
        ("len(path)", None),
        ("foo(\n  1,\n)", None),  # a continuation line inside brackets may dedent
        ("1\n        y = 2", None),
        ("'a)' + \"]\"  # )", None),  # brackets in strings and comments do not count
        ("f'{path}'", None),
        ("1)", "closes ')'"),
        ("1\n    return x", "dedents out of the cursor's block"),
        ("1\nz = 3", "dedents out of the cursor's block"),
    ],
)
def test_scope(engine: PythonEngine, doc: MakeDoc, suggestion: str, expected: str | None) -> None:
    document = doc(BODY)
    reason = scope_reason(engine.trees.parsed(document), document.cursor, suggestion)
    if expected is None:
        assert reason is None
    else:
        assert reason is not None and expected in reason


@pytest.mark.parametrize(
    ("source", "suggestion", "ok"),
    [
        ("n = len(self.|\n", "items)", True),  # closes the bracket the user opened
        ("print(len(self.|\n", "items))", True),
        ("print(len(self.|\n", "items)))", False),  # one more than is open
        ("n = len(self.|)\n", "items)", False),  # the line closes it already
        ("n = len(self.|)\n", "items", True),
        ("x = [1, (2,|\n", "3)]", True),
    ],
)
def test_scope_closes_only_brackets_open_at_the_cursor(
    engine: PythonEngine, doc: MakeDoc, source: str, suggestion: str, ok: bool
) -> None:
    document = doc(source)
    reason = scope_reason(engine.trees.parsed(document), document.cursor, suggestion)
    assert (reason is None) is ok, reason


@pytest.mark.parametrize(
    ("suggestion", "undefined"),
    [
        ("os.path.join(path, 'a')", None),
        ("len(path)", None),
        ("helper(path)", "helper"),
        ("pathh + missing", "missing, pathh"),
    ],
)
def test_names(doc: MakeDoc, suggestion: str, undefined: str | None) -> None:
    document = doc(BODY)
    reason = names_reason(document, suggestion)
    if undefined is None:
        assert reason is None
    else:
        assert reason == f"undefined name(s): {undefined}"


def test_names_ignores_names_already_undefined_in_the_document(doc: MakeDoc) -> None:
    document = doc("print(legacy_global)\nx = |\n")
    assert names_reason(document, "legacy_global") is None


def test_check_combines_the_reasons(engine: PythonEngine, doc: MakeDoc) -> None:
    document = doc(BODY)
    assert engine.check(document, "len(path)") == ()
    report = engine.check(document, "nope(path)\n    return 1")
    assert len(report) == 2, report
    assert "dedents" in report[0] and "nope" in report[1]
    assert len(engine.check(document, "nope(path)\n    return 1", names=False)) == 1
    assert "syntax" in engine.check(document, "len(path))")[0]
