"""Follows each delivered suggestion until its outcome is known, then hands one event to the writer.

Runs on the server's event loop (no locks); only the writer has a thread. An outcome is final on
accept, when the client says it hid it (``hidden``), when a newer request for the same document
completes (``replaced``), when ``dismissAfterMs`` passes without news (``timeout``; each shown/partial-
accept notification restarts it) or at shutdown.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from completion_engine import Document
from decoding.completer import Suggestion
from lsp_server.config import ServerSettings
from lsp_server.devdata.schema import Event, Excerpt, Latency, OutputSize, PromptSize, format_time
from lsp_server.devdata.writer import JsonlWriter, devdata_dir

log = logging.getLogger(__name__)

EXCERPT_PREFIX_CHARS = 2000
EXCERPT_SUFFIX_CHARS = 1000


@dataclass(slots=True, kw_only=True)
class _Pending:
    draft: Event
    uri: str
    delivered: float  # time.monotonic()
    shown: bool = False
    accepted_chars: int = 0
    timer: asyncio.TimerHandle | None = None


class Recorder:
    """The dev-data side of the server: ``offered`` → shown/partial/accepted → one written event."""

    def __init__(
        self,
        settings: Callable[[], ServerSettings],
        warn: Callable[[str], None],
        directory: Callable[[], Path] = devdata_dir,
    ) -> None:
        self.client = ""  # clientInfo.name from initialize
        self.session = uuid.uuid4().hex[:12]
        self._settings = settings
        self._warn = warn
        self._directory = directory
        self._pending: dict[str, _Pending] = {}
        self._writer: JsonlWriter | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._client_reports_shown = False
        self._client_reports_accept = False

    # -- from the request path ---------------------------------------------------------------
    def offered(
        self,
        suggestion_id: str,
        doc: Document,
        suggestion: Suggestion,
        *,
        model: str,
        surface: str,
        served: str,
        queue_ms: float,
    ) -> None:
        """A suggestion was delivered to the client (``served``: ``model``, ``cache`` or ``stream``)."""
        level = self._settings().dev_data
        if level == "off":
            return
        self._loop = asyncio.get_running_loop()
        pending = _Pending(
            draft=self._draft(
                suggestion_id,
                doc,
                suggestion,
                model=model,
                surface=surface,
                served=served,
                queue_ms=queue_ms,
                full=level == "full",
            ),
            uri=doc.uri,
            delivered=time.monotonic(),
        )
        self._pending[suggestion_id] = pending
        self._arm(suggestion_id, pending)

    def replaced(self, uri: str) -> None:
        """A newer request for ``uri`` completed: what it replaced was dismissed."""
        self._finish_document(uri, "replaced")

    def closed(self, uri: str) -> None:
        """The document was closed: nothing of it is shown any more (its drafts go out now)."""
        self._finish_document(uri, "hidden")

    # -- from the client -----------------------------------------------------------------------
    def shown(self, suggestion_id: str) -> None:
        self._client_reports_shown = True
        if (pending := self._lookup(suggestion_id, "shown")) is not None:
            pending.shown = True
            self._arm(suggestion_id, pending)

    def partially_accepted(self, suggestion_id: str, accepted_length: int) -> None:
        self._client_reports_accept = True
        if (pending := self._lookup(suggestion_id, "partial accept")) is not None:
            chars = pending.draft.suggestion.chars
            pending.accepted_chars = max(pending.accepted_chars, min(max(accepted_length, 0), chars))
            self._arm(suggestion_id, pending)

    def hidden(self, suggestion_id: str) -> None:
        """The client no longer shows it (the text went another way, or a newer suggestion took its place)."""
        if self._lookup(suggestion_id, "hide") is not None:
            self._finish(suggestion_id, "hidden")

    def accepted(self, suggestion_id: str) -> None:
        self._client_reports_accept = True
        if self._lookup(suggestion_id, "accept") is not None:
            self._finish(suggestion_id, "accept")

    def close(self) -> None:
        """Finish what is pending and write it out (server shutdown)."""
        for suggestion_id in list(self._pending):
            self._finish(suggestion_id, "shutdown")
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    # -- internals -----------------------------------------------------------------------------
    def _finish_document(self, uri: str, ended_by: str) -> None:
        for suggestion_id in [k for k, p in self._pending.items() if p.uri == uri]:
            self._finish(suggestion_id, ended_by)

    def _lookup(self, suggestion_id: str, what: str) -> _Pending | None:
        pending = self._pending.get(suggestion_id)
        if pending is None:
            log.debug("%s for unknown or finished suggestion %s", what, suggestion_id)
        return pending

    def _arm(self, suggestion_id: str, pending: _Pending) -> None:
        if pending.timer is not None:
            pending.timer.cancel()
        assert self._loop is not None
        delay_s = self._settings().dismiss_after_ms / 1000
        pending.timer = self._loop.call_later(delay_s, self._finish, suggestion_id, "timeout")

    def _finish(self, suggestion_id: str, ended_by: str) -> None:
        pending = self._pending.pop(suggestion_id, None)
        if pending is None:
            return
        if pending.timer is not None:
            pending.timer.cancel()
        level = self._settings().dev_data
        if level == "off":
            return
        event = dataclasses.replace(
            pending.draft,
            outcome=self._outcome(pending, ended_by),
            ended_by=ended_by,
            shown=True if pending.shown else (False if self._client_reports_shown else None),
            accepted_chars=pending.draft.suggestion.chars if ended_by == "accept" else pending.accepted_chars,
            outcome_ms=round((time.monotonic() - pending.delivered) * 1000, 1),
        )
        if level != "full":  # the level went down after the suggestion was made
            event = dataclasses.replace(event, text=None, pruned_names={})
        self._sink().put(event)

    def _outcome(self, pending: _Pending, ended_by: str) -> str:
        if ended_by == "accept":
            return "accepted"
        if pending.accepted_chars > 0:
            return "partial"
        if pending.shown:
            return "dismissed"
        if self._client_reports_shown:
            return "unseen"
        return "dismissed" if self._client_reports_accept else "unknown"

    def _sink(self) -> JsonlWriter:
        if self._writer is None:
            self._writer = JsonlWriter(self._directory(), on_error=self._warn_from_thread)
        return self._writer

    def _warn_from_thread(self, message: str) -> None:
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._warn, message)

    def _draft(
        self,
        suggestion_id: str,
        doc: Document,
        suggestion: Suggestion,
        *,
        model: str,
        surface: str,
        served: str,
        queue_ms: float,
        full: bool,
    ) -> Event:
        stats, guidance, offset, text = (
            suggestion.stats,
            suggestion.stats.guidance,
            doc.cursor,
            suggestion.text,
        )
        return Event(
            id=suggestion_id,
            time=format_time(datetime.now(UTC)),
            session=self.session,
            client=self.client,
            language=doc.language_id,
            model=model,
            mode="guided" if stats.guided else "base",
            surface=surface,
            served=served,
            prompt=PromptSize(
                tokens=stats.prompt_tokens,
                reused_tokens=stats.reused_tokens,
                prefix_chars=offset,
                suffix_chars=len(doc.text) - offset,
            ),
            suggestion=OutputSize(
                tokens=stats.generated_tokens,
                chars=len(text),
                lines=text.count("\n") + 1,
                stop_reason=suggestion.stop_reason,
                fim=stats.fim,
                multiline=stats.multiline,
            ),
            latency_ms=Latency(
                queue=round(queue_ms, 2),
                prompt=round(stats.prompt_ms, 2),
                generate=round(stats.generate_ms, 2),
                engine=round(guidance.engine_ms if guidance else 0.0, 2),
                model=round(stats.model_ms, 2),
                total=round(queue_ms + stats.total_ms, 2),
            ),
            guidance={k: round(v, 3) for k, v in guidance.counters().items()} if guidance else {},
            pruned_names=dict(Counter(guidance.pruned_names)) if full and guidance else {},
            text=Excerpt(
                uri=doc.uri,
                prefix=doc.text[max(0, offset - EXCERPT_PREFIX_CHARS) : offset],
                suffix=doc.text[offset : offset + EXCERPT_SUFFIX_CHARS],
                suggestion=text,
            )
            if full
            else None,
        )
