"""The ghostwise language server (pygls 2): ghost text, a completion fallback, settings, status."""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
import time
import uuid
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import unquote

from lsprotocol import types
from pygls.io_ import StdoutWriter
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path
from pygls.workspace import TextDocument

from completion_engine import Document
from decoding.completer import Suggestion
from decoding.model_source import ModelError
from decoding.remote_http import Unreachable
from lsp_server import __version__, gate, progress
from lsp_server.config import ServerSettings, parse_settings
from lsp_server.devdata.recorder import Recorder
from lsp_server.positions import cursor_offset
from lsp_server.progress import ProgressReporter
from lsp_server.protocol import GhostwiseProtocol
from lsp_server.responder import Responder
from lsp_server.scheduler import Scheduler, Superseded
from lsp_server.service import CompletionService, ModelNotReady
from lsp_server.snooze import Snooze
from lsp_server.transport import StreamReader, serve, stdin_reader

log = logging.getLogger(__name__)

STATUS_NOTIFICATION = "ghostwise/status"
COUNTERS_REQUEST = "ghostwise/counters"  # -> Counters.to_dict(): how requests were served this session
_FIRST_RETRY_S = 0.5  # a model server not reachable at load: tried again after this, doubling
_MAX_RETRY_S = 8.0


@dataclass(frozen=True, slots=True, kw_only=True)
class Offer:
    """A suggestion on its way to the client: the snapshot it was made for and its id."""

    doc: Document
    suggestion: Suggestion
    id: str


