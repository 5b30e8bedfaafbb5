"""Settings and counters of the features that hide model latency while the user types."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True, kw_only=True)
class TypingSettings:
    """``cache``: answer the remainder of a shown or still-running suggestion the user types through (no
    model call), and let a request that extends a running generation wait for it instead of cancelling
    it; ``cache_entries`` bounds the cache. ``linger_ms``: how long a generation whose request the client
    cancelled keeps running for a newer request to adopt it. ``adaptive_debounce``: the debounce follows
    the user's typing rhythm and the cursor's position (:mod:`lsp_server.debounce`), ``debounceMs`` the
    fallback. ``speculative``: once a suggestion is shown and the model is idle, compute the one at the
    state accepting it reaches, at background priority, into the cache (looked up even without ``cache``)."""

    cache: bool = field(default=True, metadata={"setting": {}})
    cache_entries: int = field(default=250, metadata={"setting": {"range": (1, 10_000)}})
    adaptive_debounce: bool = field(default=True, metadata={"setting": {}})
    speculative: bool = field(default=True, metadata={"setting": {}})
    linger_ms: int = 150


SOURCES_KEPT = 256


@dataclass(slots=True)
class Counters:
    """What happened to the requests of a session (``ghostwise/counters``), for tests and benchmarks."""

    requests: int = 0  # completion requests past the gate
    served_cache: int = 0  # answered from the cache (typed through or the same state)
    served_stream: int = 0  # answered by adopting a generation already running
    served_model: int = 0  # answered by a generation of their own
    superseded: int = 0  # answered empty: a newer request for the document came first
    model_runs: int = 0  # generations run on the model for a request
    speculative_runs: int = 0  # generations run for the state after an accept (no request yet)
    cancelled_runs: int = 0  # generations (of either kind) stopped before their end
    evaluated_tokens: int = 0  # prompt tokens evaluated (not reused from the KV cache) plus generated
    sources: dict[str, str] = field(default_factory=dict)  # suggestion id → source, the last SOURCES_KEPT

    def served(self, source: str, suggestion_id: str) -> None:
        """Count an answer served from ``source`` (``cache``, ``stream`` or ``model``) and remember where
        suggestion ``suggestion_id`` came from (a client may have dropped others answered meanwhile)."""
        self.sources[suggestion_id] = source
        if len(self.sources) > SOURCES_KEPT:
            del self.sources[next(iter(self.sources))]
        if source == "cache":
            self.served_cache += 1
        elif source == "stream":
            self.served_stream += 1
        else:
            self.served_model += 1

    def to_dict(self) -> dict[str, Any]:
        """The counters, ``sources`` as ``[id, source]`` pairs (ids are not valid JSON-object keys for
        every client's decoder: pygls makes named tuples of objects)."""
        return {**asdict(self), "sources": [list(pair) for pair in self.sources.items()]}
