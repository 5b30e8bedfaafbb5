"""Neovim end-to-end tests: a Neovim with a terminal UI in tmux, real server and model.

Neovim 0.12, ghost text: the documented editors/nvim/init.lua.

tests/e2e/nvim/test.lua opens a Python file, waits for the model, types in insert mode, waits for
the ghost-text extmark (namespace nvim.lsp.inline_completion) and captures the screen, accepts it with
<Tab> (the documented mapping, vim.lsp.inline_completion.get()) and checks the buffer; accepts only
the next word of another suggestion (<M-Right>); then leaves insert mode while a request is pending.
Here we also check, from the recorded LSP traffic and the dev data, that the accept command reached
the server, that the word accept was reported and recorded as partial, and that the pending request
was cancelled and answered.

Neovim 0.11, completion route: the documented editors/nvim/completion-0.11.lua with the built-in
vim.lsp.completion and no `convert`; tests/e2e/nvim/test_completion.lua types until ghostwise's item
is in the completion menu, confirms it with <C-y> and checks that the whole line went in.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import tempfile
from pathlib import Path

import pytest

from lsp_server.devdata.reader import EventReader
from lsp_server.devdata.writer import DATA_DIR_ENV
from lsp_server.items import snippet_text
from tests.e2e.conftest import E2E, REPO, read_tap, run_installer, tapped_server_command
from tests.e2e.terminal import Terminal, poll

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(1800)]

SOURCE = '''import os


def python_files(folder):
    """Return the sorted names of the Python files in folder."""
    names = [name for name in os.listdir(folder) if name.endswith(".py")]
    
'''


def run_nvim(nvim: Path, init_lua: str, test_lua: str, out: Path) -> tuple[dict, Path]:
    """Run one test script in Neovim with a terminal UI (in tmux) against the real server; return its
    result and the tap log. The script saves screen captures (tmux capture-pane) into ``out``."""
    work = out / "work"
    work.mkdir()
    source = work / "main.py"
    source.write_text(SOURCE, encoding="utf-8")
    tap_log, result_file = out / "tap.jsonl", out / "result.json"
    env = {
        "GW_INIT_LUA": str(REPO / "editors" / "nvim" / init_lua),
        "GW_SERVER_CMD": json.dumps(tapped_server_command(tap_log)),
        "GW_FILE": str(source),
        "GW_RESULT": str(result_file),
        "GW_TIMEOUT_MS": "180000",
        "GW_OUT": str(out),
        "XDG_STATE_HOME": str(out / "state"),  # Neovim's lsp.log goes here
        "XDG_CACHE_HOME": str(out / "cache"),
        "XDG_DATA_HOME": str(out / "data"),
        DATA_DIR_ENV: str(out / "data"),  # the server's dev data stays in this test's folder
    }
    if shutil.which("tmux") is None:
        pytest.skip("tmux is needed to run Neovim's terminal UI (apt-get install tmux)")
    # The script runs in a headless Neovim; a terminal UI attaches to it (--remote-ui). Neovim's own TUI
    # would start its server as `/proc/self/exe --embed`, which for sid's Neovim is the loader.
    sock = Path(tempfile.gettempdir()) / f"ghostwise-nvim-{os.getpid()}-{test_lua}.sock"
    sock.unlink(missing_ok=True)
    nv, test, at = shlex.quote(str(nvim)), shlex.quote(str(E2E / "nvim" / test_lua)), shlex.quote(str(sock))
    script = (
        f"{nv} --headless --clean --listen {at} -u {test} & "
        f"for i in $(seq 300); do [ -S {at} ] && break; sleep 0.1; done; exec {nv} --remote-ui --server {at}"
    )
    term = Terminal(["sh", "-c", script], cwd=work, env=env, height=24)
    try:
        poll("Neovim to finish", lambda: True if term.exited() else None, 360)
    finally:
        term.close()
    result = json.loads(result_file.read_text()) if result_file.exists() else {}
    print(json.dumps(result, indent=2))
    assert result.get("ok"), (
        f"Neovim e2e failed: {result.get('error')}\nscreens, logs and LSP traffic in {out}"
    )
    return result, tap_log


def keep_capture(out: Path, name: str) -> str:
    """A screen the script captured; GHOSTWISE_UPDATE_SCREENSHOTS=1 copies it to docs/images/."""
    screen = (out / name).read_text(encoding="utf-8")
    if os.environ.get("GHOSTWISE_UPDATE_SCREENSHOTS") == "1":
        (REPO / "docs" / "images" / name).write_text(screen, encoding="utf-8")
    print(screen)
    return screen


def test_neovim_inline_completion(e2e_out: Path) -> None:
    nvim = run_installer("install_neovim.sh")
    result, tap_log = run_nvim(nvim, "init.lua", "test.lua", e2e_out)

    assert result["inline_provider"] is True
    assert result["offset_encoding"] == "utf-8"  # pygls negotiates utf-8 with Neovim
    assert result["ghost"]["text"].strip(), "empty ghost text"
    screen = keep_capture(e2e_out, "nvim-ghost-text.txt")
    assert "    return " + result["ghost"]["text"][:40] in screen, "the ghost text is not on the screen"
    assert result["lines_after"][0].startswith("    return ") and len(result["lines_after"][0]) > len(
        "    return "
    )

    messages = read_tap(tap_log)
    accepts = [
        m["msg"]
        for m in messages
        if m["dir"] == "c2s" and m["msg"].get("method") == "workspace/executeCommand"
    ]
    assert accepts and accepts[0]["params"]["command"] == "ghostwise.accept"

    # <M-Right> put the next word of the ghost text in the line and told the server how much.
    partial = result["partial"]
    word = re.match(r"\s*\w+|\s*[^\w\s]+", partial["ghost"])
    assert word and partial["after"] == partial["before"] + word.group(0), partial
    reports = [
        m["msg"]["params"]
        for m in messages
        if m["dir"] == "c2s" and m["msg"].get("method") == "textDocument/didPartiallyAcceptCompletion"
    ]
    assert len(reports) == 1 and reports[0]["acceptedLength"] >= len(word.group(0).strip()), reports
    partial_id = reports[0]["item"]["command"]["arguments"][0]
    events = {e.id: e for e in EventReader(e2e_out / "data" / "devdata").events()}
    assert events[partial_id].outcome == "partial", events[partial_id]
    assert events[partial_id].accepted_chars == reports[0]["acceptedLength"]

    # trigger = 'manual': the automatic requests got nothing, <M-\> sent an Invoked one that got the text
    changes = [
        i for i, m in enumerate(messages) if m["msg"].get("method") == "workspace/didChangeConfiguration"
    ]
    manual = messages[changes[-2] : changes[-1]]
    requests = {
        m["msg"]["id"]: m["msg"]["params"]["context"]["triggerKind"]
        for m in manual
        if m["dir"] == "c2s" and m["msg"].get("method") == "textDocument/inlineCompletion"
    }
    answers = {
        m["msg"]["id"]: m["msg"].get("result")
        for m in messages
        if m["dir"] == "s2c" and m["msg"].get("id") in requests
    }
    automatic = [i for i, kind in requests.items() if kind == 2]
    invoked = [i for i, kind in requests.items() if kind == 1]
    assert automatic and all(not (answers.get(i) or {}).get("items") for i in automatic), (requests, answers)
    assert len(invoked) == 1 and answers[invoked[0]]["items"][0]["insertText"].startswith(
        result["manual"]["ghost"]
    )
    assert result["manual"]["ghost_before_asking"] is False

    cancels = {
        m["msg"]["params"]["id"]
        for m in messages
        if m["dir"] == "c2s" and m["msg"].get("method") == "$/cancelRequest"
    }
    answers = {
        m["msg"]["id"]: m["msg"]
        for m in messages
        if m["dir"] == "s2c" and "id" in m["msg"] and "method" not in m["msg"]
    }
    assert cancels, "leaving insert mode with a pending request sent no $/cancelRequest"
    for request_id in cancels:
        answer = answers.get(request_id)
        assert answer is not None, f"cancelled request {request_id} was never answered"
        assert answer.get("error", {}).get("code") == -32800 or not (answer.get("result") or {}).get("items")


def test_neovim_0_11_completion_route(e2e_out: Path) -> None:
    nvim = run_installer("install_neovim_0_11.sh")
    result, tap_log = run_nvim(nvim, "completion-0.11.lua", "test_completion.lua", e2e_out)
    assert result["completion_provider"] is True
    assert result["item"]["abbr"].startswith("✦ ")
    assert result["item"]["abbr"] in keep_capture(e2e_out, "nvim-0.11-completion.txt"), (
        "no menu on the screen"
    )
    item = result["item"]["user_data"]["nvim"]["lsp"]["completion_item"]
    assert item["insertTextFormat"] == 2, "Neovim declares snippet support: the item is a snippet"
    # the whole completed line, with no client-side `convert` (0.11 inserts only the first word of a
    # plain-text edit)
    assert snippet_text(result["line_after"]) == item["textEdit"]["newText"], (result["line_after"], item)
    assert result["line_after"].startswith("    return ") and len(result["line_after"]) > len("    return ")
    assert result["buffer"][:6] == SOURCE.splitlines()[:6], "lines above the cursor changed"

    messages = read_tap(tap_log)
    init = next(m["msg"] for m in messages if m["dir"] == "c2s" and m["msg"].get("method") == "initialize")
    assert "inlineCompletion" not in init["params"]["capabilities"].get("textDocument", {}), (
        "Neovim 0.11 is expected to lack inline completion (that is why the fallback answers)"
    )
    requests = [
        m["msg"]
        for m in messages
        if m["dir"] == "c2s" and m["msg"].get("method") == "textDocument/completion"
    ]
    assert requests, "no textDocument/completion request"
    accepts = [
        m["msg"]
        for m in messages
        if m["dir"] == "c2s" and m["msg"].get("method") == "workspace/executeCommand"
    ]
    assert accepts and accepts[0]["params"]["command"] == "ghostwise.accept"
