"""Rewrite tests/data/checks/corpus.jsonl, the checks' ground-truth corpus (see lsp_server/bench/corpus.py).

    .venv/bin/python benchmarks/check_corpus.py

Mines member sites (f-string fields included) and line sites from libraries installed in the venv; the
test tests/engine/test_corpus.py asserts that the checks accept the original text at every site.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from lsp_server.bench.corpus import LIBRARIES, mine_library, write

OUT = Path(__file__).parents[1] / "tests" / "data" / "checks" / "corpus.jsonl"


def main() -> None:
    records = [r for library in LIBRARIES for r in mine_library(library)]
    write(records, OUT)
    counts = Counter((r.library, r.version, r.kind) for r in records)
    for (library, version, kind), n in sorted(counts.items()):
        print(f"{library} {version} {kind}: {n}")
    print(f"{len(records)} sites -> {OUT}")


if __name__ == "__main__":
    main()
