"""Guided decoding with the real default model and the real engine (Jedi + tree-sitter).

The fixture workspace has a module the model never sees (``tests/data/guided/warehouse.py``): only
Jedi reads it, so unguided decoding guesses member names and guided decoding must name real ones.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from completion_engine import Document, EngineGuide
from decoding.completer import Completer, Suggestion
from decoding.guided import GuidanceStats, GuidedPolicy
from decoding.sampling import Sampler
from decoding.settings import GenerationSettings, GuidanceSettings
from lsp_server.config import ServerSettings, parse_settings
from lsp_server.service import CompletionService

ROOT = Path(__file__).parents[1] / "data" / "guided"
WAREHOUSE_MEMBERS = {"region", "bin_locations", "restock_shelf", "ship_parcel", "audit_trail"}
LOOP = (
    'from warehouse import Warehouse\n\nstore = Warehouse("north")\n'
    'for sku, count in [("A1", 3), ("B2", 5)]:\n    store.'
)
TYPED = (
    "from warehouse import Warehouse\n\n\ndef fulfil(store: Warehouse, orders):\n"
    "    for order in orders:\n        store."
)


@pytest.fixture(scope="module")
def service() -> Iterator[CompletionService]:
    # a generous engine time-out: these tests are about what guidance does, not about timing
    settings, errors = parse_settings(
        {"maxTokens": 16, "nCtx": 2048, "guided": {"engineBudgetMs": 5000}}, ServerSettings()
    )
    assert not errors
    svc = CompletionService(settings)
    svc.load()
    svc.warm_engine()
    yield svc
    svc.engine.close()


def complete(
    service: CompletionService, text: str, guidance: GuidanceSettings, name: str = "main.py", version: int = 1
) -> Suggestion:
    doc = Document(
        uri=(ROOT / name).as_uri(),
        version=version,
        text=text,
        cursor=len(text),
        path=ROOT / name,
        workspace_root=ROOT,
    )
    service.prepare(doc)
    return service.complete(doc, guidance=guidance)


def counters(suggestion: Suggestion) -> GuidanceStats:
    assert suggestion.stats.guidance is not None, "not a guided suggestion"
    return suggestion.stats.guidance


def first_member(text: str) -> str:
    match = re.match(r"[A-Za-z_]\w*", text)
    assert match, text
    return match.group(0)


@pytest.mark.parametrize("text", [LOOP, TYPED], ids=["instance", "annotated-parameter"])
def test_guided_names_an_existing_member_where_unguided_invents_one(
    service: CompletionService, text: str
) -> None:
    name = f"site_{abs(hash(text))}.py"  # one document (uri, version) per text: the engine caches by them
    base = complete(service, text, GuidanceSettings(enabled=False), name=name)
    guided = complete(service, text, GuidanceSettings(), name=name)
    assert first_member(base.text) not in WAREHOUSE_MEMBERS, base.text  # the model alone guesses
    assert first_member(guided.text) in WAREHOUSE_MEMBERS, guided.text
    assert counters(guided).pruned > 0 and counters(guided).released == 0


def test_active_completion_fills_a_unique_member(service: CompletionService) -> None:
    text = 'from warehouse import Warehouse\n\nstore = Warehouse("north")\nprint(store.au'
    guided = complete(service, text, GuidanceSettings(), name="unique.py")
    assert guided.text.startswith("dit_trail"), guided.text
    assert counters(guided).forced_tokens > 0
    without = complete(service, text, GuidanceSettings(active_completion=False), name="unique.py", version=2)
    assert counters(without).forced_tokens == 0


def test_no_guidance_inside_strings_and_comments(service: CompletionService) -> None:
    for i, text in enumerate(['from warehouse import Warehouse\n\nlabel = "store.', "import os\n# see os."]):
        guided = complete(service, text, GuidanceSettings(), name=f"strings_{i}.py")
        assert counters(guided).guided_steps == 0, (text, guided.stats.guidance)


def test_pruning_switch_off_behaves_like_unguided(service: CompletionService) -> None:
    base = complete(service, LOOP, GuidanceSettings(enabled=False), name="loop.py")
    unpruned = complete(
        service, LOOP, GuidanceSettings(pruning=False, active_completion=False), name="loop.py"
    )
    assert unpruned.text == base.text and counters(unpruned).pruned == 0


def test_memo_serves_later_requests_on_the_same_version(service: CompletionService) -> None:
    complete(service, LOOP, GuidanceSettings(), name="memo.py")
    again = complete(service, LOOP, GuidanceSettings(), name="memo.py")
    assert counters(again).memo_hits > 0


def test_boundary_rules_with_real_tokenizer_pieces(service: CompletionService) -> None:
    """Gemma's pieces that cross an identifier boundary: ``__(``, ``.__``, `` self``, ``_)``."""
    completer = service._completer
    assert isinstance(completer, Completer) and completer.index is not None
    index = completer.index
    ids = {text: index.texts.index(text) for text in ("__(", ".__", " self", "_)", ").")}
    source = (
        "class Box:\n    def __init__(self, size):\n        self.size = size\n\n    def grow(self):\n        "
    )
    doc = Document(
        uri=(ROOT / "box.py").as_uri(),
        version=1,
        text=source,
        cursor=len(source),
        path=ROOT / "box.py",
        workspace_root=ROOT,
    )
    guide = EngineGuide(service.engine, doc, names_check=False)
    for before in ("return self.", "return "):  # the engine's answers first: no race here
        site = guide.site(before)
        assert site is not None and guide.answer(site, wait_ms=20_000).ready
    policy = GuidedPolicy(
        completer.model, index, guide, Sampler(GenerationSettings()), GuidanceSettings(), None
    )
    assert policy.allowed("return self.__init", ids["__("])  # "__init__" is a name, then "(" breaks
    assert not policy.allowed("return self.__ini", ids["__("])  # "__ini__" is not
    assert policy.allowed("return self", ids[".__"])  # "self" is a name; "__" starts self's dunders
    assert not policy.allowed("return sel", ids[".__"])  # "sel" is not a name
    assert policy.allowed("return", ids[" self"])  # a new bare-name site opens after the space
    assert not policy.allowed("return self.", ids[")."])  # a member must follow the dot
    assert not policy.allowed("return self.size", ids["_)"])  # "size_" is not a member


def test_a_right_first_guess_costs_no_repair_and_changes_nothing(service: CompletionService) -> None:
    text = "import os\n\n\ndef data_file(root):\n    return os.path."
    base = complete(service, text, GuidanceSettings(enabled=False), name="right.py")
    guided = complete(service, text, GuidanceSettings(), name="right.py", version=2)
    assert first_member(base.text) in {"join", "abspath", "dirname", "exists", "realpath"}, base.text
    assert guided.text == base.text and counters(guided).repairs == 0 and counters(guided).sites >= 1
