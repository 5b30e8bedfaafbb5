"""Request scheduling: one model worker thread, latest-request-wins per document, cancellation."""

from __future__ import annotations

import asyncio
import concurrent.futures
import itertools
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from decoding.loop import CancelToken

log = logging.getLogger(__name__)
T = TypeVar("T")


class Superseded(Exception):
    """A newer request for the same key arrived; this one was dropped or stopped."""


class Scheduler:
    """Runs model work on a single worker thread (it owns the llama.cpp context).

    For each key (a document URI) only the newest request is computed: a newer one cancels
    the running generation at its next token, and requests still in their debounce window
    or waiting for the worker are dropped without touching the model.

    Tickets come from one counter for all keys, so a request made after :meth:`forget` never shares
    a ticket with one made before it; a key without a ticket (forgotten) supersedes every request.
    """

    def __init__(self) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ghostwise-model")
        self._counter = itertools.count(1)
        self._tickets: dict[str, int] = {}
        self._running: dict[str, CancelToken] = {}
        self._background: CancelToken | None = None

    async def call(self, fn: Callable[[], T]) -> T:
        """Run ``fn`` on the model thread (model loading and other exclusive work)."""
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn)

    @property
    def idle(self) -> bool:
        """No request's work is running or waiting for the model thread."""
        return not self._running

    def background(self, fn: Callable[[CancelToken], object]) -> CancelToken:
        """Run ``fn(cancel)`` on the model thread at background priority: the next request (of any
        document) cancels it, as does a newer background job; returns its token."""
        if self._background is not None:
            self._background.cancel()
        token = self._background = CancelToken()

        def job() -> None:
            if not token.cancelled:
                fn(token)

        self._executor.submit(job).add_done_callback(_log_failure)
        return token

    def claim(self, key: str) -> int:
        """A ticket for a newer request for ``key``: older ones are superseded, but what runs goes on."""
        ticket = self._tickets[key] = next(self._counter)
        return ticket

    def current(self, key: str, ticket: int) -> bool:
        """No newer request for ``key`` than the one holding ``ticket``."""
        return self._tickets.get(key) == ticket

    async def latest(
        self, key: str, fn: Callable[[CancelToken], T], *, debounce_ms: int = 0, linger_ms: int = 0
    ) -> T:
        """Run ``fn(cancel)`` for ``key`` unless a newer request for ``key`` comes first.

        Raises :class:`Superseded` when dropped; ``asyncio.CancelledError`` (``$/cancelRequest``)
        cancels the running generation too, after ``linger_ms`` unless a newer request for ``key`` has
        claimed a ticket by then (it may adopt the generation).
        """
        ticket = self.claim(key)
        if (previous := self._running.pop(key, None)) is not None:
            previous.cancel()
        if self._background is not None:
            self._background.cancel()
        if debounce_ms > 0:
            await asyncio.sleep(debounce_ms / 1000)
        if self._tickets.get(key) != ticket:
            raise Superseded(key)
        token = CancelToken()
        self._running[key] = token
        loop = asyncio.get_running_loop()

        def job() -> T:
            if token.cancelled or self._tickets.get(key) != ticket:
                raise Superseded(key)
            return fn(token)

        def release() -> None:
            if self._running.get(key) is token:
                del self._running[key]

        def expire() -> None:
            if self._tickets.get(key) == ticket:
                token.cancel()

        future = self._executor.submit(job)
        future.add_done_callback(lambda _: _call_soon(loop, release))
        try:
            result = await asyncio.shield(inner := asyncio.wrap_future(future))
        except asyncio.CancelledError:
            inner.add_done_callback(_retrieve)
            if linger_ms > 0:
                loop.call_later(linger_ms / 1000, expire)
            else:
                token.cancel()
            raise
        if self._tickets.get(key) != ticket:
            raise Superseded(key)
        return result

    def forget(self, key: str) -> None:
        """Cancel and drop any work for ``key`` (document closed)."""
        self._tickets.pop(key, None)
        if (token := self._running.pop(key, None)) is not None:
            token.cancel()

    def shutdown(self) -> None:
        for token in [*self._running.values(), *([self._background] if self._background else [])]:
            token.cancel()
        self._executor.shutdown(wait=False, cancel_futures=True)


def _call_soon(loop: asyncio.AbstractEventLoop, fn: Callable[[], None]) -> None:
    """``fn`` on ``loop`` from another thread (nothing once the loop is closed)."""
    try:
        loop.call_soon_threadsafe(fn)
    except RuntimeError:
        log.debug("event loop closed")


def _retrieve(future: asyncio.Future[Any]) -> None:
    """Read the outcome of a run nobody awaits any more (so asyncio does not log it as never retrieved)."""
    if not future.cancelled():
        future.exception()


def _log_failure(future: concurrent.futures.Future[None]) -> None:
    if not future.cancelled() and (error := future.exception()) is not None:
        log.error("background work failed: %r", error)
