"""FIM detection and prompt building against GGUF files written here, loaded by llama.cpp (vocab only)."""

from __future__ import annotations

from pathlib import Path

import pytest

from decoding.llama_runtime import LlamaRuntime
from decoding.prompting import FAMILIES, FimTokens, build_prompt, detect_fim
from decoding.settings import ModelSettings
from tests.decoding.gguf_factory import write_vocab_gguf

QWEN = next(f for f in FAMILIES if f.name == "qwen2.5-coder")
FAMILY_CASES = {f.name: f for f in FAMILIES}


def text_of(model: LlamaRuntime, tokens: list[int]) -> str:
    return b"".join(model.piece(t) for t in tokens).decode()


def load(path: Path) -> LlamaRuntime:
    return LlamaRuntime(path, ModelSettings(n_ctx=2048), vocab_only=True)


def family_model(tmp_path: Path, family_name: str, *, metadata: bool) -> tuple[LlamaRuntime, dict[str, int]]:
    family = FAMILY_CASES[family_name]
    specials = [family.prefix, family.suffix, family.middle, *family.stops]
    if family.file_sep and family.file_sep not in specials:
        specials.append(family.file_sep)
    meta = {"pre": family.prefix, "suf": family.suffix, "mid": family.middle} if metadata else None
    ids = write_vocab_gguf(tmp_path / f"{family_name}.gguf", specials, fim_metadata=meta)
    return load(tmp_path / f"{family_name}.gguf"), ids


@pytest.mark.parametrize("family_name", sorted(FAMILY_CASES))
@pytest.mark.parametrize("metadata", [True, False], ids=["gguf-metadata", "sentinel-strings"])
def test_detects_fim_tokens(tmp_path: Path, family_name: str, metadata: bool) -> None:
    model, ids = family_model(tmp_path, family_name, metadata=metadata)
    family = FAMILY_CASES[family_name]
    fim = detect_fim(model.metadata(), model.special_id, model.token_text)
    assert fim is not None
    assert (fim.prefix, fim.suffix, fim.middle) == (
        ids[family.prefix],
        ids[family.suffix],
        ids[family.middle],
    )
    assert {ids[s] for s in family.stops} <= fim.stops
    if not metadata:
        assert fim.family == family_name


def test_no_fim_tokens_means_prefix_only(tmp_path: Path) -> None:
    write_vocab_gguf(tmp_path / "plain.gguf", ["<|im_start|>"])
    model = load(tmp_path / "plain.gguf")
    assert detect_fim(model.metadata(), model.special_id, model.token_text) is None


def test_psm_prompt_uses_the_models_own_tokens(tmp_path: Path) -> None:
    model, ids = family_model(tmp_path, "deepseek-coder", metadata=False)
    fim = detect_fim(model.metadata(), model.special_id, model.token_text)
    assert fim is not None
    prompt = build_prompt(
        prefix="def f(x):\n    return ",
        suffix="\n\nprint(f(2))\n",
        path="pkg/mod.py",
        language_id="python",
        budget_tokens=1000,
        tokenize=model.tokenize,
        bos=model.bos(),
        fim=fim,
    )
    tokens = prompt.tokens
    pre, suf, mid = (ids[t] for t in ("<｜fim▁begin｜>", "<｜fim▁hole｜>", "<｜fim▁end｜>"))
    assert tokens[0] == pre and tokens[-1] == mid and tokens.count(suf) == 1
    between = tokens[1 : tokens.index(suf)]
    assert text_of(model, between) == "# pkg/mod.py\ndef f(x):\n    return "  # path as a comment
    assert text_of(model, tokens[tokens.index(suf) + 1 : -1]) == "\n\nprint(f(2))\n"


def test_file_separator_families_name_the_file_with_their_token(tmp_path: Path) -> None:
    model, ids = family_model(tmp_path, "qwen2.5-coder", metadata=True)
    fim = detect_fim(model.metadata(), model.special_id, model.token_text)
    assert fim is not None and fim.file_sep == ids["<|file_sep|>"]
    prompt = build_prompt(
        prefix="x = ",
        suffix="",
        path="a/b.py",
        language_id="python",
        budget_tokens=100,
        tokenize=model.tokenize,
        bos=[],
        fim=fim,
    )
    assert prompt.tokens[0] == ids["<|file_sep|>"]
    assert text_of(model, prompt.tokens[1 : prompt.tokens.index(fim.prefix)]) == "a/b.py\n"
    assert "#" not in text_of(model, prompt.tokens)


def test_budget_cuts_whole_lines_and_keeps_the_cursor_line(tmp_path: Path) -> None:
    model, _ = family_model(tmp_path, "starcoder2", metadata=False)
    fim = detect_fim(model.metadata(), model.special_id, model.token_text)
    prefix = "".join(f"line_{i} = {i}\n" for i in range(200)) + "result = line_1"
    suffix = "".join(f"after_{i} = {i}\n" for i in range(200))
    prompt = build_prompt(
        prefix=prefix,
        suffix=suffix,
        path=None,
        language_id="python",
        budget_tokens=400,
        tokenize=model.tokenize,
        bos=[],
        fim=fim,
    )
    assert len(prompt.tokens) <= 400
    kept_prefix = prefix[len(prefix) - prompt.prefix_chars :]
    kept_suffix = suffix[: prompt.suffix_chars]
    assert kept_prefix.startswith("line_") and kept_prefix.endswith("result = line_1")
    assert kept_suffix.endswith("\n") and 0 < prompt.suffix_chars < len(suffix)
    assert prompt.suffix_chars <= prompt.prefix_chars  # the suffix gets at most a quarter


