"""Guided decoding's rules, memo, back-off, release and active completion, on a scripted model.

The real model and engine cover what users see (test_guided_real.py); here the logits are
scripted so each rule is exercised exactly.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from completion_engine import Document, SortedNames
from decoding.completer import Completer, Suggestion
from decoding.constraint import PENDING, Answer, CheckReport, SiteInfo
from decoding.guided import GuidanceMemo, GuidanceStats
from decoding.settings import GenerationSettings, GuidanceSettings
from decoding.vocab_index import VocabIndex
from tests.decoding.scripted_model import Script, ScriptedModel

GEN = GenerationSettings(max_tokens=12, max_lines=1, max_ms=10_000)
DEFAULT_GUIDANCE = GuidanceSettings()
PIECES = [
    "obj",
    ".",
    "al",
    "alph",
    "a",
    "alpha",
    "beta",
    "gamma",
    "(",
    ")",
    "\n",
    " ",
    "x",
    "pha",
    "zzz",
    "1",
    "2",
]


class MemberGuide:
    """A guide with one site at the cursor (a member site after ``obj.`` unless ``kind`` says otherwise),
    nothing elsewhere. Its answer is ready after ``late`` polls (``"wait"``: only when the decoder waits
    for it; None: never, a stuck engine); every wait it is asked for is recorded in ``waits``."""

    def __init__(
        self,
        names: Sequence[str],
        kind: str = "member",
        complete: bool = True,
        check: Callable[[str], CheckReport] = lambda text: CheckReport(),
        late: int | str | None = 0,
    ) -> None:
        self.names = SortedNames(names)
        self.kind = kind
        self.complete = complete
        self.verdict = check
        self.late = late
        self.calls = 0
        self.waits: list[float] = []

    def site(self, generated: str) -> SiteInfo | None:
        self.calls += 1
        if generated == "":
            return SiteInfo(kind=self.kind, typed="", queried=self.calls == 1, handle=None)
        return None

    def answer(self, site: SiteInfo, *, wait_ms: float) -> Answer:
        self.waits.append(wait_ms)
        if self.late is None or (self.late == "wait" and not wait_ms):
            return PENDING
        if isinstance(self.late, int) and len(self.waits) <= self.late:
            return PENDING
        return Answer(ready=True, names=self.names, complete=self.complete)

    def check(self, suggestion: str) -> CheckReport:
        return self.verdict(suggestion)


def complete(
    script: Script,
    names: Sequence[str] | MemberGuide,
    pieces: Sequence[str] = PIECES,
    guidance: GuidanceSettings = DEFAULT_GUIDANCE,
    memo: GuidanceMemo | None = None,
    generation: GenerationSettings = GEN,
) -> Suggestion:
    model = ScriptedModel(pieces, script)
    completer = Completer(model, VocabIndex.build(model))
    guide = names if isinstance(names, MemberGuide) else MemberGuide(names)
    return completer.complete(
        Document(uri="untitled:obj", text="obj.", cursor=4),
        generation,
        guide=guide,
        guidance=guidance,
        memo=memo,
    )


def run(
    script: Script,
    names: Sequence[str] | MemberGuide,
    pieces: Sequence[str] = PIECES,
    guidance: GuidanceSettings = DEFAULT_GUIDANCE,
    memo: GuidanceMemo | None = None,
    generation: GenerationSettings = GEN,
) -> tuple[str, GuidanceStats]:
    """A guided suggestion's text and counters."""
    result = complete(script, names, pieces, guidance, memo, generation)
    assert result.stats.guidance is not None
    return result.text, result.stats.guidance


def prefers(*order: str) -> Script:
    """A script that always ranks the given pieces in this order (then end of generation)."""
    ranked = {p: 10.0 - i for i, p in enumerate(order)}
    return lambda text: ranked | {"\n": 0.0}


def test_unguided_takes_the_models_choice() -> None:
    result = complete(prefers("zzz", "beta"), ["beta"], guidance=GuidanceSettings(enabled=False))
    assert result.text.startswith("zzz") and result.stats.guidance is None


