"""The remote runtime against a real llama-server running the default model, side by side with the
in-process runtime on the same GGUF: same vocabulary, same tokens, same suggestions, guided or not."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from completion_engine import Document
from decoding.completer import Suggestion
from decoding.llama_runtime import LlamaRuntime
from decoding.remote_runtime import RemoteRuntime
from decoding.runtime import TokenModel
from decoding.settings import GuidanceSettings, ModelSettings
from lsp_server.config import ServerSettings, parse_settings
from lsp_server.service import CompletionService
from tests.decoding.gguf_factory import write_vocab_gguf
from tests.remote.llama_server import LlamaServer

ROOT = Path(__file__).parents[1] / "data" / "guided"
WAREHOUSE_MEMBERS = {"region", "bin_locations", "restock_shelf", "ship_parcel", "audit_trail"}
TEXTS = {
    "instance": 'from warehouse import Warehouse\n\nstore = Warehouse("north")\n'
    'for sku, count in [("A1", 3), ("B2", 5)]:\n    store.',
    "annotated": "from warehouse import Warehouse\n\n\ndef fulfil(store: Warehouse, orders):\n"
    "    for order in orders:\n        store.",
    "unique": 'from warehouse import Warehouse\n\nstore = Warehouse("north")\nprint(store.au',
    "plain": 'def square_area(side):\n    """Return the area of a square."""\n    return ',
}


def service_for(spec: str, *, stream: bool = True) -> CompletionService:
    settings, errors = parse_settings(
        {"model": spec, "maxTokens": 16, "nCtx": 2048, "guided": {"engineBudgetMs": 5000}}, ServerSettings()
    )
    assert not errors
    svc = CompletionService(replace(settings, model=replace(settings.model, remote_stream=stream)))
    svc.load()
    svc.warm_engine()
    return svc


@pytest.fixture(scope="module")
def local() -> Iterator[CompletionService]:
    svc = service_for("default")
    yield svc
    svc.engine.close()


@pytest.fixture(scope="module")
def remote(llama_server: LlamaServer) -> Iterator[CompletionService]:
    svc = service_for(f"llama-server:{llama_server.url}")
    yield svc
    svc.engine.close()


def complete(service: CompletionService, key: str, guidance: GuidanceSettings) -> Suggestion:
    text = TEXTS[key]
    doc = Document(
        uri=(ROOT / f"{key}.py").as_uri(),
        version=1,
        text=text,
        cursor=len(text),
        path=ROOT / f"{key}.py",
        workspace_root=ROOT,
    )
    service.prepare(doc)
    return service.complete(doc, guidance=guidance)


def test_vocabulary_comes_from_the_server_and_matches_the_gguf(llama_server: LlamaServer, runtime) -> None:
    remote = RemoteRuntime(llama_server.url, ModelSettings())
    assert remote.n_vocab == runtime.n_vocab
    differ = [t for t in range(runtime.n_vocab) if remote.piece(t) != runtime.piece(t)]
    assert differ == [], [(t, remote.piece(t), runtime.piece(t)) for t in differ[:5]]
    assert remote.bos() == runtime.bos()
    text = "def fetch(url: str) -> bytes:\n    return urllib.request.urlopen(url).read()  # é €"
    assert remote.tokenize(text) == runtime.tokenize(text)
    assert remote.special_id("<start_of_turn>") == runtime.special_id("<start_of_turn>") is not None
    remote.close()


@pytest.mark.parametrize("key", sorted(TEXTS))
def test_the_servers_distribution_is_the_in_process_one(own_server: LlamaServer, runtime, key: str) -> None:
    """After the same prompt, the server's top log-probabilities are the in-process model's, up to what
    another attention kernel, batch shape and thread count change: at most 0.45 here on a fresh server.
    The server is the test's own, with one slot: on a shared one, how much of the prompt another test
    left cached decides how the server splits it into batches, and that split alone moves this model's
    log-probabilities by up to 0.9 (measured), which would make the comparison depend on test order."""
    own_server.parallel = 1
    remote = RemoteRuntime(own_server.start().url, ModelSettings())
    tokens = runtime.bos() + runtime.tokenize(TEXTS[key])
    runtime.prime(tokens)
    logits = runtime.logits().astype(np.float64)
    local = logits - logits.max() - np.log(np.exp(logits - logits.max()).sum())
    remote.prime(tokens)
    there = remote.logits()
    known = np.flatnonzero(np.isfinite(there))
    assert len(known) == 20 and len(set(np.argsort(-local)[:10].tolist()) - set(known.tolist())) <= 1
    differ = np.abs(there[known] - local[known])
    assert differ[local[known] > local.max() - 3].max() < 0.6 and differ.max() < 1.0, differ
    top2 = np.sort(local)[-2:]
    assert int(np.argmax(there)) == int(np.argmax(local)) or top2[1] - top2[0] < 0.5
    remote.close()


def test_guided_over_the_network(local: CompletionService, remote: CompletionService) -> None:
    for key in ("instance", "annotated"):
        base = complete(remote, key, GuidanceSettings(enabled=False))
        guided = complete(remote, key, GuidanceSettings())
        first = re.match(r"\w+", guided.text)
        assert re.match(r"\w+", base.text).group(0) not in WAREHOUSE_MEMBERS, base.text  # type: ignore[union-attr]
        assert first is not None and first.group(0) in WAREHOUSE_MEMBERS, guided.text
        assert guided.stats.guidance is not None and guided.stats.guidance.pruned_names, guided.stats
        assert guided.text == complete(local, key, GuidanceSettings()).text
    unique = complete(remote, "unique", GuidanceSettings())
    assert unique.text.startswith("dit_trail") and unique.stats.guidance.forced_tokens > 0  # type: ignore[union-attr]


def test_step_mode_gives_the_same_text(llama_server: LlamaServer, remote: CompletionService) -> None:
    step = service_for(f"llama-server:{llama_server.url}", stream=False)
    try:
        for key in ("instance", "plain"):
            assert (
                complete(step, key, GuidanceSettings()).text == complete(remote, key, GuidanceSettings()).text
            )
    finally:
        step.engine.close()


@pytest.fixture(scope="module")
def tiny(llama_server_binary: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    """A server running a tiny model with random weights, whose greedy choices are often single bytes."""
    folder = tmp_path_factory.mktemp("tiny")
    write_vocab_gguf(folder / "tiny.gguf", [], weights=True)
    server = LlamaServer(llama_server_binary, folder / "tiny.gguf", folder / "server.log", parallel=1)
    yield server.start()
    server.stop()


def greedy(model: TokenModel, prompt: list[int], n: int) -> list[int]:
    model.prime(prompt)
    chosen = []
    for _ in range(n):
        chosen.append(int(np.argmax(model.logits())))
        model.append(chosen[-1:])
    return chosen


def starts_a_character(piece: bytes) -> bool:
    """The piece ends inside a UTF-8 character (its last byte opens a multi-byte one)."""
    return bool(piece) and piece[-1] >= 0xC0


def test_tokens_that_end_inside_a_character(tiny: LlamaServer) -> None:
    """llama-server sends no probabilities for a sampled token that ends inside a UTF-8 character (it
    waits for the rest): the vocabulary, streaming and step mode still see every step, as in-process."""
    local = LlamaRuntime(tiny.model, ModelSettings(n_ctx=512))
    stream = RemoteRuntime(tiny.url, ModelSettings())
    step = RemoteRuntime(tiny.url, ModelSettings(), stream=False)
    assert [stream.piece(t) for t in range(stream.n_vocab)] == [local.piece(t) for t in range(local.n_vocab)]
    prompt = local.tokenize("def f(x):\n    return")
    expected = greedy(local, prompt, 40)
    assert any(starts_a_character(local.piece(t)) for t in expected)  # the case is met
    assert greedy(stream, prompt, 40) == expected
    assert greedy(step, prompt, 40) == expected
    stream.close()
    step.close()


def test_each_document_gets_a_slot_of_its_own(own_server: LlamaServer) -> None:
    """The server picks a document's slot at its first request (an idle one) and keeps it: two documents
    on a two-slot server hold one slot each, and each finds its prompt cached there when it comes back.
    (These two heads would share a slot if the slot were a hash of the head.)"""
    own_server.start()
    remote = RemoteRuntime(own_server.url, ModelSettings())
    body = "import os\n\n\ndef newest(folder):\n    names = os.listdir(folder)\n    return max(names, key="
    prompts = [remote.bos() + remote.tokenize(f"# {name}.py\n{body}") for name in ("shapes", "orders")]
    for tokens in prompts:
        remote.prime(tokens)
        remote.finish()
    held = sorted(slot.get("n_prompt_tokens", 0) >= len(prompts[0]) - 1 for slot in own_server.get("/slots"))
    assert held == [True, True], own_server.get("/slots")
    for tokens in prompts:  # all but the last few tokens (the server evaluates those again) are cached
        assert remote.prime(tokens) >= len(tokens) - 8
        remote.finish()
    remote.close()
