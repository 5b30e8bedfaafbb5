"""The VS Code extension's own checks: TypeScript type check, vitest unit tests (with a `vscode`
mock: command resolution, settings mapping, status states, activation), and `npm run package`
building the .vsix. Not an editor run, so not marked e2e."""

from __future__ import annotations

import subprocess
import zipfile

import pytest

from tests.e2e.conftest import VSCODE_CLIENT, build_vsix, npm_ci

pytestmark = pytest.mark.timeout(1200)


def test_typecheck_and_unit_tests() -> None:
    npm_ci(VSCODE_CLIENT)
    for script in ("typecheck", "test"):
        proc = subprocess.run(
            ["npm", "run", script],
            cwd=VSCODE_CLIENT,
            check=False,
            capture_output=True,
            text=True,
            timeout=600,
        )
        print(proc.stdout[-3000:])
        assert proc.returncode == 0, f"npm run {script} failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-2000:]}"


def test_vsix_builds_with_its_parts() -> None:
    vsix = build_vsix()
    with zipfile.ZipFile(vsix) as z:
        names = set(z.namelist())
    for part in (
        "extension/package.json",
        "extension/dist/extension.js",
        "extension/media/icon.png",
        "extension/readme.md",
        "extension/changelog.md",
        "extension/LICENSE.txt",
    ):
        assert part in names, f"{part} missing from {vsix.name}: {sorted(names)}"
    assert not any("node_modules" in n or n.endswith(".ts") for n in names), "sources or node_modules packed"
