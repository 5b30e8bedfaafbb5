"""The completion path shared by the LSP server, the CLI and ``ghostwise bench``.

It owns the loaded model (one generation at a time) and binds the completion engine to each
request, so every caller gets the same prompts, the same guidance and the same shaping.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from completion_engine import Document, EngineGuide, EngineSettings, JediSettings, PythonEngine
from decoding.completer import Completer, CompletionRequest, Suggestion
from decoding.constraint import Guide
from decoding.guided import GuidanceMemo
from decoding.loop import CancelToken
from decoding.model_source import ModelError, Progress, cache_dir, resolve_model
from decoding.settings import GenerationSettings, GuidanceSettings
from decoding.vocab_index import load_index
from lsp_server.config import ServerSettings

log = logging.getLogger(__name__)

_MEMO_DOCUMENTS = 8


class ModelNotReady(Exception):
    """No model is loaded (still loading, or loading failed)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class DocumentInput:
    """A document snapshot and the cursor's character offset in it."""

    uri: str
    text: str
    offset: int
    path: Path | None = None
    language_id: str = "python"
    version: int = 0


class CompletionService:
    """Loads the configured model and answers completion requests (thread-safe, serialized)."""

    def __init__(self, settings: ServerSettings, workspace_root: Path | None = None) -> None:
        self.settings = settings
        self.workspace_root = workspace_root
        self.engine = PythonEngine(EngineSettings(jedi=JediSettings(
            python_path=settings.python_environment or None, timeout_ms=settings.engine_timeout_ms)))
        self._completer: Completer | None = None
        self._memos: OrderedDict[tuple[str, int], GuidanceMemo] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def ready(self) -> bool:
        return self._completer is not None

    @property
    def model_name(self) -> str:
        return self._completer.model.name if self._completer else ""

    def load(self, progress: Progress | None = None) -> None:
        """Resolve and load ``settings.model`` (blocking); raises :class:`ModelError`."""
        from decoding.llama_runtime import LlamaRuntime

        path = resolve_model(self.settings.model, progress)
        if progress:
            progress(f"Loading {path.name}", None)
        runtime = LlamaRuntime(path, self.settings.model_settings())
        if progress:
            progress("Indexing the vocabulary", None)
        stat = path.stat()
        index = load_index(runtime, f"{path.resolve()}:{stat.st_size}:{stat.st_mtime_ns}", cache_dir() / "vocab")
        with self._lock:
            self._completer = Completer(runtime, index)

    def unload(self) -> None:
        with self._lock:
            self._completer = None

    def complete(self, doc: DocumentInput, *, generation: GenerationSettings | None = None,
                 guidance: GuidanceSettings | None = None, cancel: CancelToken | None = None) -> Suggestion:
        """One suggestion at ``doc.offset`` (offsets past the end are clamped)."""
        offset, request = self._request(doc)
        guidance = guidance or self.settings.guidance()
        with self._lock:
            if self._completer is None:
                raise ModelNotReady("the model is not loaded")
            guide = self._guide(doc, offset) if guidance.guided else None
            return self._completer.complete(request, generation or self.settings.generation(), guide=guide,
                                            guidance=guidance, memo=self._memo(doc), cancel=cancel)

    def prefill(self, doc: DocumentInput) -> None:
        """Evaluate the prompt at ``doc.offset`` into the model's KV cache, generating nothing."""
        with self._lock:
            if self._completer is None:
                raise ModelNotReady("the model is not loaded")
            self._completer.prefill(self._request(doc)[1], self.settings.generation())

    def _request(self, doc: DocumentInput) -> tuple[int, CompletionRequest]:
        offset = max(0, min(doc.offset, len(doc.text)))
        return offset, CompletionRequest(prefix=doc.text[:offset], suffix=doc.text[offset:],
                                         path=self._display_path(doc.path), language_id=doc.language_id)

    def warm_engine(self) -> None:
        """Pay the engine's start-up costs (Jedi's first call); meant for a background thread."""
        if self.settings.guided.enabled:
            self.engine.warm()

    def prepare(self, doc: DocumentInput) -> None:
        """Start analysing a new document version in the background (only when guidance is on: on two
        cores a busy Jedi thread slows the model's threads down)."""
        if doc.language_id == "python" and self.settings.guided.enabled:
            self.engine.prepare(self._document(doc))

    def _document(self, doc: DocumentInput) -> Document:
        return Document(uri=doc.uri, version=doc.version, text=doc.text, language_id=doc.language_id,
                        path=doc.path, workspace_root=self.workspace_root)

    def _guide(self, doc: DocumentInput, offset: int) -> Guide | None:
        """The completion engine bound to this snapshot (Python only)."""
        if doc.language_id != "python":
            return None
        return EngineGuide(self.engine, self._document(doc), offset, names_check=False)

    def _memo(self, doc: DocumentInput) -> GuidanceMemo:
        """The guidance memo of this document version (kept for the last few versions)."""
        key = (doc.uri, doc.version)
        memo = self._memos.pop(key, None) or GuidanceMemo()
        self._memos[key] = memo
        while len(self._memos) > _MEMO_DOCUMENTS:
            self._memos.popitem(last=False)
        return memo

    def _display_path(self, path: Path | None) -> str | None:
        if path is None:
            return None
        if self.workspace_root is not None:
            try:
                return path.resolve().relative_to(self.workspace_root.resolve()).as_posix()
            except ValueError:
                pass
        return path.name


__all__ = ["CompletionService", "DocumentInput", "ModelError", "ModelNotReady"]
