"""The three checks of a finished suggestion, each with a reason."""

from __future__ import annotations

import pytest

from completion_engine import Document, PythonEngine
from completion_engine.checks import names_reason, scope_reason, syntax_reason

from .conftest import MakeDoc

BODY = "import os\n\n\ndef f(path):\n    if path:\n        x = |\n    return None\n"


@pytest.mark.parametrize(
    ("suggestion", "ok"),
    [
        ("os.path.join(path, 'a')", True),
        ("os.path.join(path, 'a'", True),  # a call left open: the author goes on with its arguments
        ("os.path.join(path 'a'", False),  # wrong even once closed
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
        assert "syntax error" in reason.reason


def test_syntax_accepts_fixing_a_broken_baseline(engine: PythonEngine, doc: MakeDoc) -> None:
    document = doc("import os\nx = os.|\ny = 2\n")
    assert syntax_reason(engine.trees, document, "sep") is None


OPEN_BEFORE = 'from os import path\n\napp = wrap(\n    app, {"/public": path.|\n)\n'


@pytest.mark.parametrize(
    ("body", "suggestion", "ok"),
    [
        # a bracket opened before the cursor, which the author closes on this line, left open: fine
        (OPEN_BEFORE, 'join(path.dirname(__file__), "public")', True),
        (OPEN_BEFORE, 'join(path.dirname(__file__), "public")}', True),
        (OPEN_BEFORE, "join(path.dirname(__file__) 'public')", False),  # wrong even once closed
        ('x = ";".join(self.headers.|\nreturn x\n', 'get("cookie")', True),
        # the line goes on after the cursor: its rest is not moved past closers
        ("x = f(a, self.|, b\n", "y + ", False),
    ],
)
def test_syntax_brackets_open_before_the_cursor(
    engine: PythonEngine, doc: MakeDoc, body: str, suggestion: str, ok: bool
) -> None:
    reason = syntax_reason(engine.trees, doc(body), suggestion)
    assert (reason is None) is ok, reason


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
        assert reason is not None and expected in reason.reason


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
def test_names(engine: PythonEngine, doc: MakeDoc, suggestion: str, undefined: str | None) -> None:
    document = doc(BODY)
    reason = names_reason(engine.trees, document, suggestion)
    if undefined is None:
        assert reason is None
    else:
        assert reason is not None and reason.reason == f"undefined name(s): {undefined}"


def test_names_ignores_names_already_undefined_in_the_document(engine: PythonEngine, doc: MakeDoc) -> None:
    document = doc("print(legacy_global)\nx = |\n")
    assert names_reason(engine.trees, document, "legacy_global") is None


METHOD = """\
import os

LIMIT = 3


class Store:
    size = 1

    def fill(self, items):
        for item in items:
            total = |
        return total

    def empty(self):
        return later_helper()


def later_helper():
    return LIMIT
"""


@pytest.mark.parametrize(
    ("suggestion", "undefined"),
    [
        ("len(items) + LIMIT", None),  # a parameter and a module name
        ("later_helper() + size", None),  # defined after the cursor / a word of the document
        ("sum(x for x in items) + (y := 2) + y", None),  # bound inside the suggestion
        ("os.sep + item", None),
        ("totl + item", "totl"),
        ("lambda q: q + qq", "qq"),
    ],
)
def test_names_in_a_method_check_only_its_function(
    engine: PythonEngine, doc: MakeDoc, suggestion: str, undefined: str | None
) -> None:
    reason = names_reason(engine.trees, doc(METHOD), suggestion)
    assert (reason and reason.reason) == (None if undefined is None else f"undefined name(s): {undefined}")


def test_check_combines_the_reasons(engine: PythonEngine, doc: MakeDoc) -> None:
    document = doc(BODY)
    assert engine.check(document, "len(path)") == ()
    report = engine.check(document, "nope(path)\n    return 1")
    assert len(report) == 2, report
    assert "dedents" in report[0].reason and "nope" in report[1].reason
    assert len(engine.check(document, "nope(path)\n    return 1", names=False)) == 1
    assert "syntax" in engine.check(document, "len(path))")[0].reason


@pytest.mark.parametrize(
    ("suggestion", "blame"),
    [
        ("len(path)) + 1", 9),  # the bracket nothing opened
        ("os.path.join(path len(path)", 12),  # wrong even once closed: the bracket left open
        ("path\n    return 1", 4),  # the line that leaves the block starts after the line end
        ("path + nope(1)", 7),  # the undefined name
    ],
)
def test_each_finding_blames_a_place(engine: PythonEngine, doc: MakeDoc, suggestion: str, blame: int) -> None:
    findings = engine.check(doc(BODY), suggestion)
    assert findings and min(f.at for f in findings) == blame, findings


ORIGINAL_LINES = [
    'def f(self):\n    return f"{self.‸query}"\n',
    "def f(x):\n    return f'{x.‸name!r} and {x.size:08x}'\n",
    'def f(x):\n    return f"{x.‸a:{x.width}.{x.precision}}"\n',
    "def f(x):\n    return f\"{x['‸key']} {x.y}\"\n",
    "def f(x):\n    return rb\"‸raw\\d\" + Rb'\\x00'\n",
    'def f(x):\n    return F"""{x.‸value}\n    """\n',
    "def f(a, b):\n    return g(a,\n             ‸b, key=1,\n             )\n",
    "def f(a):\n    x = a + \\\n        ‸a.b\n    return x\n",
    "@decorator.‸with_args(1)\ndef f():\n    pass\n",
    "def f(cmd):\n    match cmd:\n        case Point(x=0, y=‸0):\n            pass\n",
    "def f(xs):\n    if (n := len(‸xs)) > 3:\n        return n\n",
    "def f(xs):\n    return sorted(xs, key=lambda x: x.‸size)\n",
    "def f(xs):\n    return {k: v for k, v in xs.‸items() if v}\n",
    "def f(x: dict[str, list[int]] | None = None) -> ‸tuple[int, ...]:\n    pass\n",
    "async def f(session, url):\n    async with session.‸get(url) as r:\n        return await r.json()\n",
    "def f(a, b):\n    return [\n        a,\n        ‸b,\n    ]\n",
    "def f(a):\n    return a.‸b  # a comment (with a bracket\n",
    "def f(a):\n\tif a:\n\t\treturn a.‸b\n",
    "def f(a):\r\n    return a.‸b\r\n",
    "class C:\n    def f(self):\n        self.‸x = 1\n",
    "def f(x):\n    return f'{x!r:>{10}}' + f\"{x.‸y=}\"\n",
]


@pytest.mark.parametrize("marked", ORIGINAL_LINES)
def test_checks_accept_what_authors_write(engine: PythonEngine, marked: str) -> None:
    """``‸`` marks the cursor; the rest of its line is what the author wrote there."""
    cursor = marked.index("‸")
    line_end = marked.find("\n", cursor)
    line_end = line_end - 1 if marked[line_end - 1] == "\r" else line_end
    text = marked[:cursor] + marked[line_end:]
    document = Document(uri=f"file:///authors/{abs(hash(marked))}.py", text=text, cursor=cursor)
    assert engine.check(document, marked[cursor + 1 : line_end], names=True) == ()
