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
        self.begun = False  # begin was called: the client is creating the token, or has
        self._active = False
        self._ended = False

    async def begin(self, title: str, message: str | None = None) -> None:
        self.begun = True
        try:
            await self._server.work_done_progress.create_async(self._token)
        except Exception as e:  # noqa: BLE001 - the client may refuse; the work goes on without it
            log.info("client refused work-done progress: %s", e)
            return
        self._active = True
        self._server.work_done_progress.begin(
            self._token, types.WorkDoneProgressBegin(title=title, message=message)
        )
        if self._ended:  # the work ended while the client created the token: close it at once
            self.end("")

    def report(self, message: str, fraction: float | None) -> None:
        if not self._active:
            return
        value = types.WorkDoneProgressReport(
            message=message, percentage=None if fraction is None else int(fraction * 100)
        )
        self._loop.call_soon_threadsafe(self._server.work_done_progress.report, self._token, value)

    def end(self, message: str) -> None:
        self._ended = True
        if self._active:
            self._active = False
            self._server.work_done_progress.end(self._token, types.WorkDoneProgressEnd(message=message))


_SHOWING: set[asyncio.Future[None]] = set()  # thinking progresses still being created (kept alive)


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
    _SHOWING.add(shown)
    shown.add_done_callback(_SHOWING.discard)
    try:
        yield
    finally:
        # Cancel only the wait: cancelling the token's creation would leave pygls a cancelled future for
        # the client's answer (it reports that as a server error, which VS Code shows).
        if not reporter.begun:
            shown.cancel()
        reporter.end("")
