"""A terminal program driven like a user would: tmux runs it, ``send-keys`` types, ``capture-pane`` reads.

Each ``Terminal`` starts its own tmux server on a private socket (``tmux -L``), so tests never touch a
user's tmux sessions, and ``close`` ends only that server.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def poll(what: str, found: Callable[[], T | None], timeout_s: float, describe: Callable[[], str] = str) -> T:
    """Call ``found`` every 0.2 s until it returns a value (not None)."""
    deadline = time.monotonic() + timeout_s
    while (value := found()) is None:
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout_s:.0f} s waiting for {what}{describe()}")
        time.sleep(0.2)
    return value


class Terminal:
    def __init__(
        self, command: list[str], *, cwd: Path, env: dict[str, str], width: int = 120, height: int = 30
    ) -> None:
        self._socket = f"ghostwise-e2e-{os.getpid()}-{time.monotonic_ns()}"
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        shell = f"env {exports} {shlex.join(command)}"
        self._tmux(
            "new-session", "-d", "-s", "e2e", "-x", str(width), "-y", str(height), "-c", str(cwd), shell
        )

    def _tmux(self, *args: str) -> str:
        proc = subprocess.run(
            ["tmux", "-L", self._socket, *args], check=True, capture_output=True, text=True, timeout=30
        )
        return proc.stdout

    def keys(self, *names: str) -> None:
        """Press keys by tmux name (``Escape``, ``Tab``, ``Enter``, ``C-x``, ``g``)."""
        for name in names:
            self._tmux("send-keys", "-t", "e2e", name)

    def type(self, text: str, delay_s: float = 0.15) -> None:
        """Type ``text`` one character at a time, like a person."""
        for ch in text:
            self._tmux("send-keys", "-t", "e2e", "-l", ch)
            time.sleep(delay_s)

    def screen(self) -> str:
        return self._tmux("capture-pane", "-p", "-t", "e2e")

    def wait_for(self, what: str, found: Callable[[str], T | None], timeout_s: float) -> T:
        """Poll the screen until ``found(screen)`` returns a value."""
        return poll(what, lambda: found(self.screen()), timeout_s, lambda: f"; screen:\n{self.screen()}")

    def exited(self) -> bool:
        """The program ended (its session, and so this tmux server, is gone)."""
        proc = subprocess.run(
            ["tmux", "-L", self._socket, "has-session", "-t", "e2e"], check=False, capture_output=True
        )
        return proc.returncode != 0

    def close(self) -> None:
        subprocess.run(
            ["tmux", "-L", self._socket, "kill-server"], check=False, capture_output=True, timeout=30
        )
