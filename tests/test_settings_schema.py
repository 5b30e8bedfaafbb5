"""The VS Code extension's settings (vscode-client/package.json) match the server's settings schema.

One source of truth: ``lsp_server.config.SETTINGS`` (dotted camelCase key → default, range, choices). Every
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
JSON_TYPES = {bool: "boolean", int: "integer", str: "string", tuple: "array"}


@pytest.fixture(scope="module")
def properties() -> dict[str, dict[str, Any]]:
    manifest = json.loads(PACKAGE_JSON.read_text(encoding="utf-8"))
    props: dict[str, dict[str, Any]] = manifest["contributes"]["configuration"]["properties"]
    assert all(key.startswith("ghostwise.") for key in props), "every setting lives under ghostwise."
    return {key.removeprefix("ghostwise."): value for key, value in props.items()}


def test_same_keys_both_ways(properties: dict[str, dict[str, Any]]) -> None:
    declared = set(properties) - CLIENT_ONLY
    assert declared - set(config.SETTINGS) == set(), "settings the server does not know"
    assert set(config.SETTINGS) - declared == set(), "server settings missing from package.json"
    assert CLIENT_ONLY <= set(properties)


@pytest.mark.parametrize("key", sorted(config.SETTINGS))
def test_default_and_type(properties: dict[str, dict[str, Any]], key: str) -> None:
    default = config.SETTINGS[key].default
    prop = properties[key]
    wire = list(default) if isinstance(default, tuple) else default  # lists are tuples once parsed
    assert prop["default"] == wire and type(prop["default"]) is type(wire), (
        f"ghostwise.{key}: package.json default {prop['default']!r}, server default {default!r}"
    )
    assert prop["type"] == JSON_TYPES[type(default)]
    if isinstance(default, tuple):
        assert prop["items"] == {"type": "string"}


@pytest.mark.parametrize("key", sorted(k for k, s in config.SETTINGS.items() if s.choices))
def test_enums(properties: dict[str, dict[str, Any]], key: str) -> None:
    choices = config.SETTINGS[key].choices
    assert tuple(properties[key]["enum"]) == choices
    assert len(properties[key].get("enumDescriptions", choices)) == len(choices or ())


@pytest.mark.parametrize(
    "key",
    sorted(
        k
        for k, s in config.SETTINGS.items()
        if isinstance(s.default, int) and not isinstance(s.default, bool)
    ),
)
def test_integer_ranges(properties: dict[str, dict[str, Any]], key: str) -> None:
    assert config.SETTINGS[key].range is not None, f"{key} has no range"
    assert (properties[key].get("minimum"), properties[key].get("maximum")) == config.SETTINGS[key].range


def test_client_only_settings(properties: dict[str, dict[str, Any]]) -> None:
    command = properties["server.command"]
    assert command["type"] == "array" and command["items"] == {"type": "string"} and command["default"] == []
    trace = properties["trace.server"]
    assert trace["enum"] == ["off", "messages", "verbose"] and trace["default"] == "off"
