"""Generations in flight, which a newer request may adopt instead of cancelling (Continue's stream reuse).

A :class:`Stream` is one model run for one document state. While it runs, the token loop reports its
text so far (:meth:`Stream.update`). A request for that state with characters typed at the cursor adopts
it (:meth:`Stream.adopt`) when what was typed agrees with that text so far; the run then goes on, and
the request answers the remainder of its result. Once the text disagrees with what the newest adopter
typed, the run is cancelled at its next token.
"""

from __future__ import annotations

import concurrent.futures
import threading

from completion_engine import Document
from decoding.completer import Suggestion
from decoding.loop import CancelToken
from lsp_server.suggestion_cache import consistent, typed_since


class Stream:
    """One generation for ``doc``; ``done`` resolves to its suggestion (None when it never ran)."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.done: concurrent.futures.Future[Suggestion | None] = concurrent.futures.Future()
        self._text = ""
        self._claim: str | None = None  # what the newest adopter typed
        self._token: CancelToken | None = None
        self._lock = threading.Lock()

    def start(self, token: CancelToken) -> None:
        """The run begins (on the model thread), cancelled with ``token``."""
        with self._lock:
            self._token = token

    @property
    def running(self) -> bool:
        return self._token is not None and not self.done.done() and not self._token.cancelled

    def update(self, text: str) -> None:
        """The generated text so far (model thread); cancels the run once it leaves the newest claim."""
        with self._lock:
            self._text = text
            if self._claim is not None and self._token is not None and not consistent(text, self._claim):
                self._token.cancel()

    def adopt(self, doc: Document) -> str | None:
        """What was typed since this stream's state if ``doc`` may wait for its result, else None."""
        typed = typed_since(self.doc, doc)
        with self._lock:
            if typed is None or not self.running or not consistent(self._text, typed):
                return None
            self._claim = typed
            return typed

    def cancel(self) -> None:
        with self._lock:
            if self._token is not None:
                self._token.cancel()

    def finish(self, suggestion: Suggestion | None) -> None:
        if not self.done.done():
            self.done.set_result(suggestion)
