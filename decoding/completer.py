"""One suggestion end to end: prompt → KV-cache reuse → token loop → shaping → stats."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Protocol

from decoding.constraint import Guide
from decoding.guided import GuidanceMemo, GuidanceStats, GuidedPolicy
from decoding.healing import split_heal
from decoding.loop import CancelToken, Generation, PlainPolicy, Policy, decode_text, run_loop
from decoding.prompting import FimTokens, build_prompt, detect_fim, display_path
from decoding.runtime import TokenModel
from decoding.sampling import Sampler
from decoding.settings import GenerationSettings, GuidanceSettings
from decoding.shaping import ShapePlan, finalize, plan_shape
from decoding.vocab_index import VocabIndex

log = logging.getLogger(__name__)

_MAX_CUT_CHECKS = 12  # token boundaries tried when cutting an invalid suggestion back


class Snapshot(Protocol):
    """What the decoder reads of a document snapshot (``completion_engine.Document`` is one)."""

    @property
    def text(self) -> str: ...

    @property
    def cursor(self) -> int: ...

    @property
    def language_id(self) -> str: ...

    @property
    def path(self) -> Path | None: ...

    @property
    def workspace_root(self) -> Path | None: ...


@dataclass(slots=True, kw_only=True)
class DecodeStats:
    """Per-suggestion figures (attached to LSP items' ``data`` and to dev-data events)."""

    prompt_tokens: int = 0
    reused_tokens: int = 0
    generated_tokens: int = 0
    evaluated_tokens: int = 0  # what the model evaluated: prompt tokens not reused, generated tokens
    prompt_ms: float = 0.0
    generate_ms: float = 0.0
    model_ms: float = 0.0
    total_ms: float = 0.0
    fim: bool = False
    multiline: bool = False
    guided: bool = False
    guidance: GuidanceStats | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (LSP items' ``data``, bench records)."""
        return asdict(self)


@dataclass(frozen=True, slots=True, kw_only=True)
class Suggestion:
    text: str
    stop_reason: str
    stats: DecodeStats


class Completer:
    """Turns a document :class:`Snapshot` into a :class:`Suggestion` on one model (one thread)."""

    def __init__(self, model: TokenModel, index: VocabIndex | None = None) -> None:
        self.model = model
        self.index = index  # needed for guided decoding
        self.fim: FimTokens | None = detect_fim(model.metadata(), model.special_id, model.token_text)
        self._stop_ids = self.fim.stops if self.fim else frozenset()
        log.info(
            "prompt format for %s: %s",
            model.name,
            f"FIM ({self.fim.family}, {'SPM' if self.fim.spm else 'PSM'})" if self.fim else "prefix-only",
        )

    def complete(
        self,
        doc: Snapshot,
        generation: GenerationSettings,
        *,
        guide: Guide | None = None,
        guidance: GuidanceSettings | None = None,
        memo: GuidanceMemo | None = None,
        cancel: CancelToken | None = None,
        on_text: Callable[[str], None] | None = None,
    ) -> Suggestion:
        """A suggestion at ``doc.cursor``; guided when ``guide`` and ``guidance.enabled``; ``on_text``
        hears the raw text so far while it is generated."""
        started = time.perf_counter()
        stats = DecodeStats(fim=self.fim is not None)
        prefix, suffix = doc.text[: doc.cursor], doc.text[doc.cursor :]
        plan = plan_shape(prefix, suffix, generation.max_lines)
        stats.multiline = plan.multiline
        max_tokens = self._max_tokens(generation)
        tokens, heal = self._prompt(doc, max_tokens)
        stats.prompt_tokens = len(tokens) + (1 if heal else 0)
        if cancel is not None and cancel.cancelled:
            return Suggestion(text="", stop_reason="cancelled", stats=stats)
        stats.reused_tokens = self.model.prime(tokens)
        stats.evaluated_tokens = len(tokens) - stats.reused_tokens
        stats.prompt_ms = (time.perf_counter() - started) * 1000
        sampler = Sampler(generation)
        guided = guide is not None and guidance is not None and guidance.enabled and self.index is not None
        policy: Policy = (
            GuidedPolicy(self.model, self.index, guide, sampler, guidance, memo)  # type: ignore[arg-type]
            if guided
            else PlainPolicy(sampler, self.model)
        )
        stats.guided = guided

        def generate(chosen: Policy, hear: Callable[[str], None] | None = None) -> Generation:
            return run_loop(
                self.model,
                chosen,
                plan,
                prompt_len=len(tokens),
                max_tokens=max_tokens,
                max_ms=generation.max_ms,
                started=started,
                stop_ids=self._stop_ids,
                cancel=cancel,
                heal=heal,
                on_text=hear,
            )

        def unguided() -> str:
            stats.evaluated_tokens += len(tokens) - self.model.prime(tokens)
            try:
                alternative = generate(PlainPolicy(Sampler(generation), self.model))
            finally:
                self.model.finish()
            stats.model_ms += alternative.model_ms
            stats.evaluated_tokens += len(alternative.tokens)
            return "" if alternative.stop_reason == "cancelled" else finalize(alternative.text, suffix, plan)

        try:
            gen = generate(policy, on_text)
        finally:
            self.model.finish()
            self.model.share_cores(False)
        stats.generated_tokens = len(gen.tokens)
        stats.evaluated_tokens += len(gen.tokens)
        stats.model_ms = gen.model_ms
        text = "" if gen.stop_reason == "cancelled" else finalize(gen.text, suffix, plan)
        if isinstance(policy, GuidedPolicy):
            if text and guide is not None:
                text = self._checked(text, gen, heal, suffix, plan, guide, policy.stats, unguided)
            stats.guidance = policy.stats
        stats.total_ms = (time.perf_counter() - started) * 1000
        stats.generate_ms = stats.total_ms - stats.prompt_ms
        log.debug(
            "suggestion: %d chars, stop=%s, prompt=%d (reused %d), gen=%d, %.0f ms, guidance=%s",
            len(text),
            gen.stop_reason,
            stats.prompt_tokens,
            stats.reused_tokens,
            stats.generated_tokens,
            stats.total_ms,
            {k: v for k, v in stats.guidance.counters().items() if v} if stats.guidance else "off",
        )
        return Suggestion(text=text, stop_reason=gen.stop_reason, stats=stats)

    def prefill(self, doc: Snapshot, generation: GenerationSettings) -> None:
        """Evaluate the prompt at ``doc.cursor`` into the KV cache, generating nothing."""
        self.model.prime(self._prompt(doc, self._max_tokens(generation))[0])

    def _max_tokens(self, generation: GenerationSettings) -> int:
        return max(1, min(generation.max_tokens, self.model.n_ctx // 2))

    def _prompt(self, doc: Snapshot, max_tokens: int) -> tuple[list[int], bytes]:
        """The prompt's tokens (the healed last token removed) and the healed bytes."""
        prompt = build_prompt(
            prefix=doc.text[: doc.cursor],
            suffix=doc.text[doc.cursor :],
            path=display_path(doc.path, doc.workspace_root),
            language_id=doc.language_id,
            budget_tokens=self.model.n_ctx - max_tokens,
            tokenize=self.model.tokenize,
            bos=self.model.bos(),
            fim=self.fim,
        )
        if prompt.fim:
            return prompt.tokens, b""
        return split_heal(self.model, prompt.tokens, len(self.model.bos()))

    def _checked(
        self,
        text: str,
        gen: Generation,
        heal: bytes,
        suffix: str,
        plan: ShapePlan,
        guide: Guide,
        stats: GuidanceStats,
        unguided: Callable[[], str],
    ) -> str:
        """``text`` if the engine's checks pass; else its longest passing prefix at a token boundary before
        the point the checks blame; if that holds no word, the unguided suggestion when it passes the same
        checks; else ``text`` as generated (counted in ``failed_checks``): never less than the model alone
        would show, since an empty suggestion is no closer to what the author writes."""
        t0 = time.perf_counter()
        try:
            report = guide.check(text)
            if report.ok:
                return text
            stats.rejected_reasons = list(report.reasons)
            cut = self._cut_back(text, gen, heal, suffix, plan, guide, report.blame)
            stats.cut_chars = len(text) - len(cut)
            if _has_word(cut):
                return cut
            alternative = unguided()
            if alternative and guide.check(alternative).ok:
                stats.unguided_fallbacks += 1
                return alternative
            stats.cut_chars, stats.failed_checks = 0, 1
            return text
        finally:
            stats.check_ms += (time.perf_counter() - t0) * 1000

    def _cut_back(
        self, text: str, gen: Generation, heal: bytes, suffix: str, plan: ShapePlan, guide: Guide, blame: int
    ) -> str:
        """The longest prefix of ``text`` ending at a token boundary at or before ``blame`` that passes the
        checks ('' when none of the boundaries tried does)."""
        data = b"".join(self.model.piece(t) for t in gen.tokens)[len(heal) :]
        ends = sorted(
            {
                n
                for i in _token_ends(self.model, gen.tokens, len(heal))
                if 0 < (n := len(decode_text(data[:i]))) <= blame and n < len(text)
            },
            reverse=True,
        )
        for end in _spread(ends, _MAX_CUT_CHECKS):
            candidate = finalize(text[:end], suffix, plan)
            if candidate and guide.check(candidate).ok:
                return candidate
        return ""


def _has_word(text: str) -> bool:
    """``text`` holds a letter or digit (not only whitespace and punctuation)."""
    return any(c.isalnum() for c in text)


def _spread(ends: list[int], n: int) -> list[int]:
    """At most ``n`` of ``ends`` (longest first): the nearest half, then the rest evenly spaced, so a
    long broken tail (an unterminated string) does not hide every boundary before it."""
    if len(ends) <= n:
        return ends
    near, rest = ends[: n // 2], ends[n // 2 :]
    step = len(rest) / (n - len(near))
    return near + [rest[int(i * step)] for i in range(n - len(near))]


def _token_ends(model: TokenModel, tokens: list[int], skip: int) -> list[int]:
    """Byte offsets (after the first ``skip`` bytes) where each generated token ends."""
    ends, total = [], 0
    for t in tokens:
        total += len(model.piece(t))
        if total > skip:
            ends.append(total - skip)
    return ends
