"""Candidates from real Jedi: stdlib members, user classes, sibling modules, imports, keyword arguments."""

from __future__ import annotations

import keyword

import jedi
import pytest

from completion_engine import Document, PythonEngine
from completion_engine.lines import line_column

from .conftest import MakeDoc

APP = """\
import json
import os.path

from shop.models import Account, open_account


class Ledger:
    def __init__(self) -> None:
        self.entries: list[str] = []

    def add(self, entry: str) -> None:
        x = self.|

    def total(self) -> int:
        return len(self.entries)
"""


def _names(engine: PythonEngine, doc: MakeDoc, marked: str, generated: str = "") -> set[str] | None:
    document = doc(marked)
    site = engine.classify(document, generated)
    assert site is not None, (marked, generated)
    names = engine.candidates(document, site).names
    return None if names is None else set(names.names(""))


@pytest.mark.parametrize(
    ("marked", "expected"),
    [
        ("import os\nx = os.path.|\n", {"join", "exists", "dirname"}),
        ("import json\njson.loads(json.|)\n", {"dumps", "loads", "JSONDecodeError"}),
        ("import collections\nx = collections.|\n", {"OrderedDict", "defaultdict"}),
    ],
)
def test_stdlib_members(engine: PythonEngine, doc: MakeDoc, marked: str, expected: set[str]) -> None:
    names = _names(engine, doc, marked)
    assert names is not None and expected <= names


def test_self_members_include_methods_defined_after_the_cursor(engine: PythonEngine, doc: MakeDoc) -> None:
    names = _names(engine, doc, APP)
    assert names is not None and {"entries", "add", "total"} <= names
    assert "balance" not in names


def test_members_of_a_class_from_a_sibling_module(engine: PythonEngine, doc: MakeDoc) -> None:
    marked = "from shop.models import Account\n\nacct = Account('ada')\nacct.deposit(1)\nprint(acct.|)\n"
    names = _names(engine, doc, marked)
    assert names is not None and {"deposit", "withdraw", "balance", "owner"} <= names


def test_members_after_generated_text(engine: PythonEngine, doc: MakeDoc) -> None:
    names = _names(engine, doc, "from shop.models import open_account\n\n|\n", "x = open_account('a').")
    assert names is not None and {"deposit", "balance"} <= names


@pytest.mark.parametrize(
    ("marked", "expected", "absent"),
    [
        ("import shop.|\n", {"models", "pricing"}, {"Account"}),
        ("from shop import |\n", {"models", "pricing"}, set()),
        ("from shop.pricing import |\n", {"VAT_RATE", "gross"}, {"models"}),
        ("from shop.models import (Account,\n    |\n", {"open_account"}, set()),
        ("import js|\n", {"json"}, set()),
        ("from os.|", {"path"}, set()),
    ],
)
def test_import_sites(
    engine: PythonEngine, doc: MakeDoc, marked: str, expected: set[str], absent: set[str]
) -> None:
    names = _names(engine, doc, marked)
    assert names is not None and expected <= names and not absent & names


def test_keyword_arguments_of_a_workspace_function(engine: PythonEngine, doc: MakeDoc) -> None:
    names = _names(engine, doc, "from shop.models import open_account\n\nopen_account('ada', |)\n")
    assert names is not None
    assert {"currency", "overdraft_limit"} <= names  # keyword parameters, without "="
    assert "open_account" in names  # a positional argument may be any visible name


def test_bare_names_include_builtins_keywords_and_generated_bindings(
    engine: PythonEngine, doc: MakeDoc
) -> None:
    names = _names(
        engine, doc, "import json\n\ndef f(items):\n    |\n", "for item in items:\n        total = "
    )
    assert names is not None
    assert {"json", "items", "item", "len", "None", "not", "f"} <= names


BRANCHES = """\
import sys

if sys.version_info >= (3,):
    modern = 1
else:
    legacy = 2


def f(flag):
    if flag:
        inside = 1
    else:
        other = 2
        x = |
"""


