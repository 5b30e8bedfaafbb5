"""Helix end-to-end: real Helix 25.07 (Debian sid's ``hx``) in tmux, real server and model.

Helix reads the documented ``editors/helix/languages.toml`` unchanged: pylsp (python-lsp-server from
PyPI) first and ghostwise second in python's ``language-servers``. Both are found on ``PATH`` as a new
user's would be, here as wrappers that record their traffic through lsp_tap.py. The test opens
main.py of a small workspace, types ``return `` at the end of a function, waits for ghostwise's ``✦``
item in the completion menu next to pylsp's items, selects it with Tab, confirms with Enter, writes
the file with ``:w`` and checks the saved line is the item's text; then snoozes with
``:lsp-workspace-command ghostwise.snooze``. GHOSTWISE_UPDATE_SCREENSHOTS=1
copies the screen with the menu to docs/images/helix-completion.txt (the README shows it).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import time
from pathlib import Path

import pytest

from lsp_server.devdata.writer import DATA_DIR_ENV
from lsp_server.items import snippet_text
from tests.e2e.conftest import E2E, REPO, read_tap, run_installer, server_executable
from tests.e2e.terminal import Terminal, poll

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900)]

SOURCE = '''import os


def python_files(folder):
    """Return the sorted names of the Python files in folder."""
    names = [name for name in os.listdir(folder) if name.endswith(".py")]
    
'''
LAST_LINE = SOURCE.count("\n")  # 1-based number of the line we type on


def tapped(name: str, command: Path, log: Path) -> str:
    """A ``name`` executable that runs ``command`` through lsp_tap.py, recording into ``log``."""
    return f'#!/bin/sh\nexec {sys.executable} {E2E / "lsp_tap.py"} --log {log} -- {command} "$@"\n'


def line_on_screen(screen: str, number: int) -> str | None:
    """The text of buffer line ``number`` as Helix draws it (after the line-number gutter)."""
    for row in screen.splitlines():
        if m := re.match(rf"^\s*{number}  (.*)$", row):
            return m.group(1).rstrip()
    return None


def statuses(tap: Path) -> list[str]:
    return [
        m["msg"]["params"]["state"]
        for m in read_tap(tap)
        if m["dir"] == "s2c" and m["msg"].get("method") == "ghostwise/status"
    ]


def commands(tap: Path) -> list[str]:
    return [
        m["msg"]["params"]["command"]
        for m in read_tap(tap)
        if m["dir"] == "c2s" and m["msg"].get("method") == "workspace/executeCommand"
    ]


def methods(messages: list[dict], direction: str) -> list[str]:
    return [m["msg"]["method"] for m in messages if m["dir"] == direction and "method" in m["msg"]]


def test_helix_completion_next_to_pylsp(e2e_out: Path) -> None:
    root = run_installer("install_helix.sh")
    bin_dir, config, work = e2e_out / "bin", e2e_out / "config" / "helix", e2e_out / "work"
    for folder in (bin_dir, config, work):
        folder.mkdir(parents=True)
    tap, tap_pylsp = e2e_out / "tap.jsonl", e2e_out / "tap-pylsp.jsonl"
    for name, command, log in (
        ("ghostwise", server_executable(), tap),
        ("pylsp", root / "bin" / "pylsp", tap_pylsp),
    ):
        (bin_dir / name).write_text(tapped(name, command, log), encoding="utf-8")
        (bin_dir / name).chmod(0o755)
    shutil.copy(REPO / "editors" / "helix" / "languages.toml", config / "languages.toml")
    (work / "pyproject.toml").write_text('[project]\nname = "demo"\n', encoding="utf-8")
    source = work / "main.py"
    source.write_text(SOURCE, encoding="utf-8")

    env = {
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "XDG_CONFIG_HOME": str(e2e_out / "config"),
        "XDG_CACHE_HOME": str(e2e_out / "cache"),  # helix.log goes here
        "XDG_DATA_HOME": str(e2e_out / "data"),
        DATA_DIR_ENV: str(e2e_out / "data"),  # the server's dev data stays in this test's folder
        "TERM": "tmux-256color",
    }
    term = Terminal([str(root / "bin" / "hx"), "main.py"], cwd=work, env=env)
    try:
        term.wait_for("Helix to open main.py", lambda s: s if "def python_files" in s else None, 30)
        poll("ghostwise/status ready", lambda: True if "ready" in statuses(tap) else None, 240)
        term.keys("g", "e", "A")  # last line, insert at its end
        term.type("return ")
        menu = term.wait_for(
            "ghostwise's item in the completion menu", lambda s: s if "✦ " in s else None, 180
        )
        (e2e_out / "helix-menu.txt").write_text(menu, encoding="utf-8")
        if os.environ.get("GHOSTWISE_UPDATE_SCREENSHOTS") == "1":
            (REPO / "docs" / "images" / "helix-completion.txt").write_text(menu, encoding="utf-8")
        print(menu)

        answers = [
            m["msg"]["result"]
            for m in read_tap(tap)
            if m["dir"] == "s2c"
            and isinstance(m["msg"].get("result"), dict)
            and m["msg"]["result"].get("items")
        ]
        item = answers[-1]["items"][0]
        assert item["insertTextFormat"] == 2, "Helix declares snippet support: the item is a snippet"
        expected = "    return " + item["documentation"]  # the documentation is the suggestion's text
        assert snippet_text(expected) == item["textEdit"]["newText"], item

        for _ in range(20):  # Tab walks the menu, showing each item in the line; ghostwise's is first
            term.keys("Tab")
            time.sleep(0.3)
            if line_on_screen(term.screen(), LAST_LINE) == expected.rstrip():
                break
        else:
            raise AssertionError(f"Tab never put {expected!r} in the line:\n{term.screen()}")
        term.keys("Enter", "Escape")
        time.sleep(1)  # past tmux's escape-time: else ":" would arrive as Alt+:
        term.type(":w")
        term.keys("Enter")
        saved = poll(
            "main.py written", lambda: t if (t := source.read_text(encoding="utf-8")) != SOURCE else None, 10
        )
        # the documented snooze: a workspace command of the server
        term.type(":lsp-workspace-command ghostwise.snooze", delay_s=0.03)
        term.keys("Enter")
        poll("ghostwise.snooze from Helix", lambda: True if "snooze" in " ".join(commands(tap)) else None, 20)
    finally:
        term.close()
        if (log := e2e_out / "cache" / "helix" / "helix.log").exists():
            shutil.copy(log, e2e_out / "helix.log")

    assert saved.splitlines()[LAST_LINE - 1] == expected
    assert saved.splitlines()[: LAST_LINE - 1] == SOURCE.splitlines()[: LAST_LINE - 1], "lines above changed"

    messages, pylsp = read_tap(tap), read_tap(tap_pylsp)
    init = next(m["msg"] for m in messages if m["dir"] == "c2s" and m["msg"].get("method") == "initialize")
    assert init["params"]["clientInfo"]["name"] == "helix"
    # languages.toml's `config` arrives as initializationOptions
    assert init["params"]["initializationOptions"]["completionFallback"] == "always"
    assert "inlineCompletion" not in init["params"]["capabilities"]["textDocument"]
    # only-features = ["completion"]: Helix asks ghostwise for nothing else
    asked = {m for m in methods(messages, "c2s") if m.startswith("textDocument/") and "did" not in m.lower()}
    assert asked == {"textDocument/completion"}, asked
    # pylsp ran beside it and offered its own items in the same menu
    assert "initialize" in methods(pylsp, "c2s") and "textDocument/completion" in methods(pylsp, "c2s")
    pylsp_items = [
        i
        for m in pylsp
        if m["dir"] == "s2c" and isinstance(m["msg"].get("result"), dict)
        for i in m["msg"]["result"].get("items", [])
    ]
    assert pylsp_items, "pylsp offered no completion items"
    # Helix runs no item command on accept (so no ghostwise.accept): only the snooze was executed
    assert commands(tap) == ["ghostwise.snooze"]
    print(json.dumps({"saved_line": expected, "pylsp_items": len(pylsp_items)}))
