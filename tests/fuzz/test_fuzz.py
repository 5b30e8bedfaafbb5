"""Seeded fuzz of a real ``ghostwise --stdio`` session on the real default model.

Batches of hostile messages (:mod:`tests.fuzz.hostile`); after each batch every request must have
had exactly one response, every frame without a readable id one ``id: null`` error, every message the
server sent must be JSON-RPC, and a completion on a good document must still come back right. The
run fails on any of those, on a server exit, on a thread or task dying ("Exception in thread" on
stderr) and on a hang (every wait is bounded).

``GHOSTWISE_FUZZ_SECONDS`` (default 45) and ``GHOSTWISE_FUZZ_SEED`` (default 13) set the run; ``make
fuzz SECONDS=N SEED=S`` sets both. A failure names the seed and the batch, so it can be replayed.
"""

from __future__ import annotations

import asyncio
import os
import random
import time
from pathlib import Path

from tests.fuzz.hostile import GOOD_TEXT, GOOD_URI, INLINE, Batch, Hostile
from tests.lsp.wire import NO_ID, Wire, until_ready, wire_session

SECONDS = float(os.environ.get("GHOSTWISE_FUZZ_SECONDS", "45"))
SEED = int(os.environ.get("GHOSTWISE_FUZZ_SEED", "13"))
DEATHS = ("Exception in thread", "Task exception was never retrieved", "Fatal Python error")
ANSWER_TIMEOUT_S = 120  # a request waits behind at most a batch of bounded generations


def check_stderr(wire: Wire, where: str) -> None:
    text = wire.tail(10**9)
    for death in DEATHS:
        assert death not in text, f"{where}: {death!r} on stderr:\n{wire.tail()}"


async def settle(wire: Wire, batch: Batch, where: str) -> None:
    """Wait until the batch is answered as owed (or fail)."""

    def owed() -> bool:
        return len(wire.responses.get(None, [])) < batch.null_errors or any(
            len(wire.responses.get(i, [])) < n for i, n in batch.answers.items()
        )

    try:
        async with asyncio.timeout(ANSWER_TIMEOUT_S):
            while owed():
                assert wire.proc.returncode is None, f"{where}: the server exited\n{wire.tail()}"
                await wire.next_message()
    except TimeoutError:
        missing = [i for i in batch.answers if not wire.responses.get(i)]
        raise AssertionError(
            f"{where}: no response within {ANSWER_TIMEOUT_S} s to {missing}, "
            f"{len(wire.responses.get(None, []))} of {batch.null_errors} id-null errors\n{wire.tail()}"
        ) from None


async def sanity(wire: Wire, version: int, where: str) -> None:
    """A good document still gets a good suggestion (``a + b`` or the like)."""
    wire.open(GOOD_URI, GOOD_TEXT, version=version)
    params = {
        "textDocument": {"uri": GOOD_URI},
        "position": {"line": 1, "character": len("    return ")},
        "context": {"triggerKind": 1},  # Invoked
    }
    response = await wire.request(INLINE, params, timeout_s=ANSWER_TIMEOUT_S)
    result = response.get("result")
    assert result is not None and result["items"], f"{where}: the good document got {response}"
    text = result["items"][0]["insertText"]
    assert isinstance(text, str) and text.strip(), f"{where}: empty suggestion {response}"


def exactly_once(wire: Wire, owed: dict[int, int], where: str) -> None:
    for msg_id, times in owed.items():
        got = len(wire.responses.get(msg_id, []))
        assert got == times, f"{where}: request {msg_id} got {got} responses, owed {times}"


async def test_fuzz_session(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    fifo = tmp_path / "pipe.py"
    os.mkfifo(fifo)
    async with wire_session(options={"nCtx": 1024, "maxMs": 800, "devData": "full"}) as wire:
        assert await until_ready(wire) == "ready", wire.tail()
        hostile = Hostile(rng, wire.request_id, fifo.as_uri())
        owed: dict[int, int] = {}
        deadline = time.monotonic() + SECONDS
        batches = 0
        while time.monotonic() < deadline or batches == 0:
            batch = hostile.batch(rng.randint(5, 25))
            where = f"seed {SEED}, batch {batches} ({', '.join(batch.kinds)})"
            nulls_before = len(wire.responses.get(None, []))
            for data in batch.data:
                wire.send_raw(data)
            batch.null_errors += nulls_before
            await settle(wire, batch, where)
            await sanity(wire, 1000 + batches, where)
            for msg_id, times in batch.answers.items():
                owed[msg_id] = owed.get(msg_id, 0) + times
            exactly_once(wire, owed, where)
            check_stderr(wire, where)
            assert wire.proc.returncode is None, f"{where}: the server exited\n{wire.tail()}"
            batches += 1
        await asyncio.sleep(1)  # a late duplicate would arrive by now
        exactly_once(wire, owed, f"seed {SEED}, at the end")
        assert len(wire.responses.get(None, [])) == batch.null_errors, "extra id-null errors"
        shown = [n["params"]["message"] for n in wire.notifications if n["method"] == "window/showMessage"]
        assert len(shown) == len(set(shown)), f"a message shown twice: {shown}"
        print(
            f"fuzz seed {SEED}: {batches} batches, {sum(owed.values())} requests answered in {SECONDS:.0f} s"
        )
    check_stderr(wire, f"seed {SEED}, at shutdown")


async def test_shutdown_and_exit_orderings() -> None:
    """Random orderings of shutdown, exit, requests and end of input: the right codes, a clean exit."""
    rng = random.Random(SEED)
    for round_ in range(4):
        steps = rng.sample(
            ["request", "shutdown", "shutdown", "notification", "garbage"], k=rng.randint(1, 5)
        )
        ending = rng.choice(["exit", "end of input"])
        where = f"seed {SEED}, round {round_}: {steps} then {ending}"
        async with wire_session() as wire:
            shut = False
            for step in steps:
                if step == "request":
                    answer = await wire.request(INLINE, {"textDocument": {"uri": GOOD_URI}}, timeout_s=30)
                    assert answer["error"]["code"] == (-32600 if shut else -32602), (where, answer)
                elif step == "shutdown":
                    answer = await wire.request("shutdown", timeout_s=30)
                    assert ("error" in answer) == shut, (where, answer)
                    shut = True
                elif step == "notification":
                    wire.notify("textDocument/didClose", {"textDocument": {"uri": GOOD_URI}})
                else:
                    wire.send_raw(b"Content-Length: 3\r\n\r\n{x}")
                    assert (await wire.response(NO_ID, timeout_s=30))["error"]["code"] == -32700
            if ending == "exit":
                wire.notify("exit")
            else:
                wire.proc.stdin.close()  # type: ignore[union-attr]
            code = await asyncio.wait_for(wire.proc.wait(), 30)
            if ending == "exit":
                assert code == (0 if shut else 1), (where, code)
        check_stderr(wire, where)
        assert "Traceback" not in wire.tail(10**9), f"{where}:\n{wire.tail()}"