def test_identifier_piece_must_be_a_feasible_prefix() -> None:
    guidance = GuidanceSettings(active_completion=False)  # the name is not filled in right after the "."
    text, stats = run(prefers("zzz", "beta", "("), ["beta"], guidance=guidance)
    assert text.startswith("beta") and stats.pruned >= 1 and "zzz" in stats.pruned_names


def test_break_after_identifier_requires_an_exact_name() -> None:
    # "al" is a feasible prefix of "alpha", but "(" right after it would close the name "al"
    def script(text: str) -> dict[str, float]:
        if text.endswith("obj."):
            return {"al": 10}
        if text.endswith("al"):
            return {"(": 10, "pha": 5}
        return {"(": 10, ")": 9}

    text, _ = run(script, ["alpha"])
    assert text.startswith("alpha(")


def test_dead_end_backs_off_and_memoizes() -> None:
    # after "al" no piece continues "alpha" ("pha" is missing): back off, mark "al" infeasible
    pieces = [p for p in PIECES if p not in ("pha", "a")]

    def script(text: str) -> dict[str, float]:
        if text.endswith("obj."):
            return {"al": 10, "alpha": 8}
        return {"(": 10}

    memo, guide = GuidanceMemo(), MemberGuide(["alpha"])  # the engine keeps one name set per site
    text, stats = run(
        script, guide, pieces=pieces, guidance=GuidanceSettings(active_completion=False), memo=memo
    )
    assert text.startswith("alpha(") and stats.backoffs == 1
    assert False in memo.feasible.values()
    again, stats2 = run(
        script, guide, pieces=pieces, guidance=GuidanceSettings(active_completion=False), memo=memo
    )
    assert again == text and stats2.backoffs == 0 and stats2.memo_hits >= 1


def test_release_when_pruning_would_remove_nearly_all_mass() -> None:
    script = prefers("zzz")  # all the mass on a name that does not exist; "beta" is far behind
    text, stats = run(script, ["beta"], guidance=GuidanceSettings(release_mass=0.5, active_completion=False))
    assert text.startswith("zzz") and stats.released >= 1
    text, stats = run(script, ["beta"], guidance=GuidanceSettings(release_mass=0.0, active_completion=False))
    assert text.startswith("beta") and stats.released == 0


def test_active_completion_fills_the_unique_continuation() -> None:
    def script(text: str) -> dict[str, float]:
        return {"a": 10} if text.endswith("obj.") else {"(": 10}

    text, stats = run(script, ["alpha"])
    assert text.startswith("alpha(") and stats.forced_tokens >= 1
    text, stats = run(script, ["alpha"], guidance=GuidanceSettings(active_completion=False, release_mass=0.0))
    assert stats.forced_tokens == 0


def test_active_completion_leaves_a_shared_prefix_to_the_model() -> None:
    # "alpha" and "alphabet" share "pha" after "al": nothing is forced, the model spells it itself
    def script(text: str) -> dict[str, float]:
        return {"al": 10} if text.endswith("obj.") else {"pha": 10} if text.endswith("al") else {"(": 10}

    text, stats = run(script, ["alpha", "alphabet"])
    assert text.startswith("alpha(") and stats.forced_tokens == 0
    text, stats = run(script, ["alpha"])
    assert text.startswith("alpha(") and stats.forced_tokens >= 1


def test_memoization_switch() -> None:
    memo, guide = GuidanceMemo(), MemberGuide(["beta"])
    run(prefers("zzz", "beta", "("), guide, memo=memo)
    _, stats = run(prefers("zzz", "beta", "("), guide, memo=memo)
    assert stats.memo_hits >= 1
    _, stats = run(
        prefers("zzz", "beta", "("), guide, memo=memo, guidance=GuidanceSettings(memoization=False)
    )
    assert stats.memo_hits == 0


