"""Token choice from logits: greedy or temperature/top-p, as a preference order over candidates."""

from __future__ import annotations

import numpy as np

from decoding.settings import GenerationSettings


class Sampler:
    """Ranks candidate tokens; the first of :meth:`ranked` is the plain (unguided) choice.

    Greedy ranks by logit. With a temperature, the order is a sample without replacement
    (Gumbel top-k) restricted to the top-p nucleus, so a guide that rejects the first pick and
    takes the next follows the same distribution, renormalized.
    """

    def __init__(self, settings: GenerationSettings) -> None:
        self._temperature = settings.temperature
        self._top_p = settings.top_p
        self._rng = np.random.default_rng(settings.seed)

    @property
    def greedy(self) -> bool:
        return self._temperature <= 0.0

    def first(self, logits: np.ndarray) -> int:
        """The plain choice (argmax when greedy: ~0.1 ms on a 262k vocabulary)."""
        if self.greedy:
            return int(np.argmax(logits))
        return int(self.ranked(logits, 1)[0])

    def ranked(self, logits: np.ndarray, k: int) -> np.ndarray:
        """Up to ``k`` candidate ids in preference order."""
        k = min(k, logits.shape[0])
        top = np.argpartition(logits, -k)[-k:]
        scores = logits[top].astype(np.float64)
        if self.greedy:
            return top[np.argsort(-scores, kind="stable")]
        scaled = scores / self._temperature
        probs = np.exp(scaled - scaled.max())
        probs /= probs.sum()
        order = np.argsort(-probs)
        keep = order[: int(np.searchsorted(np.cumsum(probs[order]), self._top_p) + 1)]
        gumbel = scaled[keep] - np.log(-np.log(self._rng.random(keep.shape[0])))
        return top[keep[np.argsort(-gumbel)]]

    def best_allowed(self, logits: np.ndarray, allowed: np.ndarray) -> int | None:
        """The preferred token among the ``allowed`` mask (full-vocabulary fallback)."""
        masked = np.where(allowed, logits, -np.inf)
        if not np.isfinite(masked.max(initial=-np.inf)):
            return None  # none allowed, or none whose logit is known (a remote model's top list)
        if self.greedy:
            return int(np.argmax(masked))
        return int(self.ranked(masked, min(64, int(allowed.sum())))[0])
