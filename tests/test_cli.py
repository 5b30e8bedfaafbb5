"""The ghostwise command: headless `complete` (same path as the server), --version, --help, TCP safety."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

GHOSTWISE = [sys.executable, "-m", "lsp_server"]
DEMO = Path(__file__).parents[1] / "docs" / "demo" / "inventory.py"


def run(*args: str, stdin: str | None = None, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*GHOSTWISE, *args], input=stdin, capture_output=True, text=True, timeout=timeout, check=False
    )


def test_version_and_help() -> None:
    version = run("--version")
    assert version.returncode == 0 and version.stdout.startswith("ghostwise ")
    help_text = run("--help").stdout
    for option in ("--stdio", "--tcp", "--host", "--port", "--allow-remote", "--log-level", "complete"):
        assert option in help_text
    complete_help = run("complete", "--help").stdout
    for option in (
        "--line",
        "--col",
        "--model",
        "--no-guided",
        "--no-pruning",
        "--no-memoization",
        "--no-active-completion",
        "--max-ms",
    ):
        assert option in complete_help


def test_complete_file_position() -> None:
    result = run("complete", str(DEMO), "--line", "16", "--col", "34", "--no-guided")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip(), "an empty suggestion"
    assert "\n" not in result.stdout.strip()


def test_complete_stdin_with_cursor_marker() -> None:
    buffer = "def add(a, b):\n    return <CURSOR>\n"
    result = run("complete", "-", "--max-tokens", "12", stdin=buffer)
    assert result.returncode == 0, result.stderr
    assert "a" in result.stdout or "b" in result.stdout


def test_complete_reports_bad_input_clearly(tmp_path: Path) -> None:
    no_marker = run("complete", "-", stdin="x = 1\n")
    assert no_marker.returncode == 2 and "<CURSOR>" in no_marker.stderr
    missing = run("complete", str(tmp_path / "nope.py"), "--line", "1", "--col", "1")
    assert missing.returncode == 2 and "nope.py" in missing.stderr
    bad_model = run("complete", "-", "--model", str(tmp_path / "m.gguf"), stdin="x = <CURSOR>")
    assert bad_model.returncode == 1 and "m.gguf" in bad_model.stderr


def test_tcp_refuses_non_loopback_hosts() -> None:
    result = run("--tcp", "--host", "0.0.0.0", "--port", "0", timeout=30)
    assert result.returncode == 2 and "--allow-remote" in result.stderr