def test_pruning_switch_keeps_the_models_choice() -> None:
    guidance = GuidanceSettings(pruning=False, active_completion=False)
    text, stats = run(prefers("zzz", "beta"), ["beta"], guidance=guidance)
    assert text.startswith("zzz") and stats.pruned == 0


def test_a_number_at_a_bare_name_site_is_not_an_identifier() -> None:
    # "1" passes where a name may start, and what follows a number is not checked against the names
    def script(text: str) -> dict[str, float]:
        return {"1": 10, "alpha": 5} if text.endswith("obj.") else {"\n": 10, "2": 5}

    text, stats = run(script, MemberGuide(["alpha"], kind="name"))
    assert text == "1" and stats.pruned == 0 and stats.backoffs == 0
    text, stats = run(script, MemberGuide(["alpha"]))  # after a member's dot a number is wrong
    assert text.startswith("alpha")


def test_an_incomplete_list_is_not_pruned_by() -> None:
    text, stats = run(prefers("zzz", "beta"), MemberGuide(["beta"], complete=False))
    assert text.startswith("zzz") and stats.pruned == 0 and stats.incomplete_sites == 1


def reject(bad: str, blame: Callable[[str], int] | None = None) -> Callable[[str], CheckReport]:
    """A check rejecting suggestions that contain ``bad``, blaming where it starts (or ``blame``)."""

    def check(text: str) -> CheckReport:
        if bad not in text:
            return CheckReport()
        return CheckReport(reasons=(f"has {bad!r}",), blame=blame(text) if blame else text.index(bad))

    return check


def test_a_failing_suggestion_is_cut_where_the_check_blames_not_further() -> None:
    def script(text: str) -> dict[str, float]:
        if text.endswith("obj."):
            return {"beta": 10.0}
        return {"(": 10.0} if text.endswith("obj.beta") else {")": 10.0}

    text, stats = run(
        script, MemberGuide(["beta"], check=reject("))")), guidance=GuidanceSettings(active_completion=False)
    )
    # "beta(" + "))..." blamed at "))"
    assert text == "beta(" and stats.cut_chars > 0 and stats.failed_checks == 0


def test_a_cut_without_a_word_falls_back_to_the_unguided_suggestion_when_that_passes() -> None:
    text, stats = run(prefers("zzz", "beta", "("), MemberGuide(["beta"], check=reject("beta")))
    assert text.startswith("zzz") and stats.unguided_fallbacks == 1 and stats.failed_checks == 0


def test_when_nothing_passes_the_suggestion_is_shown_as_generated_never_emptied() -> None:
    text, stats = run(prefers("zzz", "beta", "("), MemberGuide(["beta"], check=reject("", lambda t: 0)))
    assert text.startswith("beta(") and stats.failed_checks == 1 and stats.cut_chars == 0


def member_call(first: str) -> Script:
    """The model writes ``first`` after ``obj.`` (``beta`` its second choice), then ``()`` and a line end."""

    def script(text: str) -> dict[str, float]:
        if text.endswith("obj."):
            return {first: 10.0, "beta": 6.0}
        return (
            {"(": 10.0}
            if not text.endswith(("(", ")"))
            else ({")": 10.0} if text.endswith("(") else {"\n": 10.0})
        )

    return script


def test_a_late_answer_that_agrees_costs_nothing() -> None:
    plain = complete(member_call("beta"), ["beta"], guidance=GuidanceSettings(enabled=False)).text
    text, stats = run(member_call("beta"), MemberGuide(["beta"], late=3))
    assert text == plain == "beta()" and stats.late_sites == 1 and stats.repairs == 0 and stats.pruned == 0


def test_a_late_answer_that_rejects_the_member_repairs_it() -> None:
    guide = MemberGuide(["beta"], late=3)
    text, stats = run(member_call("zzz"), guide, guidance=GuidanceSettings(active_completion=False))
    assert text.startswith("beta") and stats.repairs == 1 and stats.late_sites == 1
    assert all(w == 0 for w in guide.waits[:3])  # no waiting while it decoded