def test_prefix_only_prompt_with_path_comment(runtime: LlamaRuntime) -> None:
    prompt = build_prompt(
        prefix="import os\n",
        suffix="ignored",
        path="tool.py",
        language_id="python",
        budget_tokens=100,
        tokenize=runtime.tokenize,
        bos=runtime.bos(),
        fim=None,
    )
    assert prompt.tokens[:1] == runtime.bos()
    assert text_of(runtime, prompt.tokens[1:]) == "# tool.py\nimport os\n"
    assert prompt.suffix_chars == 0 and not prompt.fim


def test_prefix_window_stays_put_while_typing(runtime: LlamaRuntime) -> None:
    """In a file larger than the budget the prompt's start does not move with each keystroke (KV reuse)."""
    body = "".join(f"def helper_{i}(value):\n    return value * {i}\n\n" for i in range(400))
    starts = set()
    for typed in ("result = helper_1", "result = helper_1(", "result = helper_1(2", "result = helper_1(2)"):
        prompt = build_prompt(
            prefix=body + typed,
            suffix="",
            path=None,
            language_id="python",
            budget_tokens=600,
            tokenize=runtime.tokenize,
            bos=runtime.bos(),
            fim=None,
        )
        assert len(prompt.tokens) <= 600
        kept = (body + typed)[-prompt.prefix_chars :]
        assert kept.startswith(("def helper_", "    return", "\n"))  # whole lines
        starts.add(len(body + typed) - prompt.prefix_chars)
    assert len(starts) == 1, starts


def fim_runtime(tmp_path: Path, family_name: str) -> tuple[LlamaRuntime, FimTokens]:
    """A tiny runnable model (random weights) with ``family_name``'s FIM tokens in its GGUF metadata."""
    family = FAMILY_CASES[family_name]
    specials = [family.prefix, family.suffix, family.middle, *family.stops]
    if family.file_sep and family.file_sep not in specials:
        specials.append(family.file_sep)
    meta = {"pre": family.prefix, "suf": family.suffix, "mid": family.middle}
    path = tmp_path / f"{family_name}-tiny.gguf"
    write_vocab_gguf(path, specials, fim_metadata=meta, weights=True)
    model = LlamaRuntime(path, ModelSettings(n_ctx=2048, threads=1))
    fim = detect_fim(model.metadata(), model.special_id, model.token_text)
    assert fim is not None
    return model, fim


def typed_prompts(model: LlamaRuntime, fim: FimTokens, typed: str) -> list[list[int]]:
    """The prompts of each state while ``typed`` is typed at the cursor, with a long suffix after it."""
    prefix = "def area(r):\n    return "
    suffix = "".join(f"\n\ndef helper_{i}(x):\n    return x + {i}" for i in range(30))
    return [
        build_prompt(
            prefix=prefix + typed[:k],
            suffix=suffix,
            path="shapes.py",
            language_id="python",
            budget_tokens=1800,
            tokenize=model.tokenize,
            bos=model.bos(),
            fim=fim,
        ).tokens
        for k in range(len(typed) + 1)
    ]


@pytest.mark.parametrize("family_name", ["starcoder2", "starcoder", "codellama"])
def test_spm_families_put_the_suffix_first(tmp_path: Path, family_name: str) -> None:
    model, ids = family_model(tmp_path, family_name, metadata=True)
    fim = detect_fim(model.metadata(), model.special_id, model.token_text)
    assert fim is not None and fim.spm
    family = FAMILY_CASES[family_name]
    tokens = build_prompt(
        prefix="def f(x):\n    return ",
        suffix="\n\nprint(f(2))\n",
        path=None,
        language_id="python",
        budget_tokens=1000,
        tokenize=model.tokenize,
        bos=[],
        fim=fim,
    ).tokens
    pre, suf, mid = ids[family.prefix], ids[family.suffix], ids[family.middle]
    assert tokens[:2] == [pre, suf] and tokens.count(mid) == 1
    assert text_of(model, tokens[2 : tokens.index(mid)]) == "\n\nprint(f(2))\n"
    assert text_of(model, tokens[tokens.index(mid) + 1 :]) == "def f(x):\n    return "


def test_psm_only_families_keep_psm(tmp_path: Path) -> None:
    for name in ("qwen2.5-coder", "deepseek-coder", "codegemma"):
        model, _ = family_model(tmp_path, name, metadata=False)
        fim = detect_fim(model.metadata(), model.special_id, model.token_text)
        assert fim is not None and not fim.spm, name


def test_spm_keeps_the_suffix_in_the_kv_cache_while_typing(tmp_path: Path) -> None:
    """Measured on llama.cpp: each keystroke re-evaluates a few tokens with SPM, the whole suffix with PSM."""
    costs, suffix_lengths = {}, {}
    for name in ("starcoder2", "qwen2.5-coder"):  # SPM, PSM
        model, fim = fim_runtime(tmp_path, name)
        prompts = typed_prompts(model, fim, "r * r")
        model.prime(prompts[0])
        costs[name] = [len(p) - model.prime(p) for p in prompts[1:]]
        suffix_lengths[name] = len(prompts[-1]) - prompts[-1].index(fim.suffix)
    assert suffix_lengths["starcoder2"] > 100 and max(costs["starcoder2"]) <= 3, costs
    assert min(costs["qwen2.5-coder"]) >= suffix_lengths["qwen2.5-coder"], (costs, suffix_lengths)
