"""A real llama-server on a loopback port for tests: built once (``tools/build_llama_server.sh``, cached),
started, killed and restarted by the tests themselves."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

REPO = Path(__file__).parents[2]


def build() -> Path:
    """The cached llama-server binary, built from the installed llama-cpp-python's sdist when missing."""
    script = REPO / "tools" / "build_llama_server.sh"
    done = subprocess.run(
        ["bash", str(script)],
        env={**os.environ, "PYTHON": sys.executable},
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    return Path(done.stdout.strip().splitlines()[-1])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LlamaServer:
    """One ``llama-server`` process on ``127.0.0.1:port`` (the port is kept across restarts)."""

    def __init__(
        self,
        binary: Path,
        model: Path,
        log: Path,
        *,
        port: int | None = None,
        parallel: int = 2,
        n_ctx: int = 4096,
        threads: int = 2,
        api_key: str = "",
        batch: int = 2048,
    ) -> None:
        self.binary, self.model, self.log = binary, model, log
        self.port = port or free_port()
        self.parallel, self.n_ctx, self.threads, self.api_key = parallel, n_ctx, threads, api_key
        self.batch = batch
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, *, wait: bool = True) -> LlamaServer:
        args = [
            str(self.binary),
            "-m",
            str(self.model),
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "-c",
            str(self.n_ctx * self.parallel),
            "--parallel",
            str(self.parallel),
            "-t",
            str(self.threads),
            "-b",
            str(self.batch),
            "--no-webui",
        ]
        if self.api_key:
            args += ["--api-key", self.api_key]
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                args, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        if wait:
            self.wait_ready()
        return self

    def wait_ready(self, timeout_s: float = 60) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"llama-server exited with {self.process.returncode}; see {self.log}")
            try:
                with urllib.request.urlopen(f"{self.url}/health", timeout=2) as r:
                    if json.load(r).get("status") == "ok":
                        return
            except (OSError, urllib.error.URLError, ValueError):
                pass
            time.sleep(0.1)
        raise TimeoutError(f"llama-server not ready after {timeout_s} s; see {self.log}")

    def kill(self) -> None:
        """SIGKILL, as a crash would."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
        self.process = None

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()
        self.process = None

    def get(self, path: str) -> Any:
        request = urllib.request.Request(self.url + path)
        if self.api_key:
            request.add_header("Authorization", f"Bearer {self.api_key}")
        with urllib.request.urlopen(request, timeout=10) as r:
            return json.load(r)
