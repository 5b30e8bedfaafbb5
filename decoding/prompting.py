"""Prompt building: FIM detection from GGUF metadata or known sentinels, SPM, PSM or prefix-only prompts,
and prefix/suffix budgets in real tokens, cut at line boundaries.

SPM order (suffix before prefix) keeps the suffix in the KV cache while the user types at the end of the
prefix: a keystroke costs its own tokens only. PSM puts the suffix after the prefix, so every keystroke
re-evaluates the whole suffix. Families trained on SPM prompts use it; the others keep PSM.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

Tokenize = Callable[[str], list[int]]

# Rough upper bound of characters per token, used to window huge documents before tokenizing.
_CHARS_PER_TOKEN = 8


@dataclass(frozen=True, slots=True, kw_only=True)
class FimFamily:
    """A model family's FIM sentinels (token texts) and how it names the file."""

    name: str
    prefix: str
    suffix: str
    middle: str
    stops: tuple[str, ...] = ()
    file_sep: str | None = None  # path goes after this token on its own line
    spm: bool = False  # trained on suffix-prefix-middle prompts too: ``PRE SUF suffix MID prefix``


# Known families, checked in order when GGUF metadata lacks fim_*_token_id (CodeLlama's texts are
# the GGUF token texts, with SentencePiece's "▁").
FAMILIES: tuple[FimFamily, ...] = (
    FimFamily(
        name="qwen2.5-coder",
        prefix="<|fim_prefix|>",
        suffix="<|fim_suffix|>",
        middle="<|fim_middle|>",
        stops=("<|fim_pad|>", "<|endoftext|>", "<|file_sep|>", "<|repo_name|>"),
        file_sep="<|file_sep|>",
    ),
    FimFamily(
        name="codegemma",
        prefix="<|fim_prefix|>",
        suffix="<|fim_suffix|>",
        middle="<|fim_middle|>",
        stops=("<|file_separator|>",),
        file_sep="<|file_separator|>",
    ),
    FimFamily(
        name="starcoder2",
        prefix="<fim_prefix>",
        suffix="<fim_suffix>",
        middle="<fim_middle>",
        stops=("<file_sep>", "<|endoftext|>"),
        file_sep="<file_sep>",
        spm=True,
    ),
    FimFamily(
        name="starcoder",
        prefix="<fim_prefix>",
        suffix="<fim_suffix>",
        middle="<fim_middle>",
        stops=("<|endoftext|>",),
        file_sep="<filename>",
        spm=True,
    ),
    FimFamily(
        name="deepseek-coder",
        prefix="<｜fim▁begin｜>",
        suffix="<｜fim▁hole｜>",
        middle="<｜fim▁end｜>",
        stops=("<|EOT|>", "<｜end▁of▁sentence｜>"),
    ),
    FimFamily(
        name="codellama", prefix="▁<PRE>", suffix="▁<SUF>", middle="▁<MID>", stops=("▁<EOT>",), spm=True
    ),
)

_META_KEYS = {
    "prefix": "tokenizer.ggml.fim_pre_token_id",
    "suffix": "tokenizer.ggml.fim_suf_token_id",
    "middle": "tokenizer.ggml.fim_mid_token_id",
}
_META_STOP_KEYS = (
    "tokenizer.ggml.fim_pad_token_id",
    "tokenizer.ggml.fim_rep_token_id",
    "tokenizer.ggml.fim_sep_token_id",
    "tokenizer.ggml.eot_token_id",
)

