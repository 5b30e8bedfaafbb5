"""pass@1: run a task's test against a completion in an isolated, network-less subprocess.

The program ``prefix + completion + suffix``, then the task's ``test``, then
``check(<entry_point>)`` runs in a fresh temporary directory with ``python -I`` (no user site, no
environment paths), a minimal environment (no proxies), sockets disabled before the program starts,
a memory limit and a wall-clock time-out that kills the whole process group.  It passes only if
the interpreter exits normally *and* prints a random token written after ``check`` returned, so a
test that kills or exits its interpreter early counts as failed.
"""

from __future__ import annotations

import logging
import os
import secrets
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

MEMORY_LIMIT_BYTES = 2 * 1024**3

_GUARD = f"""\
import resource, socket, sys

resource.setrlimit(resource.RLIMIT_AS, ({MEMORY_LIMIT_BYTES}, {MEMORY_LIMIT_BYTES}))


def _no_network(*args, **kwargs):
    raise OSError("network access is disabled in ghostwise bench")


class _LocalSocket(socket.socket):
    def __init__(self, family=-1, *args, **kwargs):
        if family != getattr(socket, "AF_UNIX", None):
            _no_network()
        super().__init__(family, *args, **kwargs)


socket.socket = _LocalSocket
socket.create_connection = socket.getaddrinfo = _no_network
with open("program.py", encoding="utf-8") as source:
    code = compile(source.read(), "program.py", "exec")
exec(code, {{"__name__": "__main__"}})
sys.stdout.flush()
print(sys.argv[1], flush=True)
"""


@dataclass(frozen=True, slots=True, kw_only=True)
class TestOutcome:
    """Result of one test run."""

    passed: bool
    timed_out: bool
    detail: str


def program(prefix_completion_suffix: str, test: str, entry_point: str) -> str:
    """The source the subprocess runs."""
    return f"{prefix_completion_suffix}\n\n{test}\n\ncheck({entry_point})\n"


def run_test(source: str, timeout_s: float) -> TestOutcome:
    """Run ``source`` (see :func:`program`) and say whether it passed."""
    token = secrets.token_hex(16)
    with tempfile.TemporaryDirectory(prefix="ghostwise-bench-") as tmp:
        directory = Path(tmp)
        (directory / "program.py").write_text(source, encoding="utf-8", errors="surrogatepass")
        (directory / "guard.py").write_text(_GUARD, encoding="utf-8")
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": tmp,
            "LANG": "C.UTF-8",
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONHASHSEED": "0",
        }
        process = subprocess.Popen(
            [sys.executable, "-I", "guard.py", token],
            cwd=directory,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        try:
            stdout, stderr = process.communicate(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            return TestOutcome(passed=False, timed_out=True, detail=f"timed out after {timeout_s:g} s")
        finally:
            if process.poll() is None:  # interrupted (Ctrl-C): never leave the test running
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
    passed = process.returncode == 0 and token.encode() in stdout.splitlines()
    last = stderr.decode(errors="replace").strip().splitlines()[-1:] or [f"exit {process.returncode}"]
    return TestOutcome(passed=passed, timed_out=False, detail="passed" if passed else last[0][:300])
