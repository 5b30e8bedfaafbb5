"""One request past the gate, answered the cheapest way there is (``docs/typing.md``): the rest of a
suggestion the user typed through (the cache, or the document's running generation), else a generation
of its own after the (adaptive) debounce."""

from __future__ import annotations

import asyncio
import dataclasses
import time

from completion_engine import Document
from decoding.completer import Suggestion
from decoding.loop import CancelToken
from lsp_server import debounce
from lsp_server.ahead import Counters
from lsp_server.config import ServerSettings
from lsp_server.scheduler import Scheduler, Superseded
from lsp_server.service import CompletionService
from lsp_server.streams import Stream
from lsp_server.suggestion_cache import SuggestionCache

_KEEP_CACHE = frozenset({"log_level", "dev_data", "dismiss_after_ms", "thinking_after_ms", "gate"})


class Responder:
    """The server's typing state: the suggestion cache, each document's newest generation and rhythm."""

    def __init__(self, service: CompletionService, scheduler: Scheduler) -> None:
        self.service, self.scheduler = service, scheduler
        self.cache = SuggestionCache(self.settings.typing.cache_entries)
        self.streams: dict[str, Stream] = {}  # the newest generation of each document
        self.rhythms: dict[str, debounce.Rhythm] = {}  # each open document's typing rhythm
        self.counters = Counters()
        self._speculation: tuple[CancelToken, list[str]] | None = None  # its token and target texts

    @property
    def settings(self) -> ServerSettings:
        return self.service.settings

    def configured(self, changed: frozenset[str]) -> None:
        """Settings changed: suggestions made under the old ones are not kept."""
        if changed - _KEEP_CACHE:
            typing = self.settings.typing
            self.cache = SuggestionCache(typing.cache_entries if typing.cache or typing.speculative else 0)

    def edited(self, doc: Document) -> None:
        """The user edited ``doc`` (a key of the rhythm); a speculation for any other state stops."""
        self.rhythms.setdefault(doc.uri, debounce.Rhythm()).key()
        if self._speculation is not None and doc.text not in self._speculation[1]:
            self._speculation[0].cancel()
            self._speculation = None

    def speculate(self, doc: Document, text: str) -> None:
        """``text`` was offered at ``doc``: when the model is idle, compute the suggestions at the states
        accepting it reaches (whole, and its first line when it has several) into the cache, at background
        priority (:meth:`Scheduler.background`); the first is the document's stream meanwhile, so a
        request at that state adopts it while it runs."""
        typing = self.settings.typing
        if not typing.speculative or not self.scheduler.idle:
            return
        first_line = text.split("\n", 1)[0]
        ends = [text, first_line] if first_line.strip() and first_line != text else [text]
        targets = [
            dataclasses.replace(
                doc,
                version=-(2 * doc.version + 1 + i),  # its own version: the engine's caches are per version
                text=doc.text[: doc.cursor] + end + doc.text[doc.cursor :],
                cursor=doc.cursor + len(end),
            )
            for i, end in enumerate(ends)
        ]
        texts = [t.text for t in targets]
        if (
            self._speculation is not None
            and self._speculation[1] == texts
            and not self._speculation[0].cancelled
        ):
            return  # already on its way (a typed-through remainder of the same suggestion)
        streams = [Stream(t) for t in targets if self.cache.lookup(t) is None]
        if not streams:
            return
        self.streams[doc.uri] = streams[0]

        def work(cancel: CancelToken) -> None:
            try:
                for stream in streams:
                    if cancel.cancelled:
                        break
                    stream.start(cancel)
                    suggestion = self.service.complete(stream.doc, cancel=cancel, on_text=stream.update)
                    self._ran(suggestion, speculative=True)
                    if suggestion.stop_reason != "cancelled":
                        self.cache.put(stream.doc, suggestion.text, suggestion.stop_reason, suggestion.stats)
                    stream.finish(suggestion)
            finally:
                for stream in streams:
                    stream.finish(None)

        self._speculation = (self.scheduler.background(work), texts)

    def forget(self, uri: str) -> None:
        """Release what is kept for a closed document."""
        self.cache.forget(uri)
        self.streams.pop(uri, None)
        self.rhythms.pop(uri, None)

    async def answer(self, doc: Document, arrived: float) -> tuple[Suggestion, str, float]:
        """The suggestion at ``doc``, where it came from (``cache``, ``stream``, ``model``) and how long
        it waited for the model thread. Raises :class:`Superseded` when a newer request came first."""
        self.counters.requests += 1
        try:
            typing = self.settings.typing
            through = await self._typed_through(doc) if typing.cache or typing.speculative else None
            if through is not None:
                return through[0], through[1], 0.0
            suggestion, queue_ms = await self._generate(doc, arrived)
        except Superseded:
            self.counters.superseded += 1
            raise
        return suggestion, "model", queue_ms

    async def _typed_through(self, doc: Document) -> tuple[Suggestion, str] | None:
        """The rest of a suggestion ``doc`` types through, with no model call of its own: from the
        cache, or from the document's running generation when what was typed agrees with it so far
        (None: neither)."""
        uri = doc.uri
        stream = self.streams.get(uri)
        if (hit := self.cache.lookup(doc)) is not None:
            self.scheduler.claim(uri)
            if stream is not None and stream.adopt(doc) is None:
                stream.cancel()
            return Suggestion(text=hit.text, stop_reason=hit.stop_reason, stats=hit.stats), "cache"
        if stream is None or (typed := stream.adopt(doc)) is None:
            return None
        ticket = self.scheduler.claim(uri)
        result = await asyncio.shield(asyncio.wrap_future(stream.done))
        if not self.scheduler.current(uri, ticket):
            raise Superseded(uri)
        if result is None or result.stop_reason == "cancelled" or len(result.text) <= len(typed):
            return None
        if not result.text.startswith(typed):
            return None
        rest = Suggestion(text=result.text[len(typed) :], stop_reason=result.stop_reason, stats=result.stats)
        return rest, "stream"

    async def _generate(self, doc: Document, arrived: float) -> tuple[Suggestion, float]:
        """A generation of its own for ``doc`` (the newest request for the document wins), and how long
        it waited for the model thread."""
        typing = self.settings.typing
        stream = Stream(doc)
        if typing.cache:
            self.streams[doc.uri] = stream

        def work(cancel: CancelToken) -> tuple[Suggestion, float]:
            stream.start(cancel)
            queue_ms = (time.perf_counter() - arrived) * 1000
            try:
                suggestion = self.service.complete(
                    doc, cancel=cancel, on_text=stream.update if typing.cache else None
                )
            except BaseException:
                stream.finish(None)
                raise
            self._ran(suggestion)
            if typing.cache and suggestion.stop_reason != "cancelled":
                self.cache.put(doc, suggestion.text, suggestion.stop_reason, suggestion.stats)
            stream.finish(suggestion)
            return suggestion, queue_ms

        return await self.scheduler.latest(
            doc.uri,
            work,
            debounce_ms=self.debounce_ms(doc),
            linger_ms=typing.linger_ms if typing.cache else 0,
        )

    def _ran(self, suggestion: Suggestion, *, speculative: bool = False) -> None:
        """Count a generation that ran (on the model thread)."""
        if speculative:
            self.counters.speculative_runs += 1
        else:
            self.counters.model_runs += 1
        self.counters.evaluated_tokens += suggestion.stats.evaluated_tokens
        self.counters.cancelled_runs += suggestion.stop_reason == "cancelled"

    def debounce_ms(self, doc: Document) -> int:
        """How long a request at ``doc`` waits for a newer keystroke."""
        fixed = self.settings.debounce_ms
        rhythm = self.rhythms.get(doc.uri)
        if not self.settings.typing.adaptive_debounce or rhythm is None:
            return fixed
        text, cursor = doc.text, doc.cursor
        return debounce.delay_ms(rhythm.typical_ms(), text[text.rfind("\n", 0, cursor) + 1 : cursor], fixed)
