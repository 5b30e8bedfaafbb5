"""A llama-server behind :class:`decoding.runtime.TokenModel` (``model: "llama-server:http://HOST:PORT"``).

The token loop and the guided policy run here, unchanged; the server holds the weights and the KV cache.
What the loop calls "the logits after the last token" is the server's top-``top_k`` log-probabilities
there (``n_probs``), the other tokens at minus infinity; where guidance prunes all of them,
:meth:`RemoteRuntime.full_logits` asks for a deeper list at the same point.

Round trips are avoided by speculation: :meth:`prime` starts one streamed completion (greedy,
``cache_prompt``) and reads its first event; as long as the loop appends the token the server chose,
the next event already holds the next distribution. When the loop takes another token (guidance pruned
the server's, healing, a forced name, a back-off), the stream is closed and a new one starts from the
prompt plus the output, which the server's prompt cache mostly holds (``timings.cache_n``). With
``stream=False`` every token is one ``n_predict: 1`` request instead (the step mode, for comparison).

llama-server sends no probabilities for a sampled token that ends inside a UTF-8 character (it waits
for the rest of the character): a step bans such a token and asks again, and a stream whose event count
skips one (``tokens_predicted``) gives way to a step at that point.

The vocabulary (each token's bytes) comes from the server itself: one ``n_probs = n_vocab`` request,
so a server running another model gets its own vocabulary index. A token without bytes (the server
renders control tokens as empty) counts as control / end of generation. :meth:`check` compares the
server's model with the one this runtime was built for, and raises :class:`VocabularyChanged` when it
differs (the caller then builds a new runtime and index).
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

import numpy as np

from decoding.remote_http import Client, Endpoint, RemoteError, Stream
from decoding.settings import ModelSettings

log = logging.getLogger(__name__)

REMOTE_SCHEME = "llama-server:"
_TOP_K = 20  # log-probabilities per streamed token
_DEEP_K = 4096  # the deeper list asked for when guidance prunes the whole top
_AHEAD = 64  # tokens one stream generates at most before a new one is needed
_VOCABULARY_TIMEOUT_MS = 120_000  # the one bulk answer (every token's bytes) may take a while
_SLOT_HEAD = 32  # prompt tokens that name a document (path header and file start) for its slot
_SLOTS_KEPT = 64  # prompt heads whose slot is remembered
_BANS = 8  # sampled tokens banned at most, one after another, to get one step's probabilities
_CHECK_EVERY_S = 5.0  # how often (and after a lost connection) a request first confirms the model


class VocabularyChanged(RemoteError):
    """The server now runs a different model: the runtime and its vocabulary index must be rebuilt."""


def remote_url(spec: str) -> str | None:
    """The server URL of a ``llama-server:URL`` model spec, else None."""
    spec = spec.strip()
    return spec[len(REMOTE_SCHEME) :] if spec.startswith(REMOTE_SCHEME) else None


@dataclass(frozen=True, slots=True)
class ServerModel:
    """What identifies the model a server runs."""

    path: str
    n_vocab: int
    n_ctx: int
    slots: int


@dataclass(slots=True)
class _Next:
    """The distribution after the cached tokens, and the token the server chose from it."""

    chosen: int
    ids: np.ndarray
    logprobs: np.ndarray


class RemoteRuntime:
    """One llama-server's model, driven token by token over HTTP (a single worker thread)."""

    def __init__(
        self, url: str, settings: ModelSettings, *, stream: bool = True, top_k: int = _TOP_K
    ) -> None:
        self.endpoint = Endpoint.parse(url)
        self._api_key, self._timeout_ms = settings.server_api_key, settings.server_timeout_ms
        self._client = Client(
            self.endpoint, api_key=settings.server_api_key, timeout_ms=settings.server_timeout_ms
        )
        self._stream_mode = stream
        self._top_k = top_k
        self.server = self._server_model()
        self.name = f"{PurePath(self.server.path).name} at {self.endpoint.label}"
        self.n_ctx = self.server.n_ctx
        self.n_vocab = self.server.n_vocab
        t0 = time.perf_counter()
        self._pieces = self._vocabulary()
        self.fingerprint = hashlib.sha256(b"\0".join(self._pieces)).hexdigest()[:24]
        log.info(
            "remote model %s (n_ctx=%d, vocab=%d in %.0f ms, %d slots)",
            self.name,
            self.n_ctx,
            self.n_vocab,
            (time.perf_counter() - t0) * 1000,
            self.server.slots,
        )
        self._bos = self._client.post("/tokenize", {"content": "", "add_special": True}).get("tokens", [])
        self._special: dict[str, int | None] = {}
        self._texts: dict[int, str] = {}
        self._tokens: list[int] = []  # what the server's slot holds for us: the prompt and the output
        self._next: _Next | None = None
        self._live: Stream | None = None
        self._events: Any = None
        self._streamed = 0  # distributions the live stream has sent
        self._head_len = 0  # how many of the prime's tokens name its slot
        self._slots: dict[bytes, int] = {}  # the slot the server gave each prompt head
        self._checked_at = time.monotonic()
        self._logits = np.full(self.n_vocab, -np.inf, dtype=np.float32)
        self._logits_of: _Next | None = None
        self.last_timings: dict[str, Any] = {}

    # -- the server and its model ------------------------------------------------------------------
    def _server_model(self) -> ServerModel:
        props = self._client.get("/props")
        settings = props.get("default_generation_settings") if isinstance(props, dict) else None
        if not isinstance(settings, dict) or "n_ctx" not in settings or "total_slots" not in props:
            raise RemoteError(
                f"{self.endpoint.label} is not a llama-server: /props has no generation settings"
            )
        models = self._client.get("/v1/models")
        try:
            meta = models["data"][0]["meta"]
            n_vocab = int(meta["n_vocab"])
        except (KeyError, IndexError, TypeError, ValueError) as e:
            raise RemoteError(
                f"{self.endpoint.label} is not a llama-server: /v1/models has no n_vocab"
            ) from e
        return ServerModel(
            path=str(props.get("model_path", "")),
            n_vocab=n_vocab,
            n_ctx=int(settings["n_ctx"]),
            slots=int(props["total_slots"]),
        )

    def _vocabulary(self) -> list[bytes]:
        """Every token's bytes, from one completion step that lists the whole vocabulary."""
        body = {
            "prompt": [0],
            "n_predict": 1,
            "n_probs": self.n_vocab,
            "ignore_eos": True,
            "temperature": 0,
            "cache_prompt": False,
            "return_tokens": True,
        }
        bulk = Client(
            self.endpoint, api_key=self._api_key, timeout_ms=max(self._timeout_ms, _VOCABULARY_TIMEOUT_MS)
        )
        try:
            answer = self._probabilities(bulk, body)
        finally:
            bulk.close()
        pieces = [b""] * self.n_vocab
        try:
            for entry in answer["completion_probabilities"][0]["top_logprobs"]:
                pieces[int(entry["id"])] = bytes(entry["bytes"])
        except (KeyError, IndexError, TypeError, ValueError) as e:
            raise RemoteError(f"{self.endpoint.label} did not list its vocabulary ({e})") from e
        return pieces

    def check(self) -> None:
        """Raise :class:`VocabularyChanged` if the server's model is no longer the one this runtime has."""
        self._checked_at = time.monotonic()
        now = self._server_model()
        self._client.lost = False
        if (now.path, now.n_vocab) != (self.server.path, self.server.n_vocab):
            raise VocabularyChanged(
                f"llama-server at {self.endpoint.label} now runs {PurePath(now.path).name} "
                f"(vocabulary {now.n_vocab}), not {PurePath(self.server.path).name}: rebuilding"
            )

    # -- the vocabulary ----------------------------------------------------------------------------
    def tokenize(self, text: str, *, special: bool = False) -> list[int]:
        if not text:
            return []
        data = text.encode("utf-8", errors="surrogatepass").decode("utf-8", errors="replace")
        answer = self._client.post(
            "/tokenize", {"content": data, "add_special": False, "parse_special": special}
        )
        return [int(t) for t in answer.get("tokens", [])]

    def bos(self) -> list[int]:
        return list(self._bos)

    def piece(self, token: int) -> bytes:
        return self._pieces[token]

    def is_eog(self, token: int) -> bool:
        return not self._pieces[token]

    def is_control(self, token: int) -> bool:
        return not self._pieces[token]

    def special_id(self, text: str) -> int | None:
        if text not in self._special:
            answer = self._client.post(
                "/tokenize", {"content": text, "parse_special": True, "with_pieces": True}
            )
            tokens = answer.get("tokens", [])
            one = len(tokens) == 1 and isinstance(tokens[0], dict) and tokens[0].get("piece") == text
            self._special[text] = int(tokens[0]["id"]) if one else None
        return self._special[text]

    def token_text(self, token: int) -> str:
        if token not in self._texts:
            self._texts[token] = str(self._client.post("/detokenize", {"tokens": [token]}).get("content", ""))
        return self._texts[token]

    def metadata(self) -> dict[str, str]:
        return {"general.name": PurePath(self.server.path).stem, "ghostwise.server": self.endpoint.label}

    # -- the cache ---------------------------------------------------------------------------------
    def cached(self) -> Sequence[int]:
        return self._tokens

    def prime(self, tokens: Sequence[int]) -> int:
        if not tokens:
            raise ValueError("empty prompt")
        if len(tokens) > self.n_ctx:
            raise ValueError(f"prompt of {len(tokens)} tokens exceeds the server's n_ctx={self.n_ctx}")
        if self._client.lost or time.monotonic() - self._checked_at > _CHECK_EVERY_S:
            self.check()
        self._tokens = list(tokens)
        self._head_len = min(_SLOT_HEAD, len(tokens))
        claimed = self._claim() if self._stream_mode and self._slot() < 0 else None
        self._start()
        return int((claimed or self.last_timings).get("cache_n", 0))

    def append(self, tokens: Sequence[int]) -> None:
        if len(self._tokens) + len(tokens) > self.n_ctx:
            raise ValueError("context full")
        for token in tokens:
            self._tokens.append(token)
            if self._next is not None and self._next.chosen == token and self._live is not None:
                self._advance()
            else:
                self._next = None
        if self._next is None:
            self._start()

    def truncate(self, n_keep: int) -> None:
        del self._tokens[n_keep:]
        self.finish()

    def share_cores(self, engine_busy: bool) -> None:
        """The server's cores are its own."""

    def finish(self) -> None:
        """Stop the running stream (the server stops generating ahead)."""
        if self._live is not None:
            self._live.close()
            self._live = None
        self._next = None

    def logits(self) -> np.ndarray:
        if self._next is None:
            raise RemoteError("no distribution: nothing was evaluated")
        if self._logits_of is not self._next:
            self._logits.fill(-np.inf)
            self._logits[self._next.ids] = self._next.logprobs
            self._logits_of = self._next
        return self._logits

    def full_logits(self) -> np.ndarray:
        """The distribution after the cached tokens with the top ``_DEEP_K`` tokens known."""
        self.finish()
        self._next = self._step(_DEEP_K)
        return self.logits()

    # -- requests ----------------------------------------------------------------------------------
    def _slot(self) -> int:
        """The server slot of the cached tokens' document (its prompt head), or -1 (not known yet).

        The server chooses a slot for a document's first request (an idle one: the one whose cache is
        most alike, else the least recently used) and every later request asks for that one, so each
        document keeps its slot's KV cache across keystrokes and two people's documents share a slot
        only when all are taken. Left to the server, a request that follows a closed stream would find
        its slot still busy for a token and go to another one."""
        return self._slots.get(self._head(), -1)

    def _head(self) -> bytes:
        return np.asarray(self._tokens[: self._head_len], dtype=np.int64).tobytes()

    def _remember(self, answer: dict[str, Any]) -> None:
        """Note the slot a final answer names for the cached tokens' document."""
        slot = answer.get("id_slot")
        if not isinstance(slot, int) or slot < 0:
            return
        head = self._head()
        self._slots.pop(head, None)
        if len(self._slots) >= _SLOTS_KEPT:
            del self._slots[next(iter(self._slots))]  # the oldest
        self._slots[head] = slot

    def _claim(self) -> dict[str, Any]:
        """Let the server choose a slot for a new document with a one-token stream run to its end (its
        last event names the slot; a stream closed early would not); return that request's timings."""
        body = self._body(1, 0) | {"stream": True, "return_progress": True}
        timings: dict[str, Any] = {}
        for event in self._client.stream("/completion", body).events():
            if event.get("stop"):
                self._remember(event)
                timings = event.get("timings") or {}
        return timings

    def _body(self, n_predict: int, n_probs: int) -> dict[str, Any]:
        return {
            "prompt": self._tokens,
            "id_slot": self._slot(),
            "n_predict": n_predict,
            "n_probs": n_probs,
            "temperature": 0,
            "cache_prompt": True,
            "ignore_eos": True,  # the end is the loop's choice: it sees end tokens in the list
            "return_tokens": True,
            "timings_per_token": True,
        }

    def _start(self) -> None:
        """A distribution after the cached tokens: a new stream, or one step."""
        self.finish()
        if not self._stream_mode:
            self._next = self._step(self._top_k)
            return
        ahead = max(1, min(_AHEAD, self.n_ctx - len(self._tokens)))
        # return_progress: an event after each batch of the prompt, so a long prompt being evaluated is
        # not a silent server (the time-out is the longest wait for any one event)
        body = self._body(ahead, self._top_k) | {"stream": True, "return_progress": True}
        self._live = self._client.stream("/completion", body)
        self._events = self._live.events()
        self._streamed = 0
        self._advance()
        if self._next is None:  # the stream ended before it sent a distribution
            self._next = self._step(self._top_k)

    def _advance(self) -> None:
        """Read the stream's next token and the distribution it was chosen from."""
        assert self._live is not None
        while True:
            try:
                event = next(self._events)
            except StopIteration:
                self._live, self._next = None, None
                return
            timings = event.get("timings")
            if isinstance(timings, dict) and timings.get("predicted_n", 0) <= 1:
                self.last_timings = timings
            probs = event.get("completion_probabilities")
            if probs:
                self._streamed += 1
                if event.get("tokens_predicted", self._streamed) != self._streamed:
                    # the token sampled here ended inside a UTF-8 character: the server sent no event
                    # for it (it waits for the rest), so this event's distribution is the next one's
                    self.finish()
                    self._next = self._step(self._top_k)
                    return
                self._next = self._parse(probs[0])
                return
            if event.get("stop"):
                self._live, self._next = None, None
                return

    def _step(self, n_probs: int) -> _Next:
        answer = self._probabilities(self._client, self._body(1, n_probs))
        self._remember(answer)
        self.last_timings = answer.get("timings") or {}
        return self._parse(answer["completion_probabilities"][0])

    def _probabilities(self, client: Client, body: dict[str, Any]) -> dict[str, Any]:
        """The answer of a one-token ``/completion`` ``body``, with the probabilities of that token.

        llama-server withholds them when the token it sampled ends inside a UTF-8 character (it waits
        for the rest of the character, which ``n_predict: 1`` never brings). That token is then banned
        (``logit_bias``) and the step asked again: the listed probabilities are the model's before
        sampling, so the ban does not change them, and the banned token is still in the list.
        """
        banned: list[list[int | bool]] = []
        for _ in range(_BANS):
            answer = client.post("/completion", body | {"logit_bias": banned} if banned else body)
            if not isinstance(answer, dict):
                break
            if answer.get("completion_probabilities"):
                return answer
            sampled = answer.get("tokens")
            if not isinstance(sampled, list) or not sampled:
                break
            banned += [[int(token), False] for token in sampled]
        raise RemoteError(f"{self.endpoint.label} answered a completion without probabilities")

    def _parse(self, entry: Any) -> _Next:
        try:
            top = entry["top_logprobs"]
            ids = np.fromiter((int(t["id"]) for t in top), dtype=np.int64, count=len(top))
            logprobs = np.fromiter((float(t["logprob"]) for t in top), dtype=np.float32, count=len(top))
            chosen = int(entry["id"])
        except (KeyError, TypeError, ValueError) as e:
            raise RemoteError(f"malformed token probabilities from {self.endpoint.label}: {e}") from e
        if ids.size == 0 or int(ids.max()) >= self.n_vocab or int(ids.min()) < 0:
            raise RemoteError(f"{self.endpoint.label} sent token ids outside its vocabulary")
        return _Next(chosen=chosen, ids=ids, logprobs=logprobs)

    def close(self) -> None:
        self.finish()
        self._client.close()
