"""Single- vs multi-line plans, stop rules while streaming, and clean-up of finished text."""

from __future__ import annotations

from decoding.shaping import ShapePlan, cut_at_stop, finalize, plan_shape

SINGLE = ShapePlan(multiline=False, max_lines=1)


def test_text_after_cursor_means_single_line() -> None:
    assert not plan_shape("def f():\n    x = foo(", ")\n", 8).multiline


def test_mid_statement_means_single_line() -> None:
    assert not plan_shape("total = ", "\n", 8).multiline


def test_empty_line_after_block_opener_is_multiline() -> None:
    plan = plan_shape("class A:\n    def run(self):\n        ", "\n", 5)
    assert plan.multiline and plan.max_lines == 5 and plan.block_indent == 8


def test_empty_line_without_opener_is_single_line() -> None:
    assert not plan_shape("x = 1\n", "", 8).multiline


def test_single_line_stops_at_newline() -> None:
    assert cut_at_stop("a + b\nprint(", SINGLE, over_time=False) == ("a + b", "line")
    assert cut_at_stop("a + b", SINGLE, over_time=False) == ("a + b", None)


def test_multiline_stops_when_indentation_leaves_the_block() -> None:
    plan = ShapePlan(multiline=True, max_lines=8, block_indent=4)
    text = "if x:\n        y()\n    return 1\ndef other"
    assert cut_at_stop(text, plan, over_time=False) == ("if x:\n        y()\n    return 1", "dedent")


def test_multiline_respects_max_lines_and_time_budget() -> None:
    plan = ShapePlan(multiline=True, max_lines=2, block_indent=4)
    assert cut_at_stop("a = 1\n    b = 2\n    c", plan, over_time=False) == ("a = 1\n    b = 2", "max_lines")
    plan = ShapePlan(multiline=True, max_lines=8, block_indent=4)
    assert cut_at_stop("a = 1\n    b", plan, over_time=True) == ("a = 1", "time")
    assert cut_at_stop("a = 1", plan, over_time=True) == ("a = 1", None)  # waits for the line end


def test_finalize_drops_tail_repeating_the_suffix() -> None:
    assert finalize("len(items))", ")\n", SINGLE) == "len(items)"
    assert finalize('"name"]', '"name"]', SINGLE) == ""
    assert finalize("max", "x)", SINGLE) == "max"  # a one-letter identifier overlap is a coincidence


def test_finalize_drops_repeated_suffix_lines_and_blank_results() -> None:
    plan = ShapePlan(multiline=True, max_lines=8, block_indent=4)
    assert finalize("x = 1\n    return x\n", "\n    return x\n", plan) == "x = 1"
    assert finalize("   \n  ", "", SINGLE) == ""
