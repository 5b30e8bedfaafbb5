"""Neovim 0.12 end-to-end: the documented editors/nvim/init.lua in headless Neovim, real server and model.

tests/e2e/nvim/test.lua opens a Python file, waits for the model, types in insert mode, waits for
the ghost-text extmark (namespace nvim.lsp.inline_completion), accepts it with <Tab> (the documented
mapping, vim.lsp.inline_completion.get()) and checks the buffer; then leaves insert mode while a
request is pending. Here we also check, from the recorded LSP traffic, that the accept command
reached the server and that the pending request was cancelled and answered.
"""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from tests.e2e.conftest import E2E, REPO, read_tap, run_installer, tapped_server_command

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(1800)]

SOURCE = '''import os


def python_files(folder):
    """Return the sorted names of the Python files in folder."""
    names = [name for name in os.listdir(folder) if name.endswith(".py")]
    
'''


def test_neovim_inline_completion(e2e_out) -> None:
    nvim = run_installer("install_neovim.sh")
    work = e2e_out / "work"
    work.mkdir()
    source = work / "main.py"
    source.write_text(SOURCE, encoding="utf-8")
    tap_log, result_file = e2e_out / "tap.jsonl", e2e_out / "result.json"
    env = {
        **os.environ,
        "GW_INIT_LUA": str(REPO / "editors" / "nvim" / "init.lua"),
        "GW_SERVER_CMD": json.dumps(tapped_server_command(tap_log)),
        "GW_FILE": str(source),
        "GW_RESULT": str(result_file),
        "GW_TIMEOUT_MS": "180000",
        "XDG_STATE_HOME": str(e2e_out / "state"),  # Neovim's lsp.log goes here
        "XDG_CACHE_HOME": str(e2e_out / "cache"),
    }
    proc = subprocess.run([str(nvim), "--headless", "--clean", "-u", str(E2E / "nvim" / "test.lua")],
                          cwd=work, env=env, capture_output=True, text=True, timeout=360, stdin=subprocess.DEVNULL)
    (e2e_out / "nvim.log").write_text(proc.stdout + proc.stderr, encoding="utf-8")
    result = json.loads(result_file.read_text()) if result_file.exists() else {}
    print(json.dumps(result, indent=2))
    assert proc.returncode == 0 and result.get("ok"), (
        f"Neovim e2e failed: {result.get('error') or proc.stderr[-2000:]}\nlogs and LSP traffic in {e2e_out}")

    assert result["inline_provider"] is True
    assert result["offset_encoding"] == "utf-8"  # pygls negotiates utf-8 with Neovim
    assert result["ghost"]["text"].strip(), "empty ghost text"
    assert result["lines_after"][0].startswith("    return ") and len(result["lines_after"][0]) > len("    return ")

    messages = read_tap(tap_log)
    accepts = [m["msg"] for m in messages
               if m["dir"] == "c2s" and m["msg"].get("method") == "workspace/executeCommand"]
    assert accepts and accepts[0]["params"]["command"] == "ghostwise.accept"
    cancels = {m["msg"]["params"]["id"] for m in messages
               if m["dir"] == "c2s" and m["msg"].get("method") == "$/cancelRequest"}
    answers = {m["msg"]["id"]: m["msg"] for m in messages
               if m["dir"] == "s2c" and "id" in m["msg"] and "method" not in m["msg"]}
    assert cancels, "leaving insert mode with a pending request sent no $/cancelRequest"
    for request_id in cancels:
        answer = answers.get(request_id)
        assert answer is not None, f"cancelled request {request_id} was never answered"
        assert answer.get("error", {}).get("code") == -32800 or not (answer.get("result") or {}).get("items")
