"""pass@1 runs: isolated subprocess, time-out, no network, early exits count as failures."""

from __future__ import annotations

import time

import pytest

from lsp_server.bench.execution import program, run_test

FUNCTION = "def add(a, b):\n    return a + b\n"
TEST = "def check(candidate):\n    assert candidate(2, 3) == 5\n"


def test_a_correct_function_passes_and_a_wrong_one_fails() -> None:
    assert run_test(program(FUNCTION, TEST, "add"), timeout_s=10).passed
    failed = run_test(program(FUNCTION.replace("+", "-"), TEST, "add"), timeout_s=10)
    assert not failed.passed and not failed.timed_out and "AssertionError" in failed.detail


def test_a_hanging_test_times_out() -> None:
    started = time.monotonic()
    outcome = run_test(
        program("def f():\n    while True:\n        pass\n", "def check(c):\n    c()\n", "f"), 1.0
    )
    assert outcome.timed_out and not outcome.passed
    assert time.monotonic() - started < 5


@pytest.mark.parametrize(
    "body",
    [
        "import os\n    os._exit(0)",
        "import os, signal\n    os.kill(os.getpid(), signal.SIGKILL)",
        "raise SystemExit(0)",
    ],
)
def test_a_test_that_ends_its_interpreter_fails(body: str) -> None:
    outcome = run_test(program(FUNCTION, f"def check(candidate):\n    {body}\n", "add"), timeout_s=10)
    assert not outcome.passed and not outcome.timed_out


def test_network_is_disabled_and_the_directory_is_private() -> None:
    test = (
        "def check(candidate):\n"
        "    import os, socket\n"
        "    assert sorted(os.listdir('.')) == ['guard.py', 'program.py']\n"
        "    for attempt in (lambda: socket.create_connection(('127.0.0.1', 9)), lambda: socket.socket()):\n"
        "        try:\n"
        "            attempt()\n"
        "        except OSError as exc:\n"
        "            assert 'network access is disabled' in str(exc)\n"
        "        else:\n"
        "            raise AssertionError('network reachable')\n"
        "    assert not any(k.lower().endswith('_proxy') for k in os.environ)\n"
    )
    outcome = run_test(program(FUNCTION, test, "add"), timeout_s=10)
    assert outcome.passed, outcome.detail
