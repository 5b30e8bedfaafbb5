"""Typed settings of the decoding layer (model, generation, guidance)."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_MODEL = "default"


@dataclass(frozen=True, slots=True, kw_only=True)
class ModelSettings:
    """Which GGUF to load and how (``model``: ``default``, a local path or ``hf:OWNER/REPO/FILE.gguf``)."""

    model: str = DEFAULT_MODEL
    n_ctx: int = 4096
    n_threads: int = 0  # 0: all cores
    n_batch: int = 512


@dataclass(frozen=True, slots=True, kw_only=True)
class GenerationSettings:
    """Limits of one suggestion."""

    max_tokens: int = 64
    max_lines: int = 8
    max_ms: int = 1500
    temperature: float = 0.0
    top_p: float = 1.0
    seed: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class GuidanceSettings:
    """Guided decoding and its ablation switches (Repilot's table)."""

    guided: bool = True
    pruning: bool = True
    memoization: bool = True
    active_completion: bool = True
    release_mass: float = 1e-4  # release the constraint when pruning keeps less probability than this
    top_k: int = 8
    max_backoffs: int = 2
