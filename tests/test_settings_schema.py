"""The VS Code extension's settings (vscode-client/package.json) match the server's settings schema.

One source of truth: ``lsp_server.config.SETTINGS_SCHEMA`` (dotted camelCase key → default). Every
server key is a ``ghostwise.<key>`` setting with the same default and a matching type, enum and range;
the extension declares nothing else but its client-only settings.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from lsp_server import config

PACKAGE_JSON = Path(__file__).resolve().parents[1] / "vscode-client" / "package.json"
CLIENT_ONLY = {"server.command", "trace.server"}
JSON_TYPES = {bool: "boolean", int: "integer", str: "string"}


@pytest.fixture(scope="module")
def properties() -> dict[str, dict[str, Any]]:
    manifest = json.loads(PACKAGE_JSON.read_text(encoding="utf-8"))
    props: dict[str, dict[str, Any]] = manifest["contributes"]["configuration"]["properties"]
    assert all(key.startswith("ghostwise.") for key in props), "every setting lives under ghostwise."
    return {key.removeprefix("ghostwise."): value for key, value in props.items()}


def test_same_keys_both_ways(properties: dict[str, dict[str, Any]]) -> None:
    declared = set(properties) - CLIENT_ONLY
    assert declared - set(config.SETTINGS_SCHEMA) == set(), "settings the server does not know"
    assert set(config.SETTINGS_SCHEMA) - declared == set(), "server settings missing from package.json"
    assert CLIENT_ONLY <= set(properties)


@pytest.mark.parametrize("key", sorted(config.SETTINGS_SCHEMA))
def test_default_and_type(properties: dict[str, dict[str, Any]], key: str) -> None:
    default = config.SETTINGS_SCHEMA[key]
    prop = properties[key]
    assert prop["default"] == default and type(prop["default"]) is type(default), (
        f"ghostwise.{key}: package.json default {prop['default']!r}, server default {default!r}")
    assert prop["type"] == JSON_TYPES[type(default)]


@pytest.mark.parametrize(("key", "choices"), [
    ("completionFallback", config.FALLBACK_MODES),
    ("logLevel", config.LOG_LEVELS),
    ("devData", config.DEV_DATA_LEVELS),
])
def test_enums(properties: dict[str, dict[str, Any]], key: str, choices: tuple[str, ...]) -> None:
    assert tuple(properties[key]["enum"]) == tuple(choices)
    assert len(properties[key].get("enumDescriptions", choices)) == len(choices)


def test_integer_ranges(properties: dict[str, dict[str, Any]]) -> None:
    ranges: dict[str, tuple[int, int]] | None = getattr(config, "_RANGES", None)
    if ranges is None:
        pytest.skip("lsp_server.config has no _RANGES table")
    for name, (lo, hi) in ranges.items():
        head, *rest = name.split("_")
        key = head + "".join(part.title() for part in rest)
        assert (properties[key].get("minimum"), properties[key].get("maximum")) == (lo, hi), key


def test_client_only_settings(properties: dict[str, dict[str, Any]]) -> None:
    command = properties["server.command"]
    assert command["type"] == "array" and command["items"] == {"type": "string"} and command["default"] == []
    trace = properties["trace.server"]
    assert trace["enum"] == ["off", "messages", "verbose"] and trace["default"] == "off"
