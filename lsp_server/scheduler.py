"""Request scheduling: one model worker thread, latest-request-wins per document, cancellation."""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

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

    async def call(self, fn: Callable[[], T]) -> T:
        """Run ``fn`` on the model thread (model loading and other exclusive work)."""
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn)

    async def latest(self, key: str, fn: Callable[[CancelToken], T], *, debounce_ms: int = 0) -> T:
        """Run ``fn(cancel)`` for ``key`` unless a newer request for ``key`` comes first.

        Raises :class:`Superseded` when dropped; ``asyncio.CancelledError`` (``$/cancelRequest``)
        cancels the running generation too.
        """
        ticket = self._tickets[key] = next(self._counter)
        if (previous := self._running.pop(key, None)) is not None:
            previous.cancel()
        if debounce_ms > 0:
            await asyncio.sleep(debounce_ms / 1000)
        if self._tickets.get(key) != ticket:
            raise Superseded(key)
        token = CancelToken()
        self._running[key] = token

        def job() -> T:
            if token.cancelled or self._tickets.get(key) != ticket:
                raise Superseded(key)
            return fn(token)

        try:
            result = await asyncio.get_running_loop().run_in_executor(self._executor, job)
        except asyncio.CancelledError:
            token.cancel()
            raise
        finally:
            if self._running.get(key) is token:
                del self._running[key]
        if self._tickets.get(key) != ticket:
            raise Superseded(key)
        return result

    def forget(self, key: str) -> None:
        """Cancel and drop any work for ``key`` (document closed)."""
        self._tickets.pop(key, None)
        if (token := self._running.pop(key, None)) is not None:
            token.cancel()

    def shutdown(self) -> None:
        for token in self._running.values():
            token.cancel()
        self._executor.shutdown(wait=False, cancel_futures=True)
