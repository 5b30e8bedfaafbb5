"""Write small vocab-only GGUF files (gpt2 byte-level vocab + optional FIM sentinels) for prompt tests."""

from __future__ import annotations

from pathlib import Path

import gguf
import numpy as np


def _byte_chars() -> list[str]:
    """GPT-2's printable stand-in for each byte value."""
    keep = (
        list(range(ord("!"), ord("~") + 1))
        + list(range(ord("¡"), ord("¬") + 1))
        + list(range(ord("®"), ord("ÿ") + 1))
    )
    chars, extra = [], 0
    for b in range(256):
        if b in keep:
            chars.append(chr(b))
        else:
            chars.append(chr(256 + extra))
            extra += 1
    return chars


def write_vocab_gguf(
    path: Path, specials: list[str], *, fim_metadata: dict[str, str] | None = None, weights: bool = False
) -> dict[str, int]:
    """A loadable vocab-only llama GGUF; returns the ids of ``specials`` (control tokens).

    ``fim_metadata`` maps ``pre``/``suf``/``mid``/... to special texts, written as
    ``tokenizer.ggml.fim_<role>_token_id``. ``weights``: random weights of one tiny layer too, so
    llama.cpp can run it (a model with another vocabulary than the default one, for a server).
    """
    tokens = ["<s>", "</s>"] + _byte_chars() + ["re", "ret", "retu", "retur", "return"]
    merges = ["r e", "re t", "ret u", "retu r", "retur n"]
    types = [gguf.TokenType.CONTROL, gguf.TokenType.CONTROL] + [gguf.TokenType.NORMAL] * (len(tokens) - 2)
    ids = {}
    for text in specials:
        ids[text] = len(tokens)
        tokens.append(text)
        types.append(gguf.TokenType.CONTROL)
    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_block_count(1)
    writer.add_context_length(2048)
    writer.add_embedding_length(64)
    writer.add_feed_forward_length(128)
    writer.add_head_count(2)
    writer.add_head_count_kv(2)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_rope_dimension_count(32)
    writer.add_tokenizer_model("gpt2")
    writer.add_tokenizer_pre("default")
    writer.add_token_list(tokens)
    writer.add_token_types(types)
    writer.add_token_merges(merges)
    writer.add_bos_token_id(0)
    writer.add_eos_token_id(1)
    writer.add_add_bos_token(False)
    for role, text in (fim_metadata or {}).items():
        writer.add_uint32(f"tokenizer.ggml.fim_{role}_token_id", ids[text])
    if weights:
        _add_random_weights(writer, len(tokens), n_embd=64, n_ff=128)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return ids


def _add_random_weights(writer: gguf.GGUFWriter, n_vocab: int, *, n_embd: int, n_ff: int) -> None:
    """One llama block of small random float32 weights (numpy shapes are ggml's reversed)."""
    rng = np.random.default_rng(0)

    def add(name: str, *shape: int) -> None:
        data = (
            np.ones(shape, np.float32) if len(shape) == 1 else rng.normal(0, 0.05, shape).astype(np.float32)
        )
        writer.add_tensor(name, data)

    add("token_embd.weight", n_vocab, n_embd)
    add("output_norm.weight", n_embd)
    add("output.weight", n_vocab, n_embd)
    for name in ("attn_norm", "ffn_norm"):
        add(f"blk.0.{name}.weight", n_embd)
    for name in ("attn_q", "attn_k", "attn_v", "attn_output"):
        add(f"blk.0.{name}.weight", n_embd, n_embd)
    add("blk.0.ffn_gate.weight", n_ff, n_embd)
    add("blk.0.ffn_up.weight", n_ff, n_embd)
    add("blk.0.ffn_down.weight", n_embd, n_ff)
