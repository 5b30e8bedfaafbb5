"""The checks' ground-truth corpus: real completion sites whose original text the checks must accept.

Sites are mined (``bench mine``'s rules, f-string fields included) from libraries installed in the venv;
each record names the library version and the file's hash, so a record whose file changed (the library
was upgraded) is re-mined from the installed version instead of being trusted blindly.
``benchmarks/check_corpus.py`` rewrites ``tests/data/checks/corpus.jsonl``.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import json
import random
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from lsp_server.bench.mine import Site, find_sites, source_files, task_at
from lsp_server.bench.tasks import Task

LIBRARIES = ("jedi", "parso", "huggingface_hub", "pygls", "urllib3", "cattrs")
PER_LIBRARY = {"member": 140, "line": 240}
FSTRING_MEMBERS_PER_LIBRARY = 25
SEED = 11


@dataclass(frozen=True, slots=True, kw_only=True)
class Record:
    """One site: where it is, which file version it was mined from, and the original rest of the line."""

    library: str
    version: str
    path: str
    offset: int
    kind: str
    sha256: str
    ground_truth: str


def library_root(library: str) -> Path:
    """The installed package's folder (task paths are relative to it)."""
    spec = importlib.util.find_spec(library)
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError(library)
    return Path(spec.origin).parent


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def mine_library(library: str, seed: int = SEED) -> list[Record]:
    """The library's sample: member sites (some inside f-string fields) and line sites, sorted by place."""
    root = library_root(library)
    texts = dict(source_files(root))
    rng = random.Random(f"{seed}:{library}")
    chosen = []
    for kind, n in PER_LIBRARY.items():
        sites = find_sites(root, kind, seed)
        chosen += [(kind, s) for s in rng.sample(sites, min(n, len(sites)))]
    plain = set(find_sites(root, "member", seed))
    in_fstrings = [s for s in find_sites(root, "member", seed, fstrings=True) if s not in plain]
    chosen += [
        ("member", s) for s in rng.sample(in_fstrings, min(FSTRING_MEMBERS_PER_LIBRARY, len(in_fstrings)))
    ]
    version = importlib.metadata.version(library)
    records = []
    for kind, site in sorted(set(chosen), key=lambda c: (c[1].path, c[1].offset, c[0])):
        text = texts[site.path]
        records.append(
            Record(
                library=library,
                version=version,
                path=site.path,
                offset=site.offset,
                kind=kind,
                sha256=_digest(text),
                ground_truth=task_at(text, site, kind).ground_truth,
            )
        )
    return records


def write(records: list[Record], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as stream:
        stream.writelines(json.dumps(asdict(r)) + "\n" for r in records)


def tasks(path: Path) -> Iterator[tuple[Record, Task]]:
    """Each record as a task on the installed library's file; a library whose files changed since the
    corpus was written is re-mined from what is installed."""
    records = [Record(**json.loads(line)) for line in path.read_text(encoding="utf-8").splitlines() if line]
    by_library: dict[str, list[Record]] = {}
    for record in records:
        by_library.setdefault(record.library, []).append(record)
    for library, mined in by_library.items():
        root = library_root(library)
        texts = dict(source_files(root))
        if any(_digest(texts.get(r.path, "")) != r.sha256 for r in mined):
            mined = mine_library(library)
        for record in mined:
            yield record, task_at(texts[record.path], Site(record.path, record.offset), record.kind)
