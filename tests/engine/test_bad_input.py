"""Bad input never crashes or hangs: it gives "no site" or "unknown" plus a debug log line."""

from __future__ import annotations

import logging
import subprocess
import sys
import time
from pathlib import Path

import pytest

from completion_engine import Document, EngineSettings, JediSettings, PythonEngine, Site

from .conftest import WORKSPACE, MakeDoc, make_doc


def _member_names(engine: PythonEngine, document: Document) -> set[str] | None:
    site = engine.classify(document)
    assert site is not None and site.kind == "member"
    names = engine.candidates(document, site).names
    return None if names is None else set(names.names(""))


@pytest.mark.parametrize(
    "marked",
    [
        "def (((:\n  x = os.|",
        "class\n)))\n]]\nimport os\nos.|",
        'x = "abc\nimport os\nos.|',
        "x = '''never closed\nos.|",
        "\x00\x01 garbage \ufeff os.|",
        ")" * 500 + "x.|",
    ],
)
def test_broken_code_does_not_crash(engine: PythonEngine, doc: MakeDoc, marked: str) -> None:
    document = doc(marked)
    site = engine.classify(document)
    if site is not None:
        engine.candidates(document, site)
    engine.check(document, "path.join(")


def test_unterminated_single_quote_ends_at_the_newline(engine: PythonEngine, doc: MakeDoc) -> None:
    document = doc('x = "abc\nimport os\nos.|')
    assert engine.classify(document) is not None


def test_lone_surrogates_and_undecodable_bytes(engine: PythonEngine, doc: MakeDoc) -> None:
    latin1 = b"s = 'caf\xe9'\n".decode("utf-8", "surrogateescape")
    document = doc(latin1 + "import os\nx = '\udcff'\nos.path.|\n")
    names = _member_names(engine, document)
    assert names is not None and "join" in names
    site = engine.classify(document, "join(x, '\ud800').")
    assert site is not None and site.kind == "member"
    assert engine.check(document, "join('\udc80')") == ()


def test_huge_document_is_windowed_and_jedi_skipped(
    engine: PythonEngine, caplog: pytest.LogCaptureFixture
) -> None:
    chunk = "".join(f"def func_{i}(a, b):\n    '''Doc.'''\n    return a + b  # {i}\n\n\n" for i in range(200))
    text = chunk * (5_000_000 // len(chunk) + 1) + "import os\nx = os.path.\n"
    document = Document(uri="file:///huge.py", version=1, text=text, cursor=len(text) - 1)
    caplog.set_level(logging.DEBUG, logger="completion_engine")
    t0 = time.perf_counter()
    site = engine.classify(document)
    assert site is not None and site.kind == "member"
    assert engine.candidates(document, site).names is None
    assert engine.check(document, "join('a', 'b')") == ()
    assert time.perf_counter() - t0 < 30  # generous: only guards against an unbounded parse
    messages = [r.getMessage() for r in caplog.records]
    assert any("window" in m for m in messages)
    assert any("chars (>" in m for m in messages)


def test_path_outside_the_workspace_and_no_path(engine: PythonEngine, tmp_path: Path) -> None:
    for path, root in [(tmp_path / "elsewhere.py", WORKSPACE), (None, None)]:
        text = "import json\njson.\n"
        document = Document(
            uri="untitled:1", version=1, text=text, cursor=len(text) - 1, path=path, workspace_root=root
        )
        names = _member_names(engine, document)
        assert names is not None and "dumps" in names


def test_workspace_without_venv_and_unusable_configured_environment(tmp_path: Path) -> None:
    engine = PythonEngine(
        EngineSettings(jedi=JediSettings(timeout_ms=20_000, python_environment=str(tmp_path / "nope")))
    )
    try:
        document = make_doc("import os\nos.path.|\n", root=tmp_path)
        names = _member_names(engine, document)
        assert names is not None and "join" in names
    finally:
        engine.close()


@pytest.fixture(scope="module")
def venv_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace with its own ``.venv`` holding a package the engine's interpreter does not have."""
    root = tmp_path_factory.mktemp("venv_ws")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root / ".venv")], check=True)
    (site_packages,) = (root / ".venv").glob("lib/python3*/site-packages")
    (site_packages / "gw_only_in_venv").mkdir()
    (site_packages / "gw_only_in_venv" / "__init__.py").write_text("def special_thing():\n    pass\n")
    return root


@pytest.mark.parametrize("configured", [False, True])
def test_workspace_venv_packages_resolve(venv_workspace: Path, configured: bool) -> None:
    environment = str(venv_workspace / ".venv") if configured else ""
    engine = PythonEngine(
        EngineSettings(jedi=JediSettings(timeout_ms=20_000, python_environment=environment))
    )
    try:
        document = make_doc("import gw_only_in_venv\ngw_only_in_venv.|\n", root=venv_workspace)
        names = _member_names(engine, document)
        assert names is not None and "special_thing" in names
    finally:
        engine.close()


def test_jedi_errors_and_recursion_are_unknown(
    engine: PythonEngine, doc: MakeDoc, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="completion_engine")
    document = doc("import os\nos.|")
    bogus = Site(
        kind="member", cursor=0, generated="", start=len(document.text) + 50, typed="", key=("bogus",)
    )
    assert engine.candidates(document, bogus).names is None  # Jedi raises on a position past the end
    nested = doc("x = " + "(" * 3000 + "1" + ")" * 3000 + "\nx.|\n")
    site = engine.classify(nested)
    assert site is None or engine.candidates(nested, site).names is None
    recursive = doc("def f():\n    return f()\n\nf().|\n")
    assert _member_names(engine, recursive) is None
    assert any("unknown" in r.getMessage() for r in caplog.records)


def test_a_slow_answer_is_not_ready_and_is_kept_for_later(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="completion_engine")
    engine = PythonEngine(EngineSettings(jedi=JediSettings(timeout_ms=1)))
    try:
        document = make_doc("import collections\ncollections.|\n")
        site = engine.classify(document)
        assert site is not None
        first = engine.candidates(document, site)
        assert not first.ready and first.names is None
        assert any("no answer within" in r.getMessage() for r in caplog.records)
        deadline = time.monotonic() + 30
        late = first
        while not late.ready and time.monotonic() < deadline:
            time.sleep(0.05)
            late = engine.candidates(document, site, wait_ms=0)
        assert (
            late.ready and late.memoized and late.names is not None and "OrderedDict" in late.names.names("")
        )
    finally:
        engine.close()


def test_cursor_outside_the_document_and_other_languages(engine: PythonEngine) -> None:
    with pytest.raises(ValueError, match="cursor 14 outside"):
        Document(uri="file:///x.py", text="x = ", cursor=14)  # the door clamps; nothing below sees it
    with pytest.raises(ValueError, match="cursor -1 outside"):
        Document(uri="file:///x.py", text="x = ", cursor=-1)
    other = Document(uri="file:///a.js", version=1, text="console.", cursor=8, language_id="javascript")
    assert engine.classify(other) is None


def test_huge_single_line_is_windowed(engine: PythonEngine) -> None:
    text = "import os; x = (" + "1+" * 2_500_000 + "1); os."
    document = Document(uri="file:///minified.py", version=1, text=text, cursor=len(text))
    site = engine.classify(document)
    assert site is not None and site.kind == "member"
    assert len(engine.trees.parsed(document).source) <= engine.trees.max_parse_chars
