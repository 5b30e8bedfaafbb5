"""Every metric rule on hand-made cases, both ways."""

from __future__ import annotations

import pytest

from completion_engine import PythonEngine
from lsp_server.bench.metrics import (
    Baseline,
    MembersAt,
    edit_similarity,
    engine_members,
    first_identifier,
    leading_member,
    levenshtein,
    score,
)
from lsp_server.bench.tasks import Task


def _task(
    prefix: str, ground_truth: str, suffix: str = "\n", kind: str = "line", path: str | None = None
) -> Task:
    return Task(task_id="t", prefix=prefix, suffix=suffix, ground_truth=ground_truth, kind=kind, path=path)


def _score(task: Task, completion: str, members: MembersAt | None = None):  # type: ignore[no-untyped-def]
    return score(task, completion, Baseline.of(task), members)


def test_levenshtein_and_edit_similarity() -> None:
    assert levenshtein("kitten", "sitting") == 3
    assert levenshtein("", "abc") == 3 and levenshtein("abc", "abc") == 0
    assert edit_similarity("", "") == 1.0
    assert edit_similarity("abcd", "abcx") == pytest.approx(0.75)
    assert edit_similarity("abc", "") == 0.0


def test_exact_match_compares_trimmed_first_lines() -> None:
    task = _task("def f(x):\n", "    return x + 1\n", suffix="")
    assert _score(task, "return x + 1   \n    # more").exact_match
    assert not _score(task, "return x + 2").exact_match
    assert _score(task, "return x + 2").edit_similarity == pytest.approx(1 - 1 / 12)


def test_identifier_match_uses_the_first_identifier() -> None:
    assert first_identifier("  (foo.bar") == "foo" and first_identifier("  123 + ") is None
    task = _task("y = ", "len(items)")
    assert _score(task, "len(other)").identifier_match
    assert not _score(task, "sum(items)").identifier_match


def test_syntax_error_only_when_the_completion_breaks_a_parsing_document() -> None:
    task = _task("x = ", "(1 + 2)")
    assert _score(task, "(1 + ").syntax_error is True
    assert _score(task, "3").syntax_error is False
    broken = _task("x = (", "1", suffix="\n")  # the ground truth does not parse either: not applicable
    assert _score(broken, "1").syntax_error is None


def test_undefined_name_only_when_the_completion_adds_one() -> None:
    task = _task("import os\nitems = [1]\nn = ", "len(items)")
    assert _score(task, "len(itemz)").undefined_name is True
    assert _score(task, "len(os.sep)").undefined_name is False
    already = _task("n = missing + ", "1")  # 'missing' is undefined with the ground truth too
    assert _score(already, "missing").undefined_name is False
    assert _score(task, "len(").undefined_name is False  # does not parse: counted as a syntax error instead


LATER = """\
class Box:
    def total(self):
        return self.{cursor}

    def size(self):
        return 3
"""


@pytest.fixture(scope="module")
def members(tmp_path_factory: pytest.TempPathFactory) -> MembersAt:
    root = tmp_path_factory.mktemp("project")
    (root / "pkg").mkdir()
    (root / "pkg" / "__init__.py").write_text("")
    (root / "pkg" / "helpers.py").write_text("def shout(text):\n    return text.upper()\n")
    return engine_members(PythonEngine(), root)


def test_unresolved_member_against_what_jedi_lists(members: MembersAt) -> None:
    prefix, suffix = LATER.split("{cursor}")
    task = _task(prefix, "size()\n", suffix=suffix.removeprefix("\n"), kind="member", path="pkg/box.py")
    # 'size' is defined after the cursor: Jedi finds it because it sees the whole document.
    assert _score(task, "size()", members).unresolved_member is False
    assert _score(task, "volume()", members).unresolved_member is True
    assert _score(task, "", members).unresolved_member is True


def test_members_resolve_through_the_project_root(members: MembersAt) -> None:
    task = _task(
        "from pkg import helpers\nhelpers.", "shout('a')\n", suffix="", kind="member", path="main.py"
    )
    assert _score(task, "shout('a')", members).unresolved_member is False
    assert _score(task, "whisper('a')", members).unresolved_member is True


def test_unknown_sites_and_other_kinds_are_not_rated(members: MembersAt) -> None:
    unknown = _task("def f(thing):\n    return thing.", "value\n", suffix="", kind="member")
    assert _score(unknown, "anything", members).unresolved_member is None
    line = _task("import os\nos.", "sep\n", suffix="", kind="line")
    assert _score(line, "nothing", members).unresolved_member is None


def test_helpers() -> None:
    assert leading_member("items[0]") == "items" and leading_member(" items") is None
