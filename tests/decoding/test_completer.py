"""The completion path on the real default model: prompts, KV reuse, stop rules, cancellation."""

from __future__ import annotations

import threading

from completion_engine import Document
from decoding.completer import Completer
from decoding.llama_runtime import LlamaRuntime
from decoding.loop import CancelToken
from decoding.settings import GenerationSettings

GEN = GenerationSettings(max_tokens=24, max_lines=4, max_ms=3000)
PREFIX = 'def greet(name):\n    """Return a greeting for name."""\n    return '


def at(prefix: str, suffix: str) -> Document:
    """A document with the cursor between ``prefix`` and ``suffix``."""
    return Document(uri="untitled:test", text=prefix + suffix, cursor=len(prefix))


def test_default_model_has_no_fim(runtime: LlamaRuntime) -> None:
    assert Completer(runtime).fim is None


def test_prefix_only_completion_is_a_sensible_line(runtime: LlamaRuntime) -> None:
    result = Completer(runtime).complete(at(PREFIX, "\n"), GEN)
    assert "name" in result.text and "\n" not in result.text
    assert result.stop_reason in ("line", "eog")
    assert result.stats.generated_tokens > 0 and not result.stats.multiline


def test_next_keystroke_reuses_the_kv_cache(runtime: LlamaRuntime) -> None:
    completer = Completer(runtime)
    first = completer.complete(at(PREFIX, ""), GEN)
    second = completer.complete(at(PREFIX + "f", ""), GEN)
    assert first.stats.prompt_tokens > 10
    assert second.stats.reused_tokens >= second.stats.prompt_tokens - 3


def test_context_too_small_truncates_the_prompt(default_model_path: object) -> None:
    from decoding.settings import ModelSettings

    small = LlamaRuntime(default_model_path, ModelSettings(n_ctx=256))  # type: ignore[arg-type]
    prefix = "".join(f"value_{i} = {i}\n" for i in range(500)) + "total = value_1 + "
    result = Completer(small).complete(at(prefix, ""), GEN)
    assert result.stats.prompt_tokens <= 256 - GEN.max_tokens
    assert result.text.strip()


class CancelAfterChecks(CancelToken):
    """Reports cancellation from its n-th check on (the loop checks once per token)."""

    def __init__(self, checks: int) -> None:
        super().__init__()
        self._left = checks

    @property
    def cancelled(self) -> bool:
        self._left -= 1
        return self._left < 0


def test_cancel_mid_generation_stops_at_the_next_token(runtime: LlamaRuntime) -> None:
    long = GenerationSettings(max_tokens=400, max_lines=200, max_ms=60_000)
    result = Completer(runtime).complete(at("class Matrix:\n    ", ""), long, cancel=CancelAfterChecks(1 + 5))
    assert result.stop_reason == "cancelled" and result.text == ""
    assert result.stats.generated_tokens == 5


def test_cancel_from_another_thread(runtime: LlamaRuntime) -> None:
    cancel = CancelToken()
    threading.Timer(0.2, cancel.cancel).start()
    long = GenerationSettings(max_tokens=400, max_lines=200, max_ms=60_000)
    result = Completer(runtime).complete(at("class Vector:\n    ", ""), long, cancel=cancel)
    assert result.stop_reason == "cancelled" and result.stats.generated_tokens < 400


def test_time_budget_ends_at_a_line_boundary(runtime: LlamaRuntime) -> None:
    fast = GenerationSettings(max_tokens=200, max_lines=50, max_ms=1)
    result = Completer(runtime).complete(at("class Matrix:\n    ", ""), fast)
    assert result.stop_reason in ("time", "eog", "dedent")
    assert "\n" not in result.text


def test_healing_a_character_the_model_spells_in_bytes_ends(runtime: LlamaRuntime) -> None:
    """Issue #13: here the model heals the prompt's last token ``€`` (e2 82 ac) with the byte tokens
    <0xE2>, <0x82>, and nothing in its top 32 fits ``\\xac``; the loop used to spin until cancelled."""
    cancel = CancelToken()
    timer = threading.Timer(60, cancel.cancel)
    timer.start()
    try:
        result = Completer(runtime).complete(at('name = "café →€', "\n"), GEN, cancel=cancel)
    finally:
        timer.cancel()
    assert result.stop_reason == "line", result
    assert result.text.strip()