def test_a_stuck_engine_costs_at_most_the_budget_once() -> None:
    guide = MemberGuide(["beta"], late=None)
    budget = GuidanceSettings(engine_budget_ms=25)
    text, stats = run(member_call("zzz"), guide, guidance=budget)
    assert text.startswith("zzz") and stats.unvalidated_sites == 1 and stats.repairs == 0
    assert [w for w in guide.waits if w] == [25]  # one wait, at the end, for the whole budget
    assert stats.acted_kinds == [] and stats.pruned_names == []


def test_an_answer_waited_for_at_the_end_still_repairs() -> None:
    guide = MemberGuide(["beta"], late="wait")
    text, stats = run(member_call("zzz"), guide, guidance=GuidanceSettings(active_completion=False))
    assert text.startswith("beta") and stats.repairs == 1 and stats.unvalidated_sites == 0
    assert [w for w in guide.waits if w] == [60]


def test_repairs_are_bounded() -> None:
    guide = MemberGuide(["beta"], late=3)
    text, stats = run(member_call("zzz"), guide, guidance=GuidanceSettings(max_repairs=0))
    assert text.startswith("zzz") and stats.repairs == 0 and stats.unrepaired == 1


SPENT = GenerationSettings(max_tokens=12, max_lines=1, max_ms=0)  # the time budget spent from the first step
NO_FILL = GuidanceSettings(active_completion=False)


def test_an_answer_landing_past_the_time_budget_keeps_the_text() -> None:
    # A repair then would roll back to the site and the loop would end there, showing nothing.
    text, stats = run(member_call("zzz"), MemberGuide(["beta"], late=3), guidance=NO_FILL, generation=SPENT)
    assert text == "zzz()" and stats.repairs == 0 and stats.unrepaired == 1 and stats.late_sites == 1


def test_a_dead_end_past_the_time_budget_releases_instead_of_backing_off() -> None:
    def script(text: str) -> dict[str, float]:  # after "al" nothing continues "alpha"
        return {"al": 10, "alpha": 8} if text.endswith("obj.") else {"(": 10}

    pieces = [p for p in PIECES if p not in ("pha", "a")]
    text, stats = run(script, MemberGuide(["alpha"]), pieces, NO_FILL, generation=SPENT)
    assert text.startswith("al(") and stats.backoffs == 0 and stats.released >= 1


def test_the_model_leaves_a_core_to_the_engine_only_while_a_query_runs() -> None:
    model = ScriptedModel(PIECES, member_call("beta"))
    completer = Completer(model, VocabIndex.build(model))
    completer.complete(
        Document(uri="untitled:obj", text="obj.", cursor=4),
        GEN,
        guide=MemberGuide(["beta"], late=2),
        guidance=DEFAULT_GUIDANCE,
    )
    # shared while the answer was pending (one step), all cores again once it landed and at the end
    assert model.sharing.count(True) == 1 and model.sharing[-1] is False


def test_healing_with_a_pending_site_chooses_as_unguided() -> None:
    """While the prompt's last token is re-chosen and the site is unanswered, guidance has nothing to say:
    where no token of the unguided top-k continues the healed ``.``, both force it back, rather than the
    guided side taking the vocabulary's best ``.zzz``."""
    fillers = [f"q{i}" for i in range(40)]

    def script(text: str) -> dict[str, float]:
        if text.endswith("obj"):
            return {**dict.fromkeys(fillers, 0.0), ".zzz": -10.0}
        return {"beta": 10.0} if text.endswith("obj.") else {"\n": 10.0}

    pieces = [*PIECES, ".zzz", *fillers]
    unguided = complete(script, ["beta"], pieces, guidance=GuidanceSettings(enabled=False)).text
    text, stats = run(script, MemberGuide(["beta"], late=None), pieces)
    assert unguided == text == "beta" and stats.unvalidated_sites == 1