_LINE_COMMENT = {
    "python": "#",
    "ruby": "#",
    "shellscript": "#",
    "r": "#",
    "perl": "#",
    "yaml": "#",
    "toml": "#",
    "lua": "--",
    "sql": "--",
    "haskell": "--",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class FimTokens:
    """Resolved FIM token ids of a loaded model."""

    family: str
    prefix: int
    suffix: int
    middle: int
    stops: frozenset[int]
    file_sep: int | None = None
    spm: bool = False  # the family takes SPM prompts (see :class:`FimFamily`)


def detect_fim(
    metadata: Mapping[str, str], token_id: Callable[[str], int | None], token_text: Callable[[int], str]
) -> FimTokens | None:
    """FIM tokens from GGUF metadata, else from the known families' sentinel strings, else None.

    ``token_id(text)`` returns the id of a special token whose text is exactly ``text``.
    """
    family = next((f for f in FAMILIES if _has_family(f, token_id)), None)
    ids = [_int(metadata.get(key)) for key in _META_KEYS.values()]
    if None not in ids:
        pre, suf, mid = (i or 0 for i in ids)
        if family and [token_id(family.prefix), token_id(family.suffix), token_id(family.middle)] != ids:
            family = None  # metadata wins over a sentinel match that disagrees with it
        stops = {v for k in _META_STOP_KEYS if (v := _int(metadata.get(k))) is not None}
        return FimTokens(
            family=family.name if family else "gguf-metadata",
            prefix=pre,
            suffix=suf,
            middle=mid,
            stops=frozenset(stops | _family_ids(family, token_id)),
            file_sep=token_id(family.file_sep) if family and family.file_sep else None,
            spm=bool(family and family.spm),
        )
    if family is None:
        return None
    return FimTokens(
        family=family.name,
        prefix=token_id(family.prefix) or 0,
        suffix=token_id(family.suffix) or 0,
        middle=token_id(family.middle) or 0,
        stops=frozenset(_family_ids(family, token_id)),
        file_sep=token_id(family.file_sep) if family.file_sep else None,
        spm=family.spm,
    )


def _has_family(family: FimFamily, token_id: Callable[[str], int | None]) -> bool:
    """All of a family's sentinels exist (its file separator too, which tells apart shared sentinels)."""
    needed = [family.prefix, family.suffix, family.middle] + ([family.file_sep] if family.file_sep else [])
    return all(token_id(text) is not None for text in needed)


def _family_ids(family: FimFamily | None, token_id: Callable[[str], int | None]) -> set[int]:
    return {i for s in family.stops if (i := token_id(s)) is not None} if family else set()


def _int(value: object) -> int | None:
    try:
        return int(str(value)) if value is not None else None
    except ValueError:
        return None


@dataclass(frozen=True, slots=True, kw_only=True)
class Prompt:
    """Token ids to evaluate, and what of the document they cover."""

    tokens: list[int]
    prefix_chars: int  # characters of the document prefix included (counted from the cursor)
    suffix_chars: int
    fim: bool


def build_prompt(
    *,
    prefix: str,
    suffix: str,
    path: str | None,
    language_id: str,
    budget_tokens: int,
    tokenize: Tokenize,
    bos: list[int],
    fim: FimTokens | None,
    file_sep_text: str = "",
) -> Prompt:
    """An SPM prompt for FIM families that take one, PSM for the other FIM models, prefix-only otherwise,
    within ``budget_tokens`` tokens.

    ``tokenize`` must map plain text to ids without BOS and without parsing special tokens.
    The prefix keeps whole lines from its start (the cursor's line is always kept whole up to
    the cursor); the suffix keeps whole lines up to its end. FIM models give the suffix up to a
    quarter of the budget.
    """
    header = _header(path, language_id, fim)
    header_tokens = tokenize(header) if header else []
    sep_tokens = [fim.file_sep] + tokenize(f"{path}\n") if fim and fim.file_sep is not None and path else []
    fixed = len(bos) + len(header_tokens) + len(sep_tokens) + (3 if fim else 0)
    budget = max(1, budget_tokens - fixed)
    suffix_tokens: list[int] = []
    kept_suffix = ""
    if fim:
        kept_suffix, suffix_tokens = _fit(suffix, budget // 4, tokenize, keep_end=False)
    kept_prefix, prefix_tokens = _fit(prefix, budget - len(suffix_tokens), tokenize, keep_end=True)
    if fim and fim.spm:
        tokens = (
            bos
            + sep_tokens
            + [fim.prefix, fim.suffix]
            + suffix_tokens
            + [fim.middle]
            + header_tokens
            + prefix_tokens
        )
    elif fim:
        tokens = (
            bos
            + sep_tokens
            + [fim.prefix]
            + header_tokens
            + prefix_tokens
            + [fim.suffix]
            + suffix_tokens
            + [fim.middle]
        )
    else:
        tokens = bos + header_tokens + prefix_tokens
    return Prompt(
        tokens=tokens, prefix_chars=len(kept_prefix), suffix_chars=len(kept_suffix), fim=fim is not None
    )


def display_path(path: Path | None, workspace_root: Path | None) -> str | None:
    """How the prompt names the file: relative to the workspace when inside it, else its name."""
    if path is None:
        return None
    if workspace_root is not None:
        try:
            return path.resolve().relative_to(workspace_root.resolve()).as_posix()
        except ValueError:
            pass
    return path.name


def _header(path: str | None, language_id: str, fim: FimTokens | None) -> str:
    """A leading path comment, for families without a file-separator token."""
    if not path or (fim is not None and fim.file_sep is not None):
        return ""
    marker = _LINE_COMMENT.get(language_id)
    return f"{marker} {path}\n" if marker else ""


def _fit(text: str, budget: int, tokenize: Tokenize, *, keep_end: bool) -> tuple[str, list[int]]:
    """The longest run of whole lines of ``text`` at its end (``keep_end``) or start within ``budget``."""
    if budget <= 0 or not text:
        return "", []
    if keep_end:
        return _fit_end(text, budget, tokenize)
    window = budget * _CHARS_PER_TOKEN
    if len(text) > window:  # never tokenize megabytes: cut to a window at a line boundary first
        text = _drop_partial_line(text[:window])
    tokens = tokenize(text)
    while len(tokens) > budget and text:
        # Estimate how many characters to drop, then snap to a line boundary.
        cut = max(1, min(len(text), (len(tokens) - budget) * len(text) // max(1, len(tokens))))
        text = _drop_partial_line(text[:-cut])
        tokens = tokenize(text)
    return text, tokens


def _fit_end(text: str, budget: int, tokenize: Tokenize) -> tuple[str, list[int]]:
    """The end of ``text`` within ``budget`` tokens, starting at a line start.

    The cut is rounded up to a multiple of a chunk (half the budget, in characters) of the whole
    text, so it stays put while the user types at the end and the KV cache keeps the prompt; it only
    moves a chunk at a time.
    """
    chunk = max(16, budget // 2)
    start = _ceil(max(0, len(text) - budget * _CHARS_PER_TOKEN), chunk)
    while True:
        begin = _line_start(text, start)
        kept = text[begin:]
        tokens = tokenize(kept)
        if len(tokens) <= budget or not kept:
            return kept, tokens
        excess_chars = (len(tokens) - budget) * len(kept) // len(tokens)
        start = _ceil(begin + max(1, excess_chars), chunk)


def _ceil(value: int, step: int) -> int:
    return -(-value // step) * step


def _line_start(text: str, at: int) -> int:
    """The first line start at or after ``at`` (``at`` itself when that line is the last one)."""
    if at <= 0:
        return 0
    if at >= len(text) or text[at - 1] == "\n":
        return min(at, len(text))
    nl = text.find("\n", at)
    return nl + 1 if 0 <= nl < len(text) - 1 else at


def _drop_partial_line(text: str) -> str:
    """Drop a cut-through last line (a single line longer than the budget is cut mid-line instead)."""
    nl = text.rfind("\n", 0, len(text) - 1)
    return text[: nl + 1] if nl > 0 else text
