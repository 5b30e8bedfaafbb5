"""Settings without a model: wire keys ↔ typed settings, validation, and the service's ``configure``."""

from __future__ import annotations

from pathlib import Path

from lsp_server.config import SETTINGS, ServerSettings, parse_settings
from lsp_server.service import CompletionService


def test_wire_keys_map_onto_the_layers_settings() -> None:
    raw = {
        "model": "x.gguf",
        "threads": 1,
        "maxTokens": 9,
        "pythonEnvironment": "/venv",
        "guided": {"activeCompletion": False, "engineBudgetMs": 400, "sites": {"keywordArg": False}},
        "devData": "off",
    }
    settings, errors = parse_settings(raw, ServerSettings())
    assert errors == []
    assert (settings.model.spec, settings.model.threads, settings.generation.max_tokens) == ("x.gguf", 1, 9)
    assert settings.guided.active_completion is False and settings.guided.enabled is True
    assert settings.guided.engine_budget_ms == 400 and not settings.guided.sites.allows("keyword_arg")
    assert settings.guided.sites.allows("member") and settings.engine.jedi.python_environment == "/venv"
    assert settings.dev_data == "off"


def test_invalid_values_keep_the_current_one_and_say_why() -> None:
    base, _ = parse_settings({"maxLines": 3}, ServerSettings())
    settings, errors = parse_settings(
        {
            "maxLines": "many",
            "nCtx": 10,
            "logLevel": "loud",
            "guided": {"pruning": "yes", "bogus": 1},
            "bogus": 2,
            "maxMs": True,
        },
        base,
    )
    assert settings == base
    assert errors == [
        "setting 'maxLines'='many' is invalid (expected an integer); keeping 3",
        "setting 'nCtx'=10 is invalid (expected 256..1048576); keeping 4096",
        "setting 'logLevel'='loud' is invalid (expected one of error, warning, info, debug); keeping 'info'",
        "setting 'guided.pruning'='yes' is invalid (expected true or false); keeping True",
        "unknown setting 'guided.bogus' ignored",
        "unknown setting 'bogus' ignored",
        "setting 'maxMs'=True is invalid (expected an integer); keeping 1500",
    ]
    assert parse_settings({"guided": True}, base)[1] == ["setting 'guided' must be an object"]
    assert parse_settings([1], base)[1] == ["settings must be an object, got list"]
    assert parse_settings(None, base) == (base, [])


def test_every_setting_has_a_default_of_its_own_type() -> None:
    defaults = {key: s.default for key, s in SETTINGS.items()}
    assert defaults["model"] == "default" and defaults["guided.enabled"] is True
    assert defaults["guided.engineBudgetMs"] == 60 and defaults["pythonEnvironment"] == ""
    assert all(s.range is not None for s in SETTINGS.values() if type(s.default) is int)


def test_configure_rebuilds_the_engine_with_its_settings(tmp_path: Path) -> None:
    service = CompletionService()
    first = service.engine
    try:
        same = service.configure(service.settings)
        assert same == frozenset() and service.engine is first
        settings, _ = parse_settings({"pythonEnvironment": str(tmp_path)}, service.settings)
        assert service.configure(settings) == {"engine"}
        assert service.engine is not first and service.settings is settings
        assert service.engine.jedi.settings.python_environment == str(tmp_path)
        rebuilt = service.engine
        budget, _ = parse_settings({"guided": {"engineBudgetMs": 900}}, settings)
        assert service.configure(budget) == {"guided"} and service.engine is rebuilt  # a decoder setting
    finally:
        service.engine.close()


def test_configure_reports_a_model_change_without_touching_the_engine() -> None:
    service = CompletionService()
    engine = service.engine
    try:
        settings, _ = parse_settings({"nCtx": 2048, "maxTokens": 3, "debounceMs": 0}, service.settings)
        assert service.configure(settings) == {"model", "generation", "debounce_ms"}
        assert service.engine is engine and not service.ready  # loading is the caller's (model thread)
    finally:
        service.engine.close()