class GhostwiseServer(LanguageServer):
    """Server state: the completion service (which owns the settings) and its scheduler."""

    protocol: GhostwiseProtocol

    def __init__(self) -> None:
        super().__init__("ghostwise", __version__, protocol_cls=GhostwiseProtocol)
        self.service = CompletionService()
        self.scheduler = Scheduler()
        self.responder = Responder(self.service, self.scheduler)
        self.client_has_inline = False
        self.client_has_snippets = False
        self.workspace_root: Path | None = None
        self.load_error: str | None = None
        self._served_state: tuple[str | None, str] = (None, "")  # the last request's error, and model
        self._loads = 0
        self._retry_load = False
        self._shown_errors: set[str] = set()
        self.snooze = Snooze(self.send_current_status)
        self.devdata = Recorder(
            lambda: self.service.settings, lambda m: self.show_once(m, types.MessageType.Warning)
        )

    @property
    def settings(self) -> ServerSettings:
        return self.service.settings

    # -- transports (pygls' own, with ghostwise's frame reader and boundary) -------------------
    def start_io(self, stdin: BinaryIO | None = None, stdout: BinaryIO | None = None) -> None:
        self._stop_event = stop = threading.Event()
        self.protocol.set_writer(StdoutWriter(stdout or sys.stdout.buffer))

        async def main() -> None:
            await serve(await stdin_reader(stdin or sys.stdin.buffer, self.thread_pool), self.protocol, stop)

        try:  # ``exit`` raises SystemExit: 0 after ``shutdown``, else 1 (pygls would swallow it)
            asyncio.run(main())
        except BrokenPipeError:
            log.error("the connection to the client is lost; shutting down")
        except KeyboardInterrupt:
            pass
        finally:
            self.shutdown()

    def start_tcp(self, host: str, port: int) -> None:
        self._stop_event = stop = threading.Event()

        async def connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            self.protocol.set_writer(writer)  # type: ignore[arg-type]  # write/close as pygls expects
            await serve(StreamReader(reader), self.protocol, stop)
            self.shutdown()

        async def listen() -> None:
            self._server = server = await asyncio.start_server(connection, host, port)
            log.info("serving on %s", ", ".join(str(s.getsockname()) for s in server.sockets))
            async with server:
                await server.serve_forever()

        try:
            asyncio.run(listen())
        except asyncio.CancelledError:
            log.debug("the TCP server was cancelled")

    def report_server_error(self, error: Exception, source: object) -> None:
        """Log it; never a pop-up per failed message (pygls shows "Error in server" for each)."""
        log.error("%s", error)

    # -- user-facing messages --------------------------------------------------------------
    def show_once(self, message: str, kind: types.MessageType = types.MessageType.Error) -> None:
        """``window/showMessage`` a message once per session; always log it."""
        log.log(logging.ERROR if kind == types.MessageType.Error else logging.WARNING, "%s", message)
        if message not in self._shown_errors:
            self._shown_errors.add(message)
            self.window_show_message(types.ShowMessageParams(type=kind, message=f"ghostwise: {message}"))

    @property
    def state(self) -> str:
        return "ready" if self.service.ready else ("error" if self.load_error else "loading")

    def send_current_status(self) -> None:
        """The status as it stands, again (a setting or the snooze changed what it carries): the last
        failure of a model server, else the ready message (where the model is, whether guidance is on)."""
        if not self.service.ready:
            self.send_status(self.state, self.load_error or "")
        elif failure := self._served_state[0]:
            self.send_status("error", failure)
        else:
            self.send_status("ready", self.ready_message())

    def send_status(self, state: str, message: str = "") -> None:
        self.protocol.notify(
            STATUS_NOTIFICATION,
            {
                "state": state,
                "model": self.service.model_name or self.settings.model.spec,
                "remote": remote.label if (remote := self.service.remote) else None,
                "guided": self.settings.guided.enabled and self.service.guidance_available,
                "message": message,
                "snoozedUntil": self.snooze.until,
            },
        )

    # -- settings and model ------------------------------------------------------------------
    def apply_settings(self, raw: object) -> frozenset[str]:
        """Merge settings into the service; return the names of the groups that changed."""
        new, errors = parse_settings(raw, self.settings)
        for error in errors:
            self.show_once(error, types.MessageType.Warning)
        changed = self.service.configure(new)
        self.responder.configured(changed)
        logging.getLogger().setLevel(new.log_level.upper())
        # pygls logs every message at info: only show its traffic when debugging
        logging.getLogger("pygls").setLevel(logging.DEBUG if new.log_level == "debug" else logging.WARNING)
        return changed

    async def load_model(self) -> None:
        """Load the configured model on the model thread, reporting ``$/progress`` and status; a model
        server that cannot be reached is tried again with a growing delay until it answers or the model
        setting changes."""
        self._loads += 1
        load, delay = self._loads, _FIRST_RETRY_S
        while not await self._load_once() and self._retry_load and load == self._loads:
            await asyncio.sleep(delay)
            delay = min(_MAX_RETRY_S, delay * 2)
            if load != self._loads:
                return

    async def _load_once(self) -> bool:
        spec = self.settings.model.spec
        self._retry_load = False
        self.send_status("loading", f"loading {spec}")
        reporter = ProgressReporter(self, "load") if progress.supported(self) else None
        if reporter:
            await reporter.begin(f"Loading model {spec}")
        try:
            await self.scheduler.call(self.service.unload)
            await self.scheduler.call(lambda: self.service.load(reporter.report if reporter else None))
        except Unreachable as e:
            self.load_error = f"{e}; trying again"
            self._retry_load = True
            self.send_status("error", self.load_error)
        except ModelError as e:
            self.load_error = str(e)
            self.show_once(f"{e}. Completions are off until the model setting is fixed.")
            self.send_status("error", str(e))
        except Exception as e:  # llama.cpp and friends raise broadly; never kill the server
            log.exception("model load failed")
            self.load_error = f"cannot load model {spec}: {e}"
            self.show_once(self.load_error)
            self.send_status("error", self.load_error)
        else:
            self.load_error = None
            remote = self.service.remote
            if remote is not None and remote.plain_remote:
                self.show_once(
                    f"code is sent to {remote.label} in plain http (unencrypted): use https or a tunnel",
                    types.MessageType.Warning,
                )
            self._served_state = (None, self.service.model_name)
            self.send_status("ready", self.ready_message())
        finally:
            if reporter:
                reporter.end("ready" if self.load_error is None else "failed")
        return self.load_error is None

    def ready_message(self) -> str:
        remote = self.service.remote
        if remote is None:
            return f"{self.service.model_name} ready"
        if not self.service.guidance_available:
            guidance = "unavailable on an OpenAI-compatible server"
        else:
            guidance = "on" if self.settings.guided.enabled else "off"
        return f"remote model at {remote.host} ready ({self.service.model_name}), guidance {guidance}"

    def _served(self, error: ModelError | None) -> None:
        """Report a model server failing a request, its recovery and a change of its model, once each."""
        message = None if error is None else str(error)
        if (message, self.service.model_name) != self._served_state:
            self._served_state = (message, self.service.model_name)
            self.send_status("ready" if message is None else "error", message or self.ready_message())

    # -- completions -----------------------------------------------------------------------
    def opened(self, uri: str) -> TextDocument | None:
        """The document the client opened under ``uri``; None for one it did not open.

        Never pygls' ``get_text_document``, which reads an unopened document from disk, on the event
        loop (a FIFO would freeze the server): ghostwise answers only for what the editor has open.
        """
        return self.workspace.text_documents.get(unquote(uri))  # pygls keys documents by unquoted uri

    def snapshot(self, uri: str, doc: TextDocument, position: types.Position | None = None) -> Document:
        """The open document ``doc`` with the cursor at ``position`` (its start without one)."""
        path = to_fs_path(uri)
        return Document(
            uri=uri,
            version=doc.version or 0,
            text=doc.source,
            cursor=cursor_offset(doc, position) if position else 0,
            language_id=doc.language_id or "",
            path=Path(path) if path else None,
            workspace_root=self.workspace_root,
        )

    def prepare(
        self, uri: str, edit_start: types.Position | None = None, inserted: int = 0, *, edited: bool = False
    ) -> None:
        """Let the engine start analysing a new document version (background); after an edit, where the
        cursor now is (the edit's start plus what it inserted), also start the query of the site there,
        so its answer is on its way before the completion request arrives. ``edited``: the user changed
        it (``didChange``, whole or in part)."""
        if (doc := self.opened(uri)) is None:
            return
        snapshot = self.snapshot(uri, doc)
        if edited:
            self.responder.edited(snapshot)
        self.service.prepare(snapshot)
        if edit_start is not None:
            cursor = min(cursor_offset(doc, edit_start) + inserted, len(snapshot.text))
            self.service.prefetch(replace(snapshot, cursor=cursor))

    async def suggest(
        self, uri: str, position: types.Position, *, explicit: bool, surface: str = "inline"
    ) -> Offer | None:
        """The newest suggestion for ``uri`` at ``position``, or None (empty answer).

        ``explicit``: the user asked for it (a key), rather than the editor on a keystroke."""
        arrived = time.perf_counter()
        if not self.service.ready:
            return None
        if (doc := self.opened(uri)) is None:
            log.debug("no suggestion for %s: not open", uri)
            return None
        snapshot = self.snapshot(uri, doc, position)
        refusal = gate.refusal(
            self.settings.gate,
            explicit=explicit,
            language_id=snapshot.language_id,
            path=snapshot.path,
            root=snapshot.workspace_root,
            snoozed=self.snooze.active,
        )
        if refusal is not None:
            log.debug("no suggestion for %s: %s", uri, refusal)
            return None
        try:
            name = snapshot.path.name if snapshot.path else uri
            async with progress.thinking(self, self.settings.thinking_after_ms, f"suggestion for {name}"):
                suggestion, served, queue_ms = await self.responder.answer(snapshot, arrived)
        except (Superseded, ModelNotReady):
            return None
        except ModelError as e:  # a model server that failed this request: empty answer, status says why
            log.warning("no suggestion for %s: %s", uri, e)
            self._served(e)
            return None
        self._served(None)
        self.devdata.replaced(uri)
        if not gate.long_enough(self.settings.gate, suggestion.text):
            return None
        offer = Offer(doc=snapshot, suggestion=suggestion, id=uuid.uuid4().hex)
        self.responder.counters.served(served, offer.id)
        self.responder.speculate(snapshot, suggestion.text)
        self.devdata.offered(
            offer.id,
            snapshot,
            suggestion,
            model=self.service.model_name,
            surface=surface,
            served=served,
            queue_ms=queue_ms,
        )
        return offer

    def forget(self, uri: str) -> None:
        """Release what the server keeps for a closed document (its running work, cache entries)."""
        self.scheduler.forget(uri)
        self.responder.forget(uri)

    def use_completion_fallback(self) -> bool:
        mode = self.settings.completion_fallback
        return mode == "always" or (mode == "auto" and not self.client_has_inline)


def settings_section(settings: Any) -> Any:
    """``settings.ghostwise`` when the client nests it (VS Code), else the object itself."""
    if isinstance(settings, dict) and isinstance(settings.get("ghostwise"), dict):
        return settings["ghostwise"]
    return settings
