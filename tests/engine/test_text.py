"""The lexer that tells code from strings and comments, and the small text helpers."""

from __future__ import annotations

import pytest

from completion_engine.text import clean_text, ends_in_number_dot, identifier_tail, in_code, scan


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("x = os.", True),
        ("x = 'abc", False),
        ('x = "a\\"b', False),
        ("x = 'a' + b", True),
        ("x = '''\nabc", False),
        ("x = '''a'''; y", True),
        ("# comment", False),
        ("x = 1  # os.", False),
        ("x = '#' + y", True),
        ("f'{x.", True),
        ("f'{x}.", False),
        ("f'{{x.", False),
        ("f'{x!r:{width}}' + y", True),
        ("f'{d[\"k\"]}' + z.", True),
        ("rb'\\' + y", False),
        ("x = 'abc\ny = 1", True),
    ],
)
def test_scan_tells_code_from_strings_and_comments(text: str, code: bool) -> None:
    assert in_code(scan(text)) is code


def test_identifier_tail_and_numbers() -> None:
    assert identifier_tail("os.pa") == "pa"
    assert identifier_tail("os.") == ""
    assert identifier_tail("x = été") == "été"
    assert ends_in_number_dot("x = 1.")
    assert not ends_in_number_dot("x = x1.")
    assert not ends_in_number_dot("x = foo.")


def test_clean_text_keeps_length() -> None:
    broken = "x = 'caf\udce9'"
    cleaned = clean_text(broken)
    assert len(cleaned) == len(broken)
    cleaned.encode("utf-8")
