"""Site classification on half-typed code: kinds, typed prefixes, and every "no site" position."""

from __future__ import annotations

import pytest

from completion_engine import PythonEngine

from .conftest import MakeDoc


@pytest.mark.parametrize(
    ("marked", "kind", "typed"),
    [
        ("import os\nos.path.|\nprint(1)\n", "member", ""),
        ("import os\nx = os.pa|\n", "member", "pa"),
        ("x = self.|", "member", ""),
        ("self.items.|", "member", ""),
        ("print(a.b.|, 3)", "member", ""),
        ("f'{x.|}'", "member", ""),
        ("x = 1.5.|", "member", ""),
        ("import a.|\n", "import_module", ""),
        ("import |", "import_module", ""),
        ("import os, sy|", "import_module", "sy"),
        ("from a.|\n", "import_module", ""),
        ("from |", "import_module", ""),
        ("from .|", "import_module", ""),
        ("from a.b import |\n", "import_name", ""),
        ("from . import |", "import_name", ""),
        ("from a import (x,\n   |\n", "import_name", ""),
        ("f(x, |\nfoo()\n", "keyword_arg", ""),
        ("f(x, ke|)\n", "keyword_arg", "ke"),
        ("x = f(a)(b, |", "keyword_arg", ""),
        ("x = |", "name", ""),
        ("return |", "name", ""),
        ("x = a + no|", "name", "no"),
        ("if x: y = |", "name", ""),
        ("def f(a=|\n", "name", ""),
        ("def f(a: |\n", "name", ""),
        ("def f() -> |", "name", ""),
        ("class A(|", "name", ""),
        ("f = lambda x: |", "name", ""),
        ("for x in |", "name", ""),
        ("@|", "name", ""),
        ("x = a[|", "name", ""),
        ("del |", "name", ""),
        ("f(a,\n  b=|\n", "name", ""),
        ("x = '''\nab\n'''\ny = |", "name", ""),
    ],
)
def test_sites(engine: PythonEngine, doc: MakeDoc, marked: str, kind: str, typed: str) -> None:
    document = doc(marked)
    site = engine.classify(document)
    assert site is not None, marked
    assert (site.kind, site.typed) == (kind, typed)
    # The same text arriving as generated text after an empty-ish document gives the same answer.
    rest = doc("|" + marked[marked.index("|") + 1 :])
    generated = marked[: marked.index("|")]
    again = engine.classify(rest, generated)
    assert again is not None and (again.kind, again.typed) == (kind, typed)
    assert again.start == len(generated) - len(typed)


@pytest.mark.parametrize(
    "marked",
    [
        # strings, comments, f-string literal parts, numbers
        "s = 'abc|",
        "s = 'ab.|'",
        "s = '''\nab.|\n",
        's = "x" + \'y.|',
        "# os.|",
        "x = 1  # os.pa|",
        "f'ab.|c{x}'",
        "f'{x}.|'",
        "f'{{x.|'",
        "x = 1.|",
        "x = 0x1f|",
        "x = 3|",
        "x = 1e1|",
        # binding positions
        "def |\n",
        "async def |",
        "def f(|\n",
        "def f(a, |):\n  pass\n",
        "def f(a, *|",
        "class |",
        "lambda |",
        "f = lambda x, |",
        "for |",
        "for a, |",
        "[x for |",
        "foo(x for |",
        "with open(f) as |",
        "try:\n  pass\nexcept E as |",
        "import a as |",
        "from a import b as |",
        "global |",
        "nonlocal a, |",
        "match x:\n    case |",
        # statement starts and tuple targets (may be assignments), attribute writes
        "x = 1\n|\n",
        "if x:\n    |\n",
        "if x: |",
        "  x, |",
        "self.|",
        "cls.|",
        "self.| = 3",
        "obj.| = 3",
        "obj.attr.| += 1",
    ],
)
def test_no_site(engine: PythonEngine, doc: MakeDoc, marked: str) -> None:
    document = doc(marked)
    assert engine.classify(document) is None


@pytest.mark.parametrize(
    ("marked", "binds_later"),
    [
        ("x = [|", True),
        ("x = {|}", True),
        ("x = (|", True),
        ("total = sum(|", True),
        ("x = [a, |", False),
        ("f(a, [g(y, |", True),
        ("x = a[|", False),
        ("f(a, |", False),
        ("x = |", False),
    ],
)
def test_comprehension_positions_are_flagged(
    engine: PythonEngine, doc: MakeDoc, marked: str, binds_later: bool
) -> None:
    document = doc(marked)
    site = engine.classify(document)
    assert site is not None and site.binds_later is binds_later


def test_site_key_is_stable_while_the_identifier_grows(engine: PythonEngine, doc: MakeDoc) -> None:
    document = doc("import os\nx = |\n")
    keys = {engine.classify(document, "os.path." + typed).key for typed in ("", "j", "jo", "joi")}  # type: ignore[union-attr]
    assert len(keys) == 1
    other = engine.classify(document, "os.")
    assert other is not None and other.key not in keys


def test_generated_text_spanning_lines(engine: PythonEngine, doc: MakeDoc) -> None:
    document = doc("def f():\n    |\n")
    site = engine.classify(document, "s = '''doc\n    more\n    '''\n    return s.")
    assert site is not None and site.kind == "member"
    assert engine.classify(document, "s = '''doc\n    os.") is None
    assert engine.classify(document, "x = 1  # os.") is None


def test_local_names_for_bare_names(engine: PythonEngine, doc: MakeDoc) -> None:
    document = doc("def f(items):\n    |\n")
    site = engine.classify(document, "for item in items:\n        total = item + ")
    assert site is not None and site.kind == "name"
    assert {"item", "total", "items"} <= site.local_names


def test_call_argument_when_the_whole_module_fails_to_parse(engine: PythonEngine, doc: MakeDoc) -> None:
    # An unclosed call followed by decorated functions: tree-sitter's root node is an ERROR here.
    marked = (
        "app.add_group(pool, |\nother = factory(help='x')\n\n\n@contextmanager\n"
        "def connect(box_id: str, *, token: str | None) -> None:\n    yield box_id\n\n\n"
        "@app.command(\n    'create',\n    examples=[\n        'x',\n"
    )
    document = doc(marked)
    assert (
        engine.trees.insert(engine.trees.parsed(document), document.cursor, "x").tree.root_node.type
        == "ERROR"
    )
    site = engine.classify(document)
    assert site is not None and site.kind == "keyword_arg"


@pytest.mark.parametrize(
    ("marked", "kind"),
    [
        ("from a.names import V, T, \\\n    |", "import_name"),
        (
            (
                "class Bar:\n    def __init__(self):\n        label.pack()\n"
                "        self.bar = ttk.Bar(\n            frame, |"
            ),
            "keyword_arg",
        ),
        (
            "class T:\n    def test_a(self):\n        self.flakes('''\n        x = 1\n"
            '        """doc"""\n        \'\'\', m.U)\n\n' + "    def test_b(self):\n        x = self.|",
            "member",
        ),
        ("def f(self, size):\n    x = |", "name"),
    ],
)
def test_broken_statements_around_the_cursor(
    engine: PythonEngine, doc: MakeDoc, marked: str, kind: str
) -> None:
    document = doc(marked)
    site = engine.classify(document)
    assert site is not None and site.kind == kind
