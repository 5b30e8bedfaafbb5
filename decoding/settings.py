"""Typed settings of the decoding layer (model, generation, guidance).

A field that users may set carries ``metadata={"setting": {...}}``: ``lsp_server.config`` turns these
into the server's camelCase settings (``"key"`` overrides the wire name, ``"range"`` bounds an integer,
``"choices"`` lists the allowed strings). Fields without it are internal tunables.
"""

from __future__ import annotations

from dataclasses import dataclass, field

DEFAULT_MODEL = "default"


@dataclass(frozen=True, slots=True, kw_only=True)
class ModelSettings:
    """Which model to use and how (``spec``: ``default``, a local path, ``hf:OWNER/REPO/FILE.gguf``,
    ``llama-server:http://HOST:PORT`` or ``openai:http://HOST:PORT/v1``, a model server reached with
    ``server_api_key`` within ``server_timeout_ms`` per answer; ``remote_stream`` False: one request per
    token, for comparison)."""

    spec: str = field(default=DEFAULT_MODEL, metadata={"setting": {"key": "model"}})
    n_ctx: int = field(default=4096, metadata={"setting": {"range": (256, 1 << 20)}})
    threads: int = field(default=0, metadata={"setting": {"range": (0, 512)}})  # 0: all cores
    n_batch: int = field(default=512, metadata={"setting": {"range": (1, 1 << 16)}})
    server_api_key: str = field(default="", metadata={"setting": {}})
    server_model: str = field(default="", metadata={"setting": {}})  # the model name an openai: server gets
    server_timeout_ms: int = field(default=10_000, metadata={"setting": {"range": (100, 600_000)}})
    remote_stream: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class GenerationSettings:
    """Limits of one suggestion."""

    max_tokens: int = field(default=64, metadata={"setting": {"range": (1, 4096)}})
    max_lines: int = field(default=8, metadata={"setting": {"range": (1, 200)}})
    max_ms: int = field(default=1500, metadata={"setting": {"range": (50, 600_000)}})
    temperature: float = 0.0
    top_p: float = 1.0
    seed: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class SiteKinds:
    """Where guidance may act, one switch per kind of identifier site (``ghostwise bench`` reports every
    metric per kind; a kind where guidance loses on a benchmark stays off by default)."""

    member: bool = field(default=True, metadata={"setting": {}})
    name: bool = field(default=True, metadata={"setting": {}})
    import_module: bool = field(default=True, metadata={"setting": {}})
    import_name: bool = field(default=True, metadata={"setting": {}})
    keyword_arg: bool = field(default=True, metadata={"setting": {}})

    def allows(self, kind: str) -> bool:
        return bool(getattr(self, kind, False))


@dataclass(frozen=True, slots=True, kw_only=True)
class GuidanceSettings:
    """Guided decoding and its ablation switches (Repilot's table).

    ``engine_budget_ms``: the longest one suggestion waits for the engine in total. The model never waits
    while it decodes (pending sites are validated as their answers land); only when generation ends does
    it wait, this long at most, for the answers still missing."""

    enabled: bool = field(default=True, metadata={"setting": {}})
    pruning: bool = field(default=True, metadata={"setting": {}})
    memoization: bool = field(default=True, metadata={"setting": {}})
    active_completion: bool = field(default=True, metadata={"setting": {}})
    sites: SiteKinds = field(default_factory=SiteKinds, metadata={"setting": {}})
    engine_budget_ms: int = field(default=60, metadata={"setting": {"range": (0, 60_000)}})
    max_repairs: int = 3  # roll-backs to a site whose late answer rejects what the model wrote there
    share_cores: bool = True  # the model leaves a core to the engine while a site's query runs
    release_mass: float = 1e-4  # release the constraint when pruning keeps less probability than this
    top_k: int = 8
    max_backoffs: int = 2
