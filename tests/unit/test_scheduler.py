"""The scheduler alone: one worker, latest request per document wins, debounce, cancellation."""

from __future__ import annotations

import asyncio
import threading

import pytest

from decoding.loop import CancelToken
from lsp_server.scheduler import Scheduler, Superseded


@pytest.fixture
def scheduler():  # type: ignore[no-untyped-def]
    s = Scheduler()
    yield s
    s.shutdown()


async def test_a_newer_request_drops_one_still_in_its_debounce(scheduler: Scheduler) -> None:
    ran: list[str] = []

    def work(name: str) -> str:
        ran.append(name)
        return name

    first = asyncio.create_task(scheduler.latest("a", lambda c: work("first"), debounce_ms=50))
    await asyncio.sleep(0)
    second = asyncio.create_task(scheduler.latest("a", lambda c: work("second"), debounce_ms=50))
    with pytest.raises(Superseded):
        await first
    assert await second == "second" and ran == ["second"]


async def test_a_newer_request_cancels_the_running_one(scheduler: Scheduler) -> None:
    started = threading.Event()

    def slow(cancel: CancelToken) -> str:
        started.set()
        while not cancel.cancelled:
            threading.Event().wait(0.001)
        return "stopped"

    first = asyncio.create_task(scheduler.latest("a", slow))
    await asyncio.to_thread(started.wait, 5)
    second = await scheduler.latest("a", lambda c: "fresh")
    with pytest.raises(Superseded):  # it stopped at its next check, and its answer is not used
        await first
    assert second == "fresh"


async def test_documents_do_not_supersede_each_other(scheduler: Scheduler) -> None:
    results = await asyncio.gather(scheduler.latest("a", lambda c: 1), scheduler.latest("b", lambda c: 2))
    assert results == [1, 2]


async def test_cancelled_request_cancels_its_generation(scheduler: Scheduler) -> None:
    started, seen = threading.Event(), threading.Event()

    def slow(cancel: CancelToken) -> None:
        started.set()
        while not cancel.cancelled:
            threading.Event().wait(0.001)
        seen.set()

    task = asyncio.create_task(scheduler.latest("a", slow))
    await asyncio.to_thread(started.wait, 5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await asyncio.to_thread(seen.wait, 5)


async def test_forget_stops_the_running_generation(scheduler: Scheduler) -> None:
    started = threading.Event()

    def slow(cancel: CancelToken) -> str:
        started.set()
        while not cancel.cancelled:
            threading.Event().wait(0.001)
        return "stopped"

    task = asyncio.create_task(scheduler.latest("a", slow))
    await asyncio.to_thread(started.wait, 5)
    scheduler.forget("a")
    with pytest.raises(Superseded):
        await task
