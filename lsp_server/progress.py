"""``$/progress`` from the server: the model load, and a suggestion still being computed ("thinking")."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import AsyncIterator

from lsprotocol import types
from pygls.lsp.server import LanguageServer

log = logging.getLogger(__name__)

THINKING_TITLE = "thinking"


def supported(server: LanguageServer) -> bool:
    """The client announced ``window.workDoneProgress`` (only then may the server create a token)."""
    window = server.client_capabilities.window
    return bool(window and window.work_done_progress)


class ProgressReporter:
    """One ``$/progress`` token: begin, reports (callable from any thread), end."""

    def __init__(self, server: LanguageServer, kind: str) -> None:
        self._server = server
        self._token = f"ghostwise-{kind}-{uuid.uuid4().hex[:8]}"
        self._loop = asyncio.get_running_loop()
        self._active = False

    async def begin(self, title: str, message: str | None = None) -> None:
        try:
            await self._server.work_done_progress.create_async(self._token)
        except Exception as e:  # noqa: BLE001 - the client may refuse; the work goes on without it
            log.info("client refused work-done progress: %s", e)
            return
        self._active = True
        self._server.work_done_progress.begin(
            self._token, types.WorkDoneProgressBegin(title=title, message=message)
        )

    def report(self, message: str, fraction: float | None) -> None:
        if not self._active:
            return
        value = types.WorkDoneProgressReport(
            message=message, percentage=None if fraction is None else int(fraction * 100)
        )
        self._loop.call_soon_threadsafe(self._server.work_done_progress.report, self._token, value)

    def end(self, message: str) -> None:
        if self._active:
            self._active = False
            self._server.work_done_progress.end(self._token, types.WorkDoneProgressEnd(message=message))


@contextlib.asynccontextmanager
async def thinking(server: LanguageServer, after_ms: int, message: str) -> AsyncIterator[None]:
    """While the body runs past ``after_ms``, the client shows a ``thinking`` progress (ended after it).

    The first suggestion of a session evaluates the whole prompt (seconds on two cores), and a slow
    machine can exceed ``maxMs`` on any of them: without a sign, users cannot tell that from nothing.
    """
    if not supported(server):
        yield
        return
    reporter = ProgressReporter(server, "thinking")

    async def show() -> None:
        await asyncio.sleep(after_ms / 1000)
        await reporter.begin(THINKING_TITLE, message)

    shown = asyncio.ensure_future(show())
    try:
        yield
    finally:
        if not shown.done():
            shown.cancel()
        reporter.end("")
