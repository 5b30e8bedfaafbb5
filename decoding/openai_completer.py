"""Suggestions from an OpenAI-compatible server (``model: "openai:http://HOST:PORT/v1"``): unguided.

Such a server takes text, not token ids, and says nothing of its vocabulary, so the token loop and
guidance cannot run against it: this completer sends the text before the cursor (and after it, as
``suffix``, where the server accepts fill-in-the-middle: a server that refuses the parameter gets
prefix-only prompts from then on), streams the answer, stops it at the same line rules as the local
loop, and shapes it the same way. :attr:`guidance_available` is False: the status says so.
"""

from __future__ import annotations

import logging
import time
from pathlib import PurePath
from typing import Any

from decoding.completer import DecodeStats, Snapshot, Suggestion
from decoding.loop import CancelToken
from decoding.remote_http import Client, Endpoint, RemoteError
from decoding.settings import GenerationSettings, ModelSettings
from decoding.shaping import cut_at_stop, finalize, plan_shape

log = logging.getLogger(__name__)

OPENAI_SCHEME = "openai:"
_CHARS_PER_TOKEN = 3  # a conservative guess: the prompt's text is cut to the context in characters


def openai_url(spec: str) -> str | None:
    """The base URL (``…/v1``) of an ``openai:URL`` model spec, else None."""
    spec = spec.strip()
    return spec[len(OPENAI_SCHEME) :] if spec.startswith(OPENAI_SCHEME) else None


class OpenAIModel:
    """The server and the model name sent with each request (``serverModel``, else the server's first)."""

    def __init__(self, url: str, settings: ModelSettings) -> None:
        self.endpoint = Endpoint.parse(url)
        self.client = Client(
            self.endpoint, api_key=settings.server_api_key, timeout_ms=settings.server_timeout_ms
        )
        listed = self.client.get("/models")
        try:
            names = [str(m["id"]) for m in listed["data"]]
        except (KeyError, TypeError) as e:
            raise RemoteError(
                f"{self.endpoint.label} is not an OpenAI-compatible server: /models lists no models"
            ) from e
        self.model = settings.server_model or (names[0] if names else "")
        self.name = f"{PurePath(self.model).name} at {self.endpoint.label}"
        self.n_ctx = settings.n_ctx

    def close(self) -> None:
        self.client.close()


class OpenAICompleter:
    """Turns a document snapshot into an unguided :class:`Suggestion` through ``/completions``."""

    guidance_available = False

    def __init__(self, model: OpenAIModel) -> None:
        self.model = model
        self.fim = True  # until the server refuses ``suffix``

    def complete(
        self, doc: Snapshot, generation: GenerationSettings, *, cancel: CancelToken | None = None, **_: Any
    ) -> Suggestion:
        started = time.perf_counter()
        prefix, suffix = doc.text[: doc.cursor], doc.text[doc.cursor :]
        plan = plan_shape(prefix, suffix, generation.max_lines)
        budget = max(256, self.model.n_ctx - generation.max_tokens) * _CHARS_PER_TOKEN
        body: dict[str, Any] = {
            "model": self.model.model,
            "prompt": prefix[-(budget * 3 // 4 if self.fim else budget) :],
            "max_tokens": generation.max_tokens,
            "temperature": 0,
            "stream": True,
        }
        try:
            stream = self.model.client.stream(
                "/completions", body | {"suffix": suffix[: budget // 4]} if self.fim else body
            )
        except RemoteError as e:
            if not self.fim or "suffix" not in str(e):
                raise
            log.info("%s takes no suffix: prefix-only prompts from now on", self.model.endpoint.label)
            self.fim = False
            return self.complete(doc, generation, cancel=cancel)
        stats = DecodeStats(fim=self.fim, multiline=plan.multiline)
        text, reason = "", "eog"
        try:
            for event in stream.events():
                if cancel is not None and cancel.cancelled:
                    reason = "cancelled"
                    break
                choice = (event.get("choices") or [{}])[0]
                text += str(choice.get("text") or "")
                stats.generated_tokens += 1
                kept, stop = cut_at_stop(text, plan, over_time=False)
                if stop is not None:
                    text, reason = kept, stop
                    break
                if choice.get("finish_reason"):
                    reason = "max_tokens" if choice["finish_reason"] == "length" else "eog"
        finally:
            stream.close()
        stats.total_ms = stats.generate_ms = (time.perf_counter() - started) * 1000
        shaped = "" if reason == "cancelled" else finalize(text, suffix, plan)
        return Suggestion(text=shaped, stop_reason=reason, stats=stats)

    def prefill(self, doc: Snapshot, generation: GenerationSettings) -> None:
        """Nothing to evaluate ahead: the server's prompt cache fills on the first request."""
