"""llama-cpp-python behind :class:`decoding.runtime.TokenModel` (the only module importing llama_cpp)."""

from __future__ import annotations

import ctypes
import logging
import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import llama_cpp
import numpy as np

from decoding.model_source import ModelError
from decoding.settings import ModelSettings

log = logging.getLogger(__name__)

_PIECE_BUFFER = 256
# llama.cpp's AMX matrix kernels crash in the first decode of Q4_K weights on some Sapphire Rapids
# machines (ggml-org/llama.cpp#20824, no fix upstream; seen here with the default model): where the
# build uses AMX, weights stay in plain CPU buffers (llama-server's --no-repack does the same)
_AMX = b"AMX_INT8 = 1" in llama_cpp.llama_print_system_info()
_LOADING = threading.Lock()


@contextmanager
def _weights_in_plain_buffers(enabled: bool) -> Iterator[None]:
    """Load with ``use_extra_bufts`` off (no AMX or repacked weight buffers) while ``enabled``:
    ``Llama`` takes its model parameters from ``llama_model_default_params`` and has no argument for it."""
    if not enabled:
        yield
        return
    log.warning(
        "this llama-cpp-python build uses AMX, whose kernels crash on some CPUs: weights are loaded "
        "without AMX or repacking (slower); `make install` builds it without AMX (tools/llama_cflags.sh)"
    )
    with _LOADING:
        default = llama_cpp.llama_cpp.llama_model_default_params

        def plain() -> llama_cpp.llama_model_params:
            params = default()
            params.use_extra_bufts = False
            return params

        llama_cpp.llama_cpp.llama_model_default_params = plain
        try:
            yield
        finally:
            llama_cpp.llama_cpp.llama_model_default_params = default


class LlamaRuntime:
    """One GGUF model and its context, owned by a single worker thread."""

    def __init__(self, path: Path, settings: ModelSettings, *, vocab_only: bool = False) -> None:
        threads = settings.threads or os.cpu_count() or 1
        try:
            with _weights_in_plain_buffers(_AMX):
                self._llm = llama_cpp.Llama(
                    model_path=str(path),
                    n_ctx=settings.n_ctx,
                    n_batch=settings.n_batch,
                    n_threads=threads,
                    n_threads_batch=threads,
                    vocab_only=vocab_only,
                    logits_all=False,
                    swa_full=True,
                    verbose=False,
                )
        except (ValueError, RuntimeError, OSError) as e:
            raise ModelError(f"llama.cpp cannot load {path}: {e}") from e
        self.path = path
        self.name = path.name
        self.n_ctx = self._llm.n_ctx()
        self.n_vocab = self._llm.n_vocab()
        self._vocab = self._llm._model.vocab
        self._ctx = None if vocab_only else self._llm._ctx.ctx
        self._buffer = ctypes.create_string_buffer(_PIECE_BUFFER)
        self._add_bos = bool(self._llm._model.add_bos_token()) and self._llm.token_bos() >= 0
        self._threads = threads
        self._shared = False
        log.info("loaded %s (n_ctx=%d, vocab=%d, threads=%d)", path, self.n_ctx, self.n_vocab, threads)

    def tokenize(self, text: str, *, special: bool = False) -> list[int]:
        data = text.encode("utf-8", errors="surrogatepass").decode("utf-8", errors="replace").encode("utf-8")
        return self._llm.tokenize(data, add_bos=False, special=special) if data else []

    def bos(self) -> list[int]:
        return [self._llm.token_bos()] if self._add_bos else []

    def piece(self, token: int) -> bytes:
        if self.is_control(token):
            return b""
        n = llama_cpp.llama_token_to_piece(self._vocab, token, self._buffer, _PIECE_BUFFER, 0, False)
        return bytes(self._buffer.raw[: max(0, n)])

    def is_eog(self, token: int) -> bool:
        return bool(llama_cpp.llama_vocab_is_eog(self._vocab, token))

    def is_control(self, token: int) -> bool:
        return bool(llama_cpp.llama_vocab_is_control(self._vocab, token))

    def special_id(self, text: str) -> int | None:
        ids = self._llm.tokenize(text.encode("utf-8"), add_bos=False, special=True)
        if len(ids) == 1 and self.token_text(ids[0]) == text:
            return ids[0]
        return None

    def token_text(self, token: int) -> str:
        return self._llm._model.token_get_text(token)

    def metadata(self) -> dict[str, str]:
        return dict(self._llm.metadata)

    def cached(self) -> Sequence[int]:
        return self._llm.input_ids[: self._llm.n_tokens].tolist()

    def prime(self, tokens: Sequence[int]) -> int:
        if not tokens:
            raise ValueError("empty prompt")
        if len(tokens) > self.n_ctx:
            raise ValueError(f"prompt of {len(tokens)} tokens exceeds n_ctx={self.n_ctx}")
        cached = self._llm.input_ids[: self._llm.n_tokens]
        n = min(len(cached), len(tokens) - 1)  # re-evaluate at least one token to get its logits
        same = np.flatnonzero(cached[:n] != np.asarray(tokens[:n], dtype=cached.dtype))
        reuse = int(same[0]) if same.size else n
        self._llm.n_tokens = reuse
        self._llm.eval(list(tokens[reuse:]))
        return reuse

    def append(self, tokens: Sequence[int]) -> None:
        if self._llm.n_tokens + len(tokens) > self.n_ctx:
            raise ValueError("context full")
        self._llm.eval(list(tokens))

    def truncate(self, n_keep: int) -> None:
        self._llm.n_tokens = min(n_keep, self._llm.n_tokens)

    def share_cores(self, engine_busy: bool) -> None:
        if engine_busy != self._shared and self._ctx is not None and self._threads > 1:
            n = self._threads - 1 if engine_busy else self._threads
            llama_cpp.llama_set_n_threads(self._ctx, n, n)
            self._shared = engine_busy

    def logits(self) -> np.ndarray:
        ptr = llama_cpp.llama_get_logits_ith(self._ctx, -1)
        return np.ctypeslib.as_array(ptr, shape=(self.n_vocab,))

    def full_logits(self) -> np.ndarray:
        return self.logits()

    def finish(self) -> None:
        """Nothing runs ahead of the loop in-process."""
