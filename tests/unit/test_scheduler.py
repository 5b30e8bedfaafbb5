"""The scheduler alone: one worker, latest request per document wins, debounce, cancellation."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable

import pytest

from decoding.loop import CancelToken
from lsp_server.scheduler import Scheduler, Superseded


@pytest.fixture
def scheduler():  # type: ignore[no-untyped-def]
    s = Scheduler()
    yield s
    s.shutdown()


def recording(ran: list[str], name: str) -> Callable[[CancelToken], str]:
    """Work that notes in ``ran`` that it ran."""

    def work(cancel: CancelToken) -> str:
        ran.append(name)
        return name

    return work


async def test_a_newer_request_drops_one_still_in_its_debounce(scheduler: Scheduler) -> None:
    ran: list[str] = []
    first = asyncio.create_task(scheduler.latest("a", recording(ran, "first"), debounce_ms=50))
    await asyncio.sleep(0)
    second = asyncio.create_task(scheduler.latest("a", recording(ran, "second"), debounce_ms=50))
    with pytest.raises(Superseded):
        await first
    assert await second == "second" and ran == ["second"]


class Generation:
    """Work that runs until its cancel token is set (like the token loop); tells when it starts and ends."""

    def __init__(self) -> None:
        self.started, self.stopped = threading.Event(), threading.Event()

    def __call__(self, cancel: CancelToken) -> str:
        self.started.set()
        while not cancel.cancelled:
            threading.Event().wait(0.001)
        self.stopped.set()
        return "stopped"

    async def running(self, scheduler: Scheduler, key: str = "a") -> asyncio.Task[str]:
        task = asyncio.create_task(scheduler.latest(key, self))
        assert await asyncio.to_thread(self.started.wait, 5)
        return task


async def test_a_newer_request_cancels_the_running_one(scheduler: Scheduler) -> None:
    first = await Generation().running(scheduler)
    second = await scheduler.latest("a", lambda c: "fresh")
    with pytest.raises(Superseded):  # it stopped at its next check, and its answer is not used
        await first
    assert second == "fresh"


async def test_documents_do_not_supersede_each_other(scheduler: Scheduler) -> None:
    results = await asyncio.gather(scheduler.latest("a", lambda c: 1), scheduler.latest("b", lambda c: 2))
    assert results == [1, 2]


async def test_cancelled_request_cancels_its_generation(scheduler: Scheduler) -> None:
    generation = Generation()
    task = await generation.running(scheduler)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await asyncio.to_thread(generation.stopped.wait, 5)


async def test_forget_stops_the_running_generation(scheduler: Scheduler) -> None:
    task = await Generation().running(scheduler)
    scheduler.forget("a")
    with pytest.raises(Superseded):
        await task


async def test_forget_during_the_debounce_drops_the_request(scheduler: Scheduler) -> None:
    ran: list[str] = []
    task = asyncio.create_task(scheduler.latest("a", recording(ran, "late"), debounce_ms=50))
    await asyncio.sleep(0)
    scheduler.forget("a")  # didClose within debounceMs
    with pytest.raises(Superseded):
        await task
    assert ran == []


async def test_a_request_after_forget_does_not_revive_one_from_before(scheduler: Scheduler) -> None:
    ran: list[str] = []
    old = asyncio.create_task(scheduler.latest("a", recording(ran, "old"), debounce_ms=50))
    await asyncio.sleep(0)
    scheduler.forget("a")  # closed, then reopened and asked again within the old one's debounce
    new = asyncio.create_task(scheduler.latest("a", recording(ran, "new"), debounce_ms=50))
    with pytest.raises(Superseded):
        await old
    assert await new == "new" and ran == ["new"]


async def test_a_cancelled_request_lingers_then_stops_its_generation(scheduler: Scheduler) -> None:
    generation = Generation()
    task = asyncio.create_task(scheduler.latest("a", generation, linger_ms=100))
    assert await asyncio.to_thread(generation.started.wait, 5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not generation.stopped.is_set()  # still running: a newer request may adopt it
    assert await asyncio.to_thread(generation.stopped.wait, 5)


async def test_a_claim_keeps_a_lingering_generation_running(scheduler: Scheduler) -> None:
    generation = Generation()
    task = asyncio.create_task(scheduler.latest("a", generation, linger_ms=50))
    assert await asyncio.to_thread(generation.started.wait, 5)
    task.cancel()
    ticket = scheduler.claim("a")  # the newer request adopts the generation
    await asyncio.sleep(0.2)
    assert not generation.stopped.is_set() and scheduler.current("a", ticket)
    fresh = await scheduler.latest("a", lambda c: "fresh")  # a request that does not adopt it stops it
    assert fresh == "fresh" and generation.stopped.is_set() and not scheduler.current("a", ticket)


async def test_any_request_cancels_background_work(scheduler: Scheduler) -> None:
    generation = Generation()
    assert scheduler.idle
    token = scheduler.background(generation)
    assert await asyncio.to_thread(generation.started.wait, 5)
    assert await scheduler.latest("another document", lambda c: "fresh") == "fresh"
    assert token.cancelled and generation.stopped.is_set()


async def test_a_newer_background_job_replaces_the_older(scheduler: Scheduler) -> None:
    first, second = Generation(), Generation()
    old = scheduler.background(first)
    assert await asyncio.to_thread(first.started.wait, 5)
    scheduler.background(second)
    assert old.cancelled and await asyncio.to_thread(second.started.wait, 5)
    scheduler.shutdown()
    assert await asyncio.to_thread(second.stopped.wait, 5)
