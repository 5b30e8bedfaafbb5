"""The sampler alone: greedy order, sampling without replacement inside the nucleus, masked choice."""

from __future__ import annotations

import numpy as np

from decoding.sampling import Sampler
from decoding.settings import GenerationSettings

LOGITS = np.array([0.0, 5.0, 3.0, 4.0, -1.0], dtype=np.float32)


def test_greedy_ranks_by_logit() -> None:
    sampler = Sampler(GenerationSettings())
    assert sampler.greedy and sampler.first(LOGITS) == 1
    assert sampler.ranked(LOGITS, 3).tolist() == [1, 3, 2]
    assert sampler.best_allowed(LOGITS, np.array([True, False, True, False, False])) == 2
    assert sampler.best_allowed(LOGITS, np.zeros(5, dtype=bool)) is None


def test_sampling_stays_in_the_nucleus_and_is_seeded() -> None:
    settings = GenerationSettings(temperature=1.0, top_p=0.9, seed=7)
    picks = [Sampler(settings).ranked(LOGITS, 5).tolist() for _ in range(2)]
    assert picks[0] == picks[1]  # same seed, same order
    sampler = Sampler(settings)
    seen = {int(t) for _ in range(200) for t in sampler.ranked(LOGITS, 5)}
    assert seen <= {1, 2, 3} and 1 in seen  # token 0 and 4 lie outside the 0.9 nucleus
