"""Real-editor end-to-end tests: shared helpers.

Each test installs what it needs with a script in this folder (idempotent, cached under
``$GHOSTWISE_E2E_CACHE``, default ``~/.cache/ghostwise-e2e``) and skips only when that script says a
dependency cannot be installed here (exit status 75). Outputs (screenshots, LSP traffic, editor
logs) go to ``.e2e/out/<test>/`` in the repository (git-ignored); failures name that folder.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

E2E = Path(__file__).resolve().parent
REPO = E2E.parents[1]
VSCODE_CLIENT = REPO / "vscode-client"
EX_UNAVAILABLE = 75  # the install scripts' "cannot be installed here"


def run_installer(script: str, timeout_s: float = 1800) -> Path:
    """Run an install script; return the path it prints last. Skips when it reports exit 75."""
    proc = subprocess.run(
        ["bash", str(E2E / script)],
        check=False,
        capture_output=True,
        text=True,
        timeout=timeout_s,
        env={**os.environ, "PYTHON": sys.executable},
    )
    if proc.returncode == EX_UNAVAILABLE:
        pytest.skip(
            f"{script}: {proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else 'unavailable'}"
        )
    assert proc.returncode == 0, f"{script} failed ({proc.returncode}):\n{proc.stderr[-4000:]}"
    return Path(proc.stdout.strip().splitlines()[-1])


def npm_ci(folder: Path) -> None:
    """``npm ci`` unless node_modules already matches package-lock.json."""
    if shutil.which("npm") is None or shutil.which("node") is None:
        pytest.skip("node and npm are needed for the VS Code extension")
    lock = folder / "package-lock.json"
    stamp = folder / "node_modules" / ".package-lock.json"
    if stamp.exists() and stamp.stat().st_mtime >= lock.stat().st_mtime:
        return
    proc = subprocess.run(
        ["npm", "ci", "--no-audit", "--no-fund"],
        cwd=folder,
        check=False,
        capture_output=True,
        text=True,
        timeout=900,
        env={**os.environ, "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD": "1"},
    )
    if proc.returncode != 0:
        pytest.skip(f"npm ci in {folder.name} failed (registry unreachable?): {proc.stderr.strip()[-500:]}")


def build_vsix() -> Path:
    """``npm run package`` in vscode-client (type check + bundle + vsce); returns the .vsix."""
    npm_ci(VSCODE_CLIENT)
    proc = subprocess.run(
        ["npm", "run", "package"], cwd=VSCODE_CLIENT, check=False, capture_output=True, text=True, timeout=600
    )
    assert proc.returncode == 0, f"npm run package failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    vsix = VSCODE_CLIENT / "ghostwise.vsix"
    assert vsix.is_file()
    return vsix


def server_executable() -> Path:
    """The ``ghostwise`` entry point of the environment running the tests."""
    beside = Path(sys.executable).parent / "ghostwise"
    found = beside if beside.is_file() else shutil.which("ghostwise")
    assert found, "the ghostwise server is not installed (pip install -e .)"
    return Path(found)


def tapped_server_command(tap_log: Path) -> list[str]:
    """The real server, started through lsp_tap.py so that the test can read the LSP traffic."""
    return [
        sys.executable,
        str(E2E / "lsp_tap.py"),
        "--log",
        str(tap_log),
        "--",
        str(server_executable()),
        "--stdio",
    ]


def read_tap(tap_log: Path) -> list[dict]:
    if not tap_log.exists():
        return []
    return [json.loads(line) for line in tap_log.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture
def e2e_out(request: pytest.FixtureRequest) -> Path:
    """A fresh output folder for this test: ``.e2e/out/<test name>``."""
    out = REPO / ".e2e" / "out" / request.node.name
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    return out
