"""The completion path shared by the LSP server, the CLI and ``ghostwise bench``.

It owns the settings (the only place they change, :meth:`CompletionService.configure`), the loaded
model (one generation at a time) and the completion engine, and binds the engine to each request,
so every caller gets the same prompts, the same guidance and the same shaping.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Callable

from completion_engine import Document, EngineGuide, PythonEngine
from completion_engine.lru import BoundedLRU
from decoding.completer import Completer, Suggestion
from decoding.guided import GuidanceMemo
from decoding.loop import CancelToken
from decoding.model_source import ModelError, Progress, cache_dir, resolve_model
from decoding.openai_completer import OpenAICompleter, OpenAIModel, openai_url
from decoding.remote_http import Endpoint
from decoding.remote_runtime import REMOTE_SCHEME, RemoteRuntime, VocabularyChanged, remote_url
from decoding.runtime import TokenModel
from decoding.settings import GuidanceSettings
from decoding.vocab_index import load_index
from lsp_server.config import ServerSettings

log = logging.getLogger(__name__)

_MEMO_DOCUMENTS = 8
_MEMO_CARRY_LIMIT = 20_000  # entries past which a memo carried across versions starts afresh


class ModelNotReady(Exception):
    """No model is loaded (still loading, or loading failed)."""


class CompletionService:
    """Loads the configured model and answers completion requests (thread-safe, serialized)."""

    def __init__(self, settings: ServerSettings | None = None) -> None:
        self._settings = settings or ServerSettings()
        self.engine = PythonEngine(self._settings.engine)
        self._completer: Completer | OpenAICompleter | None = None
        self._memos: BoundedLRU[tuple[str, int], GuidanceMemo] = BoundedLRU(max_entries=_MEMO_DOCUMENTS)
        self._lock = threading.Lock()

    @property
    def settings(self) -> ServerSettings:
        return self._settings

    def configure(self, new: ServerSettings) -> frozenset[str]:
        """Adopt ``new``; return the names of the ``ServerSettings`` fields that changed.

        Engine settings take effect at once (a new engine: Jedi projects depend on them); a change in
        ``model`` needs :meth:`load`, which the caller runs on its model thread.
        """
        changed = frozenset(
            f.name for f in dataclasses.fields(new) if getattr(new, f.name) != getattr(self._settings, f.name)
        )
        self._settings = new
        if "engine" in changed:
            old, self.engine = self.engine, PythonEngine(new.engine)
            old.close()  # a request still using it gets "unknown" from then on
        return changed

    @property
    def ready(self) -> bool:
        return self._completer is not None

    @property
    def model_name(self) -> str:
        return self._completer.model.name if self._completer else ""

    @property
    def remote(self) -> Endpoint | None:
        """The model server in use, when the model is remote."""
        model = self._completer.model if self._completer else None
        return model.endpoint if isinstance(model, RemoteRuntime | OpenAIModel) else None

    @property
    def guidance_available(self) -> bool:
        """Whether the loaded model can be guided (an OpenAI-compatible server cannot)."""
        return not isinstance(self._completer, OpenAICompleter)

    def load(self, progress: Progress | None = None) -> None:
        """Resolve and load the configured model (blocking); raises :class:`ModelError`."""
        settings = self._settings.model
        runtime: TokenModel
        url = remote_url(settings.spec)
        if (base := openai_url(settings.spec)) is not None:
            self._adopt(OpenAICompleter(OpenAIModel(base, settings)))
            return
        if url is not None:
            if progress:
                progress(f"Connecting to {url}", None)
            runtime = RemoteRuntime(url, settings, stream=settings.remote_stream)
            identity = f"{REMOTE_SCHEME}{runtime.server.path}:{runtime.fingerprint}"
        else:
            from decoding.llama_runtime import LlamaRuntime

            path = resolve_model(settings.spec, progress)
            if progress:
                progress(f"Loading {path.name}", None)
            runtime = LlamaRuntime(path, settings)
            stat = path.stat()
            identity = f"{path.resolve()}:{stat.st_size}:{stat.st_mtime_ns}"
        if progress:
            progress("Indexing the vocabulary", None)
        self._adopt(Completer(runtime, load_index(runtime, identity, cache_dir() / "vocab")))

    def _adopt(self, completer: Completer | OpenAICompleter) -> None:
        with self._lock:
            old, self._completer = self._completer, completer
        if old is not None and isinstance(old.model, RemoteRuntime | OpenAIModel):
            old.model.close()

    def unload(self) -> None:
        with self._lock:
            self._completer = None

    def complete(
        self,
        doc: Document,
        *,
        guidance: GuidanceSettings | None = None,
        cancel: CancelToken | None = None,
        on_text: Callable[[str], None] | None = None,
    ) -> Suggestion:
        """One suggestion at ``doc.cursor`` (``guidance`` overrides the settings' own, for the bench;
        ``on_text`` hears the text so far while it is generated)."""
        try:
            return self._complete(doc, guidance, cancel, on_text)
        except VocabularyChanged as e:  # the server was restarted with another model
            log.warning("%s", e)
            self.load()
            return self._complete(doc, guidance, cancel, on_text)

    def _complete(
        self,
        doc: Document,
        guidance: GuidanceSettings | None,
        cancel: CancelToken | None,
        on_text: Callable[[str], None] | None,
    ) -> Suggestion:
        settings = self._settings
        guidance = guidance or settings.guided
        with self._lock:
            if self._completer is None:
                raise ModelNotReady("the model is not loaded")
            guided = guidance.enabled and doc.language_id in self.engine.languages and self.guidance_available
            guide = EngineGuide(self.engine, doc) if guided else None
            return self._completer.complete(
                doc,
                settings.generation,
                guide=guide,
                guidance=guidance,
                memo=self._memo(doc),
                cancel=cancel,
                on_text=on_text,
            )

    def prefill(self, doc: Document) -> None:
        """Evaluate the prompt at ``doc.cursor`` into the model's KV cache, generating nothing."""
        with self._lock:
            if self._completer is None:
                raise ModelNotReady("the model is not loaded")
            self._completer.prefill(doc, self._settings.generation)

    def warm_engine(self) -> None:
        """Pay the engine's start-up costs (Jedi's first call); meant for a background thread."""
        if self._settings.guided.enabled:
            self.engine.warm()

    def prepare(self, doc: Document) -> None:
        """Start analysing a new document version in the background (only when guidance is on: on two
        cores a busy Jedi thread slows the model's threads down)."""
        if doc.language_id in self.engine.languages and self._settings.guided.enabled:
            self.engine.prepare(doc)

    def prefetch(self, doc: Document) -> None:
        """Classify the cursor of a new version and start the query of the site there, not waiting."""
        if doc.language_id in self.engine.languages and self._settings.guided.enabled:
            self.engine.prefetch(doc)

    def forget(self, uri: str) -> None:
        """Release what is kept for a closed document: its guidance memos and the engine's caches."""
        self._memos.forget(uri)
        self.engine.forget(uri)

    def documents(self) -> set[object]:
        """The documents something is kept for (the memos and the engine's caches)."""
        return self._memos.documents() | self.engine.documents()

    def _memo(self, doc: Document) -> GuidanceMemo:
        """The guidance memo of this document version (kept for the last few versions). With
        ``typing.cache`` a new version starts from the document's previous memo: its entries are keyed by
        the engine's name sets, so they hold for any version (bounded: past a size it starts afresh)."""
        key = (doc.uri, doc.version)
        memo = self._memos.get(key)
        if memo is None:
            carried = self._memos.get((doc.uri, -1)) if self._settings.typing.cache else None
            small = carried is not None and len(carried.feasible) + len(carried.denied) <= _MEMO_CARRY_LIMIT
            memo = carried if carried is not None and small else GuidanceMemo()
            self._memos.put(key, memo)
            self._memos.put((doc.uri, -1), memo)
        return memo


__all__ = ["CompletionService", "ModelError", "ModelNotReady"]
