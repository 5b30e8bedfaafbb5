"""How many model threads on a small machine: decode speed by thread count, alone and next to other work.

On few cores llama.cpp's threads wait for each other at every layer; when one of them is descheduled
(the engine's Jedi thread, the editor, a build), the others wait too. For each thread count this
decodes the same prompt (a real module of this repository) with the default model, taking turns with
the other counts, under three loads:

- ``alone``: nothing else runs in this process;
- ``engine``: a Python thread in this process runs the engine's member queries back to back, each on a
  new document version (the guided case while a site's query runs; it also contends for the GIL);
- ``outside``: one busy process outside (the editor, a build, another program).

    .venv/bin/python benchmarks/threads.py [--threads 1,2] [--rounds 5] [--tokens 48] [--switch-ms 5,0.5]

Printed: ms per generated token, p50 over the rounds, per load and thread count, and the ratio to the
all-cores count. ``--switch-ms``: Python's thread switch intervals to compare under the ``engine`` load
(taking turns; how long the decoding thread may wait for the GIL the Jedi thread holds).
``share_cores`` (the default) gives the model one thread fewer while a query runs; the ``engine`` row
says whether that beats keeping all cores.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).parents[1]
sys.path.insert(0, str(REPO))

from completion_engine import Document, PythonEngine
from decoding.llama_runtime import LlamaRuntime
from decoding.model_source import resolve_model
from decoding.settings import ModelSettings

SOURCE = REPO / "decoding" / "guided.py"


@contextmanager
def engine_load() -> Iterator[None]:
    """The engine's member queries back to back, in a thread of this process."""
    stop = threading.Event()
    engine = PythonEngine()
    source = SOURCE.read_text()

    def work() -> None:
        version = 0
        while not stop.is_set():
            version += 1
            text = f"import os\n{source}\nvalue_{version} = 1\nos.path."
            doc = Document(uri=SOURCE.as_uri(), version=version, text=text, cursor=len(text))
            site = engine.classify(doc)
            if site is not None:
                engine.candidates(doc, site, wait_ms=10_000)  # each query to its end

    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    time.sleep(0.3)
    try:
        yield
    finally:
        stop.set()
        worker.join()
        engine.close()


@contextmanager
def outside_load() -> Iterator[None]:
    """One busy process next to this one."""
    busy = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    time.sleep(0.3)
    try:
        yield
    finally:
        busy.kill()
        busy.wait()


@contextmanager
def no_load() -> Iterator[None]:
    yield


LOADS = {"alone": no_load, "engine": engine_load, "outside": outside_load}


def ms_per_token(runtime: LlamaRuntime, prompt: list[int], tokens: int) -> float:
    """Greedy decode of ``tokens`` after ``prompt`` (kept in the KV cache between calls)."""
    runtime.prime(prompt)
    t0 = time.perf_counter()
    for _ in range(tokens):
        runtime.append([int(runtime.logits().argmax())])
    elapsed = time.perf_counter() - t0
    runtime.truncate(len(prompt) - 1)
    return elapsed * 1000 / tokens


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    cores = os.cpu_count() or 1
    parser.add_argument("--threads", default=",".join(str(n) for n in sorted({1, max(1, cores - 1), cores})))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--tokens", type=int, default=48)
    parser.add_argument("--switch-ms", default=f"{sys.getswitchinterval() * 1000:g}")
    args = parser.parse_args()
    switches = [float(ms) for ms in args.switch_ms.split(",")]
    counts = [int(n) for n in args.threads.split(",")]
    path = resolve_model("default")
    runtimes = {n: LlamaRuntime(path, ModelSettings(threads=n)) for n in counts}
    any_runtime = runtimes[counts[0]]
    prompt = any_runtime.bos() + any_runtime.tokenize(SOURCE.read_text()[:3000])
    for runtime in runtimes.values():
        ms_per_token(runtime, prompt, 4)  # warm
    print(
        f"{cores} cores, default model, {len(prompt)}-token prompt, "
        f"{args.tokens} tokens, {args.rounds} rounds"
    )
    print(f"{'load':14s} " + " ".join(f"{f'{n} thr ms/tok':>14s}" for n in counts) + "   ratio to all cores")
    default_switch = sys.getswitchinterval()
    for name, load in LOADS.items():
        rows = switches if name == "engine" else [default_switch * 1000]
        samples: dict[tuple[float, int], list[float]] = {(s, n): [] for s in rows for n in counts}
        with load():
            for _ in range(args.rounds):
                for (s, n), values in samples.items():  # taking turns: drifts in the load hit every row
                    sys.setswitchinterval(s / 1000)
                    values.append(ms_per_token(runtimes[n], prompt, args.tokens))
        sys.setswitchinterval(default_switch)
        p50 = {key: statistics.median(v) for key, v in samples.items()}
        for s in rows:
            label = f"{name}@{s:g}ms" if len(rows) > 1 else name
            base = p50[s, max(counts)]
            ratios = " ".join(f"{n}:{p50[s, n] / base:.2f}" for n in counts)
            figures = " ".join(f"{p50[s, n]:14.1f}" for n in counts)
            print(f"{label:14s} {figures}   {ratios}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
