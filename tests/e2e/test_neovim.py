"""Neovim end-to-end tests in headless Neovim, real server and model.

Neovim 0.12, ghost text: the documented editors/nvim/init.lua.

tests/e2e/nvim/test.lua opens a Python file, waits for the model, types in insert mode, waits for
the ghost-text extmark (namespace nvim.lsp.inline_completion), accepts it with <Tab> (the documented
mapping, vim.lsp.inline_completion.get()) and checks the buffer; then leaves insert mode while a
request is pending. Here we also check, from the recorded LSP traffic, that the accept command
reached the server and that the pending request was cancelled and answered.

Neovim 0.11, completion route: the documented editors/nvim/completion-0.11.lua with the built-in
vim.lsp.completion; tests/e2e/nvim/test_completion.lua types until ghostwise's item is in the
completion menu, confirms it with <C-y> and checks the line.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.e2e.conftest import E2E, REPO, read_tap, run_installer, tapped_server_command

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(1800)]

SOURCE = '''import os


def python_files(folder):
    """Return the sorted names of the Python files in folder."""
    names = [name for name in os.listdir(folder) if name.endswith(".py")]
    
'''


def run_nvim(nvim: Path, init_lua: str, test_lua: str, out: Path) -> tuple[dict, Path]:
    """Run one headless test script against the real server; return its result and the tap log."""
    work = out / "work"
    work.mkdir()
    source = work / "main.py"
    source.write_text(SOURCE, encoding="utf-8")
    tap_log, result_file = out / "tap.jsonl", out / "result.json"
    env = {
        **os.environ,
        "GW_INIT_LUA": str(REPO / "editors" / "nvim" / init_lua),
        "GW_SERVER_CMD": json.dumps(tapped_server_command(tap_log)),
        "GW_FILE": str(source),
        "GW_RESULT": str(result_file),
        "GW_TIMEOUT_MS": "180000",
        "XDG_STATE_HOME": str(out / "state"),  # Neovim's lsp.log goes here
        "XDG_CACHE_HOME": str(out / "cache"),
        "XDG_DATA_HOME": str(out / "data"),  # the server's dev data stays in this test's folder
    }
    proc = subprocess.run(
        [str(nvim), "--headless", "--clean", "-u", str(E2E / "nvim" / test_lua)],
        cwd=work,
        env=env,
        check=False,
        capture_output=True,
        text=True,
        timeout=360,
        stdin=subprocess.DEVNULL,
    )
    (out / "nvim.log").write_text(proc.stdout + proc.stderr, encoding="utf-8")
    result = json.loads(result_file.read_text()) if result_file.exists() else {}
    print(json.dumps(result, indent=2))
    assert proc.returncode == 0 and result.get("ok"), (
        f"Neovim e2e failed: {result.get('error') or proc.stderr[-2000:]}\nlogs and LSP traffic in {out}"
    )
    return result, tap_log


def test_neovim_inline_completion(e2e_out: Path) -> None:
    nvim = run_installer("install_neovim.sh")
    result, tap_log = run_nvim(nvim, "init.lua", "test.lua", e2e_out)

    assert result["inline_provider"] is True
    assert result["offset_encoding"] == "utf-8"  # pygls negotiates utf-8 with Neovim
    assert result["ghost"]["text"].strip(), "empty ghost text"
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
