"""VS Code end-to-end: the built .vsix in code-server 4.100.3 (VS Code 1.100.3), real server and model.

Driven by playwright-core in Debian's chromium (vscode/drive.mjs): open a Python file, see ghost text
from the default model, type through it, accept with Tab and compare the saved file with what was
shown, check that the accept command reached the server, type fast and check that the stale requests
VS Code cancelled were answered as cancelled. Set GHOSTWISE_UPDATE_SCREENSHOTS=1 to refresh
docs/images/vscode-ghost-text.png from the run.
"""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from lsp_server.config import SETTINGS
from lsp_server.devdata.reader import EventReader
from lsp_server.devdata.writer import DATA_DIR_ENV
from tests.e2e.conftest import (
    E2E,
    REPO,
    build_vsix,
    read_tap,
    run_installer,
    server_executable,
    tapped_server_command,
)

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(2400)]


def test_vscode_ghost_text(e2e_out) -> None:
    code_server = run_installer("install_vscode.sh")
    vsix = build_vsix()
    tap_log = e2e_out / "tap.jsonl"
    env = {
        **os.environ,
        "GW_CODE_SERVER": str(code_server),
        "GW_VSIX": str(vsix),
        "GW_WORK": str(e2e_out / "work"),
        "GW_OUT": str(e2e_out),
        "GW_SERVER_CMD": json.dumps(tapped_server_command(tap_log)),
        "GW_TAP_LOG": str(tap_log),
        # The server's dev data (and so the stats page) stays in this test's folder.
        "XDG_DATA_HOME": str(e2e_out / "data"),
        DATA_DIR_ENV: str(e2e_out / "data"),
    }
    stats = subprocess.run([str(server_executable()), "stats", "--help"], check=False, capture_output=True)
    env["GW_STATS"] = "1" if stats.returncode == 0 else "0"  # `ghostwise stats` may not exist yet
    if os.environ.get("GHOSTWISE_UPDATE_SCREENSHOTS") == "1":
        env["GW_SCREENSHOT"] = str(REPO / "docs" / "images" / "vscode-ghost-text.png")
    proc = subprocess.run(
        ["node", str(E2E / "vscode" / "drive.mjs")],
        env=env,
        check=False,
        capture_output=True,
        text=True,
        timeout=420,
    )
    (e2e_out / "drive.log").write_text(proc.stdout + proc.stderr, encoding="utf-8")
    print(proc.stdout[-6000:])
    summary_line = [line for line in proc.stdout.splitlines() if line.startswith("GHOSTWISE_E2E_SUMMARY ")]
    summary = json.loads(summary_line[-1].split(" ", 1)[1]) if summary_line else {}
    assert proc.returncode == 0 and summary.get("ok"), (
        f"VS Code e2e failed: {summary.get('error') or proc.stderr[-2000:]}\n"
        f"screenshot, LSP traffic and logs in {e2e_out}"
    )

    # The drive checked the editor side; check the server side of the same run from the traffic.
    messages = read_tap(tap_log)
    initialize = next(
        m["msg"] for m in messages if m["dir"] == "c2s" and m["msg"].get("method") == "initialize"
    )
    options = _flatten(initialize["params"]["initializationOptions"])
    assert set(options) == set(SETTINGS), "initializationOptions do not carry every server setting"
    assert options["logLevel"] == "debug"  # from the workspace's .vscode/settings.json
    assert initialize["params"]["capabilities"]["window"]["workDoneProgress"] is True
    init = next(
        m["msg"] for m in messages if m["dir"] == "s2c" and "capabilities" in (m["msg"].get("result") or {})
    )
    caps = init["result"]["capabilities"]
    assert "inlineCompletionProvider" in caps
    assert "ghostwise.accept" in caps["executeCommandProvider"]["commands"]
    assert caps.get("positionEncoding", "utf-16") == "utf-16"  # VS Code only speaks utf-16
    assert summary["acceptedLine"].startswith("    return ") and len(summary["acceptedLine"]) > len(
        "    return "
    )
    assert summary["burst"]["cancelled"] >= 1
    assert "unguided" in summary["statusBarUnguided"]

    # The extension reported what VS Code was given and what became of it: outcomes are measured.
    notes = [
        m["msg"]
        for m in messages
        if m["dir"] == "c2s" and m["msg"].get("method", "").startswith(("textDocument/did", "ghostwise/did"))
    ]
    shown = {
        n["params"]["item"]["command"]["arguments"][0]
        for n in notes
        if n["method"] == "textDocument/didShowCompletion"
    }
    answered = {
        i["command"]["arguments"][0]
        for m in messages
        if m["dir"] == "s2c" and isinstance(m["msg"].get("result"), dict)
        for i in m["msg"]["result"].get("items", [])
        if "insertText" in i
    }
    assert shown and shown <= answered, "didShowCompletion for items the server never sent"
    accepted_id = summary["acceptCommandArgs"][0]
    partial = summary["partial"]
    assert partial["acceptedLength"] > 0 and partial["id"] in shown
    events = {e.id: e for e in EventReader(e2e_out / "data" / "devdata").events()}
    assert events[accepted_id].outcome == "accepted" and events[accepted_id].shown is True
    assert events[partial["id"]].outcome == "partial"
    assert events[partial["id"]].accepted_chars == partial["acceptedLength"]
    dismissed = events[summary["dismissedId"]]
    assert (dismissed.outcome, dismissed.ended_by, dismissed.shown) == ("dismissed", "hidden", True)
    assert "unknown" not in [e.outcome for e in events.values()]

    # thinkingAfterMs 0: every suggestion began a "thinking" progress, and each one ended.
    progress = [
        m["msg"]["params"] for m in messages if m["dir"] == "s2c" and m["msg"].get("method") == "$/progress"
    ]
    thinking = {p["token"] for p in progress if p["value"].get("title") == "thinking"}
    ended = {p["token"] for p in progress if p["value"]["kind"] == "end"}
    assert thinking and thinking <= ended

    # Snooze and resume from the status bar reached the server.
    assert summary["snoozeCommands"] == ["ghostwise.snooze", "ghostwise.resume"]
    assert "snoozed" in summary["statusBarSnoozed"]

    if env["GW_STATS"] == "1":
        assert summary.get("statsTab"), "ghostwise: Open completion stats did not open the stats page"
        assert "suggestion" in summary.get("statsText", ""), "the stats page shows no suggestions"


def _flatten(options: dict, prefix: str = "") -> dict:
    flat = {}
    for key, value in options.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat
