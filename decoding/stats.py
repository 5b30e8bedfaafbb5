"""``GuidanceStats``: the counters of one guided suggestion, typed until the edges serialise them."""

from __future__ import annotations

from dataclasses import dataclass, field, fields


@dataclass(slots=True)
class GuidanceStats:
    """Counters of one suggestion (``DecodeStats.guidance``).

    Sites: ``sites`` reached, of which ``unknown_sites`` (the engine cannot know), ``incomplete_sites``
    (its list may lack names: not pruned by), ``switched_off_sites`` (of a kind ``guided.sites`` turns
    off); ``engine_queries`` started by this request; ``late_sites`` answered only after the model had
    gone past them (then validated); ``repairs`` (rolled back to the first token an answer rejected),
    ``unrepaired`` (rejected when no repair or no time was left), ``unvalidated_sites`` (no answer
    within the budget).
    Time: ``engine_ms`` in the guide's calls, ``engine_wait_ms`` of it blocked waiting for answers (never
    more than the budget), ``loop_ms`` the rest of the policy (rules, memo, masks), ``check_ms`` the checks
    and cut-back after generation.
    """

    steps: int = 0
    guided_steps: int = 0
    sites: int = 0
    unknown_sites: int = 0
    incomplete_sites: int = 0
    switched_off_sites: int = 0
    engine_queries: int = 0
    late_sites: int = 0
    repairs: int = 0
    unrepaired: int = 0
    unvalidated_sites: int = 0
    pruned: int = 0
    memo_hits: int = 0
    full_masks: int = 0
    forced_tokens: int = 0
    released: int = 0
    backoffs: int = 0
    cut_chars: int = 0
    unguided_fallbacks: int = 0  # the cut-back kept no word: the unguided suggestion passed and was shown
    failed_checks: int = 0  # nothing shorter passed the checks: shown as generated, as unguided would be
    check_ms: float = 0.0
    engine_ms: float = 0.0
    engine_wait_ms: float = 0.0
    loop_ms: float = 0.0
    pruned_names: list[str] = field(default_factory=list)
    rejected_reasons: list[str] = field(default_factory=list)
    acted_kinds: list[str] = field(default_factory=list)  # kinds of the sites where guidance changed the text

    def counters(self) -> dict[str, float]:
        """The numeric figures by name (the dev-data event keeps these, never code text)."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        return {name: float(v) for name, v in values.items() if isinstance(v, int | float)}
