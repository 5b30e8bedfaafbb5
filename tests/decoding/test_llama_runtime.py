"""The runtime's load without AMX or repacked weight buffers (the guard for builds whose AMX kernels
crash): llama.cpp is asked for plain buffers only during that load, and the model decodes as usual."""

from __future__ import annotations

from pathlib import Path

import llama_cpp
import numpy as np

from decoding import llama_runtime
from decoding.llama_runtime import LlamaRuntime
from decoding.settings import ModelSettings

PROMPT = "def fibonacci(n):\n    if n < 2:\n        return n\n    return"


def greedy(runtime: LlamaRuntime, n: int = 12) -> list[int]:
    runtime.prime(runtime.bos() + runtime.tokenize(PROMPT))
    out: list[int] = []
    for _ in range(n):
        out.append(int(np.argmax(runtime.logits())))
        runtime.append(out[-1:])
    return out


def test_plain_buffers_only_during_the_load_and_the_same_greedy_text(default_model_path: Path) -> None:
    settings = ModelSettings(n_ctx=256, threads=1)
    with llama_runtime._weights_in_plain_buffers(True):
        assert llama_cpp.llama_cpp.llama_model_default_params().use_extra_bufts is False
        plain = LlamaRuntime(default_model_path, settings)
    assert llama_cpp.llama_cpp.llama_model_default_params().use_extra_bufts is True
    with llama_runtime._weights_in_plain_buffers(False):
        usual = LlamaRuntime(default_model_path, settings)
    first, second = greedy(plain), greedy(usual)
    assert first[:6] == second[:6], (b"".join(map(plain.piece, first)), b"".join(map(usual.piece, second)))
