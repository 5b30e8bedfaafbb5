"""Closed documents leave nothing behind, and what open documents keep is bounded in bytes.

The real engine (tree-sitter, Jedi) behind the real service, without a model: the structures that hold
document-sized data are the parses, the Jedi scripts and the guidance memos.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from completion_engine import Document
from lsp_server.service import CompletionService

MB = 1024 * 1024


@pytest.fixture
def service() -> Iterator[CompletionService]:
    s = CompletionService()
    yield s
    s.engine.close()


def big_document(n: int, chars: int) -> Document:
    line = "value_{i} = compute({i}) * 2  # padding padding padding\n"
    lines = chars // len(line.format(i=99999)) + 1
    text = (
        "def compute(x):\n    return x\n\n" + "".join(line.format(i=i) for i in range(lines)) + "total = comp"
    )
    return Document(uri=f"file:///tmp/ghostwise-memory/doc{n}.py", version=1, text=text, cursor=len(text))


def use(service: CompletionService, doc: Document) -> None:
    """What a completion request does with a document, without the model."""
    service.prepare(doc)
    engine = service.engine
    site = engine.classify(doc)
    assert site is not None and site.kind == "name"
    engine.candidates(doc, site, wait_ms=30_000)
    engine.check(doc, "ute(1)")
    service._memo(doc)


def test_closed_documents_release_everything(service: CompletionService) -> None:
    docs = [big_document(n, chars) for n, chars in enumerate([5 * MB, 5 * MB, 600_000, 5 * MB])]
    for doc in docs:
        use(service, doc)
    assert service.documents() == {d.uri for d in docs}
    for doc in docs:
        service.forget(doc.uri)
    idle(service)
    assert service.documents() == set()
    assert service.engine.held_bytes() == 0


def test_what_open_documents_keep_is_bounded_in_bytes(service: CompletionService) -> None:
    trees, scripts = service.engine.trees, service.engine.jedi
    for n in range(8):  # the parse of a 5 MB document holds ~10 MB (its text, a window's tree)
        use(service, big_document(n, 5 * MB))
    assert len(trees._entries) < 8 and trees._entries.bytes <= 64 * MB  # by bytes, not the count of 8
    assert trees.held_bytes() <= (64 + 64 + 16) * MB
    for n in range(4):  # a Jedi script of 950 K characters ~22 MB
        use(service, big_document(100 + n, 950_000))
    idle(service)
    assert len(scripts._scripts) < 4 and scripts.held_bytes() <= scripts.settings.max_cached_script_bytes


def idle(service: CompletionService) -> None:
    """Wait for the Jedi thread to finish what was queued (parses, queries, forgets)."""
    service.engine.jedi._executor.submit(lambda: None).result()
