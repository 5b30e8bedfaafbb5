"""The token loop ends on every path, by tokens and by time, on a scripted model (issue #13, item 1)."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

import numpy as np

from decoding.loop import Choice, Generation, PlainPolicy, Step, run_loop
from decoding.sampling import Sampler
from decoding.settings import GenerationSettings
from decoding.shaping import ShapePlan
from tests.decoding.scripted_model import Script, ScriptedModel

SINGLE_LINE = ShapePlan(multiline=False, max_lines=1)
EURO = "€".encode()  # e2 82 ac
MAX_EVALUATIONS = 500  # far more than any bounded run below needs


def counting(script: Script) -> Script:
    """``script``, failing the test instead of spinning once the loop asked for logits too often."""
    calls = 0

    def run(text: str) -> Mapping[Any, float]:
        nonlocal calls
        calls += 1
        assert calls <= MAX_EVALUATIONS, f"the loop spins: {calls} evaluations"
        return script(text)

    return run


def generate(
    model: ScriptedModel, policy: object, *, heal: bytes = b"", max_tokens: int = 16, max_ms: float = 60_000
) -> Generation:
    model.prime(model.tokenize("price = "))
    return run_loop(
        model,
        policy,  # type: ignore[arg-type]
        SINGLE_LINE,
        prompt_len=len(model.cached()),
        max_tokens=max_tokens,
        max_ms=max_ms,
        started=time.perf_counter(),
        stop_ids=frozenset(),
        cancel=None,
        heal=heal,
    )


def euro_script(text: str) -> dict[str | bytes, float]:
    """Emits the euro sign's first two bytes as byte tokens, then prefers anything but its last byte."""
    if text.endswith("price = "):
        return {b"\xe2": 5.0, "x": 1.0}
    if text.endswith("price = \ufffd"):  # one replacement character for the partial sequence
        return {b"\x82": 5.0, "x": 1.0}
    if text.endswith("€"):
        return {" 5": 5.0}
    return {"\n": 5.0}


def test_healing_a_multibyte_character_split_into_byte_tokens_ends() -> None:
    model = ScriptedModel([b"\xe2", b"\x82", "€", "x", " 5", "\n", "price", " ", "="], counting(euro_script))
    gen = generate(model, PlainPolicy(Sampler(GenerationSettings()), model), heal=EURO)
    # the partial character is taken back and the whole healed text forced, then the model goes on
    assert gen.text == " 5"
    assert gen.stop_reason == "line"


class NothingPolicy:
    """A policy that never finds a token (every candidate pruned, nothing to force)."""

    def choose(self, logits: np.ndarray, step: Step) -> Choice:
        return Choice([])


class BackoffPolicy:
    """Adds a token, then backs it off, forever."""

    def __init__(self, token: int) -> None:
        self._token = token

    def choose(self, logits: np.ndarray, step: Step) -> Choice:
        return Choice([], backoff=1) if step.tokens else Choice([self._token])


def test_a_policy_that_never_chooses_stops_after_a_bounded_number_of_steps() -> None:
    model = ScriptedModel(["x", "price", " ", "="], counting(lambda text: {"x": 1.0}))
    gen = generate(model, NothingPolicy(), max_tokens=16)
    assert gen.stop_reason == "stalled" and gen.text == ""


def test_a_policy_that_never_chooses_stops_once_the_time_is_spent() -> None:
    model = ScriptedModel(["x", "price", " ", "="], counting(lambda text: {"x": 1.0}))
    gen = generate(model, NothingPolicy(), max_tokens=16, max_ms=0)
    assert gen.stop_reason == "time" and gen.text == ""


def test_a_policy_that_backs_off_forever_stops() -> None:
    model = ScriptedModel(["x", "price", " ", "="], counting(lambda text: {"x": 1.0}))
    gen = generate(model, BackoffPolicy(model.tokenize("x")[0]), max_tokens=16)
    assert gen.stop_reason == "stalled"
    assert model.cached() == model.tokenize("price = ")  # the cache ends holding prompt + output
