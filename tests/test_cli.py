"""The ghostwise command: headless `complete` (same path as the server), --version, --help, TCP safety."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

GHOSTWISE = [sys.executable, "-m", "lsp_server"]
REPO = Path(__file__).parents[1]
DEMO = ["complete", "docs/demo/restock.py", "--line", "9", "--col", "11", "--explain"]


def run(*args: str, stdin: str | None = None, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*GHOSTWISE, *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        cwd=REPO,
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
        "--engine-wait-ms",
        "--explain",
    ):
        assert option in complete_help


def test_make_demo_shows_the_point() -> None:
    """``make demo``: after ``depot.`` (Depot is in a module the model never sees) the model alone names a
    member that does not exist and guided decoding a real one. A long engine wait: only the names matter."""
    unguided = run(*DEMO, "--no-guided")
    assert unguided.returncode == 0, unguided.stderr
    assert unguided.stdout.strip() and "\n" not in unguided.stdout.strip()
    assert "is not a member" in unguided.stderr, unguided.stderr
    guided = run(*DEMO, "--engine-wait-ms", "20000")
    assert guided.returncode == 0, guided.stderr
    assert "is a real member" in guided.stderr, (guided.stdout, guided.stderr)


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