def test_bare_names_are_a_superset_of_jedis_flow_analysed_list(engine: PythonEngine, doc: MakeDoc) -> None:
    # Jedi's flow analysis (inferring each if-test between a name and the cursor) is skipped at bare-name
    # sites, as it is the slow part: every name it keeps is listed, plus the ones it proves unreachable.
    document = doc(BRANCHES)
    line, column = line_column(document.text, document.cursor)
    jedis = {c.name for c in jedi.Script(document.text).complete(line + 1, column) if c.name.isidentifier()}
    names = _names(engine, doc, BRANCHES)
    assert names is not None and "legacy" not in jedis
    assert jedis <= names and {"legacy", "inside", "modern", "other", "flag"} <= names


@pytest.mark.parametrize("marked", ["def f(self, size):\n    return |", "def f(self, size):\n    x = |"])
def test_bare_names_at_the_end_of_a_file_include_parameters(
    engine: PythonEngine, doc: MakeDoc, marked: str
) -> None:
    names = _names(engine, doc, marked)  # Jedi alone misses them without a final newline
    assert names is not None and {"self", "size"} <= names


@pytest.mark.parametrize(
    "marked",
    [
        "def f(thing):\n    return thing.|\n",  # an untyped parameter
        "import json\nx = json.loads('{}').|\n",  # Any
        "x = undefined_name.|\n",
        "x = [|",  # a comprehension may bind the name later
    ],
)
def test_unknown_when_inference_fails(engine: PythonEngine, doc: MakeDoc, marked: str) -> None:
    assert _names(engine, doc, marked) is None


def test_memo_survives_across_requests(engine: PythonEngine, doc: MakeDoc) -> None:
    document = doc("import os\nx = os.path.|\n")
    first_site = engine.classify(document)
    assert first_site is not None
    first = engine.candidates(document, first_site)
    assert first.names is not None and not first.memoized
    first.names.feasible("jo")
    # A second request on the same document version, with the identifier grown by typing.
    second_site = engine.classify(document, "jo")
    assert second_site is not None and second_site.key == first_site.key
    second = engine.candidates(document, second_site)
    assert second.memoized and second.names is first.names
    hits = first.names.hits
    first.names.feasible("jo")
    assert first.names.hits == hits + 1


def test_memo_survives_typing_into_a_newer_version(engine: PythonEngine) -> None:
    def version(n: int, text: str, cursor: int) -> Document:
        return Document(uri="file:///typing.py", version=n, text=text, cursor=cursor)

    v1 = version(1, "import os\nx = os.path.\ny = 1\n", 22)
    first_site = engine.classify(v1)
    assert first_site is not None
    first = engine.candidates(v1, first_site)
    v2 = version(2, "import os\nx = os.path.jo\ny = 1\n", 24)  # the user typed "jo"
    second_site = engine.classify(v2)
    assert second_site is not None and second_site.typed == "jo" and second_site.key == first_site.key
    second = engine.candidates(v2, second_site)
    assert second.memoized and first.names is not None and second.names is first.names
    v3 = version(3, "import os\nimport sys\nx = os.path.jo\ny = 1\n", 35)  # an edit elsewhere: a new query
    third_site = engine.classify(v3)
    assert third_site is not None and third_site.key != first_site.key


def test_shared_inference_state_sees_the_new_version(engine: PythonEngine) -> None:
    before = "class Box:\n    def put(self): pass\n\nBox().\n"
    after = "class Box:\n    def put(self): pass\n    def take(self): pass\n\nBox().\n"
    answers = []
    for version, text in enumerate((before, after, before), 1):
        document = Document(uri="file:///shared_state.py", version=version, text=text, cursor=len(text) - 1)
        site = engine.classify(document)
        assert site is not None
        names = engine.candidates(document, site).names
        assert names is not None
        answers.append("take" in names.names(""))
    assert answers == [False, True, False]


@pytest.mark.parametrize(
    "marked", ["def f(depth):\n    depth += |\n", "def f(xs):\n    return sorted(xs, key=|)\n"]
)
def test_every_keyword_is_a_name_where_a_bare_name_may_stand(
    engine: PythonEngine, doc: MakeDoc, marked: str
) -> None:
    names = _names(engine, doc, marked)
    assert names is not None and set(keyword.kwlist) <= names, set(keyword.kwlist) - (names or set())


def test_members_list_no_keywords(engine: PythonEngine, doc: MakeDoc) -> None:
    names = _names(engine, doc, "import os\nos.|\n")
    assert names is not None and "lambda" not in names and "not" not in names
