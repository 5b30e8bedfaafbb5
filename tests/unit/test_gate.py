"""The gate without a model: trigger, language and file rules, snooze, minimum length, and its settings."""

from __future__ import annotations

from pathlib import Path

from lsp_server.config import ServerSettings, parse_settings
from lsp_server.gate import GateSettings, long_enough, refusal

ROOT = Path("/work/project")


def refused(
    settings: GateSettings,
    path: str = "app.py",
    *,
    explicit: bool = False,
    language: str = "python",
    snoozed: bool = False,
) -> str | None:
    return refusal(
        settings, explicit=explicit, language_id=language, path=ROOT / path, root=ROOT, snoozed=snoozed
    )


def test_defaults_answer_everything() -> None:
    assert refused(GateSettings()) is None
    assert (
        refusal(GateSettings(), explicit=False, language_id="markdown", path=None, root=None, snoozed=False)
        is None
    )


def test_manual_trigger_answers_explicit_requests_only() -> None:
    manual = GateSettings(trigger="manual")
    assert refused(manual) == "manual trigger: not an explicit request"
    assert refused(manual, explicit=True) is None


def test_snooze_stops_automatic_requests_but_not_explicit_ones() -> None:
    assert refused(GateSettings(), snoozed=True) == "snoozed"
    assert refused(GateSettings(), snoozed=True, explicit=True) is None


def test_language_rules_last_match_wins() -> None:
    rules = GateSettings(languages=("!markdown",))
    assert refused(rules, language="markdown") == "language 'markdown' is turned off"
    assert refused(rules, language="python") is None
    only_python = GateSettings(languages=("!*", "python"))
    assert refused(only_python, language="python") is None
    assert refused(only_python, language="rust") is not None
    assert refused(GateSettings(languages=("python", "!*")), language="python") is not None


def test_file_rules_are_globs_relative_to_the_workspace() -> None:
    rules = GateSettings(files=("!**/tests/**", "!secret_*.py", "tests/keep.py"))
    assert refused(rules, "tests/test_app.py") == "file tests/test_app.py is turned off"
    assert refused(rules, "pkg/tests/deep/x.py") is not None
    assert refused(rules, "tests/keep.py") is None  # a later rule turns it back on
    assert refused(rules, "lib/secret_keys.py") is not None  # no "/": the file name, in any folder
    assert refused(rules, "lib/app.py") is None
    only_src = GateSettings(files=("!**", "src/**"))
    assert refused(only_src, "src/a/b.py") is None
    assert refused(only_src, "scripts/b.py") is not None
    # "*" stays within one folder, "?" is one character
    assert refused(GateSettings(files=("!src/*.py",)), "src/a/b.py") is None
    assert refused(GateSettings(files=("!src/?.py",)), "src/a.py") is not None
    # outside the workspace: the absolute path
    outside = refusal(
        GateSettings(files=("!/tmp/**",)),
        explicit=False,
        language_id="python",
        path=Path("/tmp/x.py"),
        root=ROOT,
        snoozed=False,
    )
    assert outside == "file /tmp/x.py is turned off"


def test_minimum_length_ignores_surrounding_whitespace() -> None:
    assert not long_enough(GateSettings(), "")
    assert not long_enough(GateSettings(min_chars=3), "  ab \n")
    assert long_enough(GateSettings(min_chars=3), " abc")


def test_settings_take_lists_of_strings_and_say_why_not() -> None:
    settings, errors = parse_settings(
        {
            "trigger": "manual",
            "languages": ["!*", "python"],
            "files": ["!**/tests/**"],
            "minChars": 4,
            "snoozeMinutes": 5,
            "thinkingAfterMs": 0,
        },
        ServerSettings(),
    )
    assert errors == []
    assert settings.gate == GateSettings(
        trigger="manual", languages=("!*", "python"), files=("!**/tests/**",), min_chars=4, snooze_minutes=5
    )
    assert settings.thinking_after_ms == 0
    kept, errors = parse_settings(
        {"languages": "python", "files": ["a", 3], "trigger": "sometimes"}, settings
    )
    assert kept == settings
    assert errors == [
        "setting 'languages'='python' is invalid (expected a list of strings); keeping ('!*', 'python')",
        "setting 'files'=['a', 3] is invalid (expected a list of strings); keeping ('!**/tests/**',)",
        "setting 'trigger'='sometimes' is invalid (expected one of automatic, manual); keeping 'manual'",
    ]
