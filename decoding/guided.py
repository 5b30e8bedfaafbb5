"""Guided decoding (Repilot-style): prune tokens that cannot continue a known name, memoize what was
learned, back off from dead ends, and fill in a name when only one continuation is possible.

The model never waits for the engine. A site whose names are known (memo, cache, an earlier request)
is guided at once; while its answer is pending the model goes on unguided, and when the answer lands
(polled at every step, or waited for within the suggestion's engine budget once generation ends) the
tokens chosen since the site are checked by the same rules: at the first one the answer rejects, the
output is rolled back and decoding goes on guided from there (a repair, at most ``max_repairs``).

At each step the candidates are checked in the model's order: the plain choice first, then (only
if it is rejected) the top-k, then (only if all are rejected) a full mask built from the
vocabulary index. With ``s`` the identifier typed/generated so far at the site and ``p`` a piece:
identifier-only ``p`` → ``s+p`` must be a feasible prefix; identifier chars then a break →
``s+head`` must be an exact name, and the identifier after the break must fit the site it opens;
``p`` starting with a break → ``s`` must be an exact name (or no identifier started, where one is
optional).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from decoding.answers import Site, SiteAnswers
from decoding.constraint import Guide, NameSet
from decoding.healing import consistent
from decoding.loop import Choice, Step, heal_choice
from decoding.runtime import TokenModel
from decoding.sampling import Sampler
from decoding.settings import GuidanceSettings
from decoding.stats import GuidanceStats
from decoding.vocab_index import BREAK, IDENT, IDENT_BREAK, NO_TEXT, VocabIndex, ident_run, piece_kind

_MANDATORY = frozenset({"member"})  # site kinds where an identifier must follow
_MAX_MASK_RETRIES = 4


class GuidanceMemo:
    """Repilot's memo: feasibility of (site names, s, token) and prefixes that led to dead ends.

    Keyed by the engine's name-set objects, which the engine keeps per document version and
    site, so one memo may serve every request on the same document version.
    """

    def __init__(self) -> None:
        self.feasible: dict[tuple[int, str, int], bool] = {}
        self.denied: set[tuple[int, str]] = set()
        self._keep: dict[int, NameSet] = {}  # keeps keyed objects alive so ids stay unique

    def key(self, names: NameSet) -> int:
        k = id(names)
        self._keep.setdefault(k, names)
        return k


@dataclass(slots=True)
class _State:
    """The site of the identifier being written at the end of the output."""

    site: Site | None
    s: str  # identifier characters so far at the site

    @property
    def names(self) -> NameSet | None:
        return self.site.names if self.site is not None else None

    @property
    def optional(self) -> bool:
        """No identifier started yet where none has to (not right after a member's ``.``)."""
        return not self.s and self.site is not None and self.site.info.kind not in _MANDATORY


@dataclass(frozen=True, slots=True)
class _Entry:
    """One chosen token: where it was chosen, and the sites whose rules it passed while they were pending."""

    text: str
    heal: bytes
    token: int
    pending: frozenset[str]
    memo_key: tuple[int, str, int] | None


class GuidedPolicy:
    """A :class:`decoding.loop.Policy` that consults a :class:`Guide` at identifier sites."""

    def __init__(
        self,
        model: TokenModel,
        index: VocabIndex,
        guide: Guide,
        sampler: Sampler,
        settings: GuidanceSettings,
        memo: GuidanceMemo | None,
    ) -> None:
        self._model = model
        self._index = index
        self._sampler = sampler
        self._settings = settings
        self._memo = memo if settings.memoization and memo is not None else GuidanceMemo()
        self._use_memo = settings.memoization
        self._trail: list[_Entry] = []  # one entry per generated token
        self.stats = GuidanceStats()
        self._sites = SiteAnswers(guide, settings, self.stats)

    # -- sites -------------------------------------------------------------------------
    def _state(self, text: str) -> _State:
        run = ident_run(text[::-1])
        point = len(text) - run
        if text[point : point + 1].isdigit():  # a number being written, not an identifier: no site
            return _State(site=None, s="")
        site = self._sites.at(text[:point])
        return _State(site=site, s=(site.info.typed if site else "") + text[point:])

    def _opened(
        self, before: str, piece: str | None, kind: int, head_len: int
    ) -> tuple[Site, str, bool] | None:
        """The site an identifier opens after a break inside the piece (``".append("``, ``" name"``): the
        site, the identifier part of the piece, and whether the piece ends inside it."""
        if piece is None or kind in (IDENT, NO_TEXT):
            return None
        start = head_len
        while start < len(piece) and not (piece[start].isalnum() or piece[start] == "_"):
            start += 1
        if start >= len(piece) or piece[start].isdigit():
            return None
        site = self._sites.at(before + piece[:start])
        if site is None:
            return None
        run = ident_run(piece[start:])
        return site, piece[start : start + run], start + run == len(piece)

    # -- the rules ------------------------------------------------------------------------
    def _piece(self, token: int, heal: bytes) -> tuple[str | None, int, int]:
        """(text, kind, head length) of what ``token`` adds after the cursor (healed bytes removed)."""
        if not heal:
            return self._index.texts[token], int(self._index.kinds[token]), int(self._index.head_len[token])
        piece = self._index.pieces[token]
        if not consistent(piece, heal):
            return None, -1, 0
        text = piece[len(heal) :].decode("utf-8", "ignore")
        return (text, *piece_kind(text))

    def _head_ok(self, state: _State, text: str | None, kind: int, head_len: int) -> bool:
        """Rule for the part of the piece that continues the current site."""
        names = state.names
        if names is None or kind == NO_TEXT or text is None:
            return True
        s, head = state.s, text[:head_len]
        if not s and head[:1].isdigit():  # a number, not an identifier
            return state.optional
        if kind == IDENT:
            return names.feasible(s + head) and (
                not self._use_memo or (self._memo.key(names), s + head) not in self._memo.denied
            )
        if not s and not head:  # a break before any identifier character
            return state.optional
        return names.is_name(s + head)

    def _next_site_ok(self, before: str, piece: str | None, kind: int, head_len: int) -> bool:
        """Rule for an identifier that starts after a break inside the piece."""
        opened = self._opened(before, piece, kind, head_len)
        if opened is None or opened[0].names is None:
            return True
        site, part, open_ended = opened
        names, s2 = site.names, site.info.typed + part
        assert names is not None
        return names.feasible(s2) if open_ended else names.is_name(s2)

    def allowed(self, text: str, token: int, heal: bytes = b"") -> bool:
        """May ``token`` follow the output ``text``? (the rules above, memoized)"""
        return self._allowed(text, self._state(text), token, heal)

    def _allowed(self, text: str, state: _State, token: int, heal: bytes) -> bool:
        piece, kind, head_len = self._piece(token, heal)
        if kind < 0:
            return False
        names = state.names
        key = (self._memo.key(names), state.s, token) if names is not None and not heal else None
        if key is not None and self._use_memo and key in self._memo.feasible:
            self.stats.memo_hits += 1
            return self._memo.feasible[key]
        ok = self._head_ok(state, piece, kind, head_len) and self._next_site_ok(text, piece, kind, head_len)
        if key is not None:
            self._memo.feasible[key] = ok
        if not ok:
            self.stats.pruned += 1
        return ok

    # -- one step ----------------------------------------------------------------------
    def choose(self, logits: np.ndarray, step: Step) -> Choice:
        t0, engine_ms = time.perf_counter(), self.stats.engine_ms
        try:
            self._sync(step)
            answered = self._sites.poll()
            if self._settings.share_cores:
                self._model.share_cores(self._sites.unanswered() > 0)
            return self._repair(answered, step) or self._choose(logits, step)
        finally:
            self.stats.loop_ms += (time.perf_counter() - t0) * 1000 - (self.stats.engine_ms - engine_ms)

    def finish(self, step: Step) -> Choice | None:
        """Generation would stop: wait (within the engine budget) for the sites still pending, and repair
        the output where an answer rejects it; count the sites left unvalidated."""
        t0, engine_ms = time.perf_counter(), self.stats.engine_ms
        try:
            self._sync(step)
            repair = self._repair(self._sites.poll() + self._sites.wait(), step)
            self.stats.unvalidated_sites = 0 if repair else self._sites.unanswered()
            return repair
        finally:
            self.stats.loop_ms += (time.perf_counter() - t0) * 1000 - (self.stats.engine_ms - engine_ms)

    def _sync(self, step: Step) -> None:
        """One trail entry per output token: drop those backed off, add neutral ones for tokens the loop
        forced (the healed bytes)."""
        del self._trail[len(step.tokens) :]
        self._trail.extend(
            _Entry(text="", heal=b"", token=t, pending=frozenset(), memo_key=None)
            for t in step.tokens[len(self._trail) :]
        )

    def _repair(self, answered: list[Site], step: Step) -> Choice | None:
        """Check the tokens chosen while the ``answered`` sites were pending; back off to the first one
        an answer rejects (at most ``max_repairs`` times per suggestion, and not once the time budget is
        spent: the loop would end right after, with the output cut back to the site)."""
        self.stats.late_sites += len(answered)
        if not answered or not self._settings.pruning:
            return None
        keys = {site.key for site in answered}
        for i, entry in enumerate(self._trail):
            if not entry.pending & keys:
                continue
            state = self._state(entry.text)
            if self._allowed(entry.text, state, entry.token, entry.heal):
                continue
            if step.over_time or self.stats.repairs >= self._settings.max_repairs:
                self.stats.unrepaired += 1
                return None
            self.stats.repairs += 1
            self._note_pruned(state, entry.token)
            return Choice([], backoff=len(step.tokens) - i)
        return None

    def _choose(self, logits: np.ndarray, step: Step) -> Choice:
        self.stats.steps += 1
        text, heal = step.text, step.heal
        state = self._state(text)
        healed = heal_choice(self._sampler, self._model, logits, heal) if heal else None
        if heal and healed is None and state.names is None:
            return Choice([])  # as unguided: the loop forces the healed bytes, the document's own text
        first = self._sampler.first(logits) if healed is None else healed
        if not self._settings.pruning or (state.names is None and not heal):
            return self._take(text, state, first, heal)
        self.stats.guided_steps += state.names is not None
        if self._allowed(text, state, first, heal):
            return self._take(text, state, first, heal)
        ranked = [int(t) for t in self._sampler.ranked(logits, self._settings.top_k)]
        allowed = [t for t in ranked if t != first and self._allowed(text, state, t, heal)]
        mask = None if allowed else self._mask(state, heal)
        if mask is not None:
            logits = self._model.full_logits()
        if mask is not None and not (mask & ~self._index.eog).any():
            return self._dead_end(text, state, first, step)
        if not heal and self._low_mass(logits, allowed, mask, state):
            self.stats.released += 1
            return self._take(text, state, first, heal)
        if state.names is not None:  # not merely a token inconsistent with the healed bytes
            self._note_pruned(state, first)
        if allowed:
            return self._take(text, state, allowed[0], heal)
        chosen = self._from_mask(logits, text, mask if mask is not None else self._mask(state, heal), heal)
        if chosen is not None:
            return self._take(text, state, chosen, heal)
        return self._dead_end(text, state, first, step)

    def _low_mass(
        self, logits: np.ndarray, allowed: list[int], mask: np.ndarray | None, state: _State
    ) -> bool:
        """Would pruning keep less than ``release_mass`` of the model's probability?"""
        threshold = self._settings.release_mass
        if threshold <= 0:
            return False
        probs = np.exp(logits.astype(np.float64) - float(logits.max()))
        probs /= probs.sum()
        if float(probs[allowed].sum()) >= threshold:
            return False
        mask = self._mask(state, b"") if mask is None else mask
        return float(probs[mask & ~self._index.eog].sum()) < threshold

    def _take(self, text: str, state: _State, token: int, heal: bytes) -> Choice:
        """Record the choice and append the engine's unique continuation (active completion)."""
        names = state.names
        piece, kind, head_len = self._piece(token, heal)
        opened = self._opened(text, piece, kind, head_len)
        pending = {
            s.key for s in (state.site, opened[0] if opened else None) if s is not None and s.answer is None
        }
        self._trail.append(
            _Entry(
                text=text,
                heal=heal,
                token=token,
                pending=frozenset(pending),
                memo_key=(self._memo.key(names), state.s, token) if names is not None and not heal else None,
            )
        )
        if (
            not self._settings.active_completion
            or piece is None
            or (heal and len(self._index.pieces[token]) < len(heal))
        ):
            return Choice([token])
        after = self._state(text + piece)
        if after.names is None or after.optional:
            return Choice([token])
        # Only a name that is the only one left is filled in: forcing a prefix several names share would
        # leave the model mid-word after a spelling it would not have chosen (``_redirect`` + forced
        # ``_std`` made it write ``_redirect_stdout`` where it meant ``_redirect_stderr``).
        if len(after.names.names(after.s)) != 1:
            return Choice([token])
        rest = after.names.continuation(after.s)
        if not rest:
            return Choice([token])
        forced = self._model.tokenize(rest)
        if b"".join(self._index.pieces[t] for t in forced).decode("utf-8", "replace") != rest:
            return Choice([token])
        self.stats.forced_tokens += len(forced)
        self._acted(after)
        self._trail.extend(
            _Entry(text="", heal=b"", token=t, pending=frozenset(), memo_key=None) for t in forced
        )
        return Choice([token, *forced])

    def _note_pruned(self, state: _State, token: int) -> None:
        self._acted(state)
        if len(self.stats.pruned_names) < 20:
            self.stats.pruned_names.append(state.s + self._index.head(token))

    def _acted(self, state: _State) -> None:
        """Guidance changed what the model would have written at a site of this kind."""
        kind = state.site.info.kind if state.site is not None else ""
        if kind and kind not in self.stats.acted_kinds:
            self.stats.acted_kinds.append(kind)

    def _mask(self, state: _State, heal: bytes) -> np.ndarray:
        """Every token the head rule allows at ``state`` (the next-site rule is checked after)."""
        index = self._index
        names = state.names
        if heal:  # few tokens are consistent with the healed bytes: check each one
            mask = np.zeros(index.n_vocab, dtype=bool)
            for token in index.consistent_with(heal):
                mask[token] = self._head_ok(state, *self._piece(token, heal))
            return mask
        if names is None:
            mask = np.ones(index.n_vocab, dtype=bool)
        else:
            mask = np.zeros(index.n_vocab, dtype=bool)
            s = state.s
            denied = self._memo.denied if self._use_memo else set()
            key = self._memo.key(names)
            for name in names.names(s):
                rest = name[len(s) :]
                for k in range(1, len(rest) + 1):
                    if (key, s + rest[:k]) in denied:
                        break
                    for t in index.by_head.get(rest[:k], ()):
                        if index.kinds[t] == IDENT or (index.kinds[t] == IDENT_BREAK and k == len(rest)):
                            mask[t] = True
            if names.is_name(s) or state.optional:
                mask |= index.kinds == BREAK
            if state.optional:
                mask |= index.digit_start
        mask |= index.eog
        return mask

    def _from_mask(self, logits: np.ndarray, text: str, mask: np.ndarray, heal: bytes) -> int | None:
        """The model's preferred token in ``mask`` that also passes the next-site rule (not EOG:
        the model's first choice was something else)."""
        self.stats.full_masks += 1
        mask = mask & ~self._index.eog
        for _ in range(_MAX_MASK_RETRIES):
            token = self._sampler.best_allowed(logits, mask)
            if token is None:
                return None
            if self._next_site_ok(text, *self._piece(token, heal)):
                return token
            mask[token] = False
        return None

    def _dead_end(self, text: str, state: _State, first: int, step: Step) -> Choice:
        """Nothing feasible: mark the previous token infeasible at its state and back off one token (within
        the time budget; past it, release)."""
        previous = self._trail[-1].memo_key if self._trail else None
        if (
            previous is not None
            and step.tokens
            and not step.over_time
            and self.stats.backoffs < self._settings.max_backoffs
        ):
            self.stats.backoffs += 1
            self._acted(state)
            self._memo.feasible[previous] = False
            self._memo.denied.add((previous[0], previous[1] + self._index.head(previous[2])))
            return Choice([], backoff=1)
        self.stats.released += 1
        return self._take(text, state, first, step.heal)
