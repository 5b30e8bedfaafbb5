"""Time-to-suggestion through the real LSP server over stdio, on a real file.

For N cursor positions of a real Python file this replays an edit and measures, side by side in one
run: (a) a cold request on a new document, (b) the request after typing one more character (KV-cache
reuse), and (c) the same prompt through plain ``Llama.create_completion`` in this process, from the
same KV-cache state and generating as many tokens as the server did (its ``generated_tokens``); then
(a) and (b) again on a second server with guided decoding on, the two servers taking turns edit by edit.
Requests go through ``textDocument/completion``, the same path as ghost text, whose items carry the
decode statistics: the part of (b) outside the completion path (LSP, queue) and, guided, the engine
wait and the guidance loop are reported too.

    .venv/bin/python benchmarks/latency.py [--file F] [--n 30] [--seed 0]

Targets (2 cores, default model): (b) p50 ≤ 200 ms for single-line suggestions; (b)/(a) p50 ≤ 0.35;
server (b) vs (c) ≤ 1.05; guided (b) ≤ 1.10 × unguided (b) at p50.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.client import LanguageClient

from decoding.healing import split_heal
from decoding.llama_runtime import LlamaRuntime
from decoding.model_source import resolve_model
from decoding.prompting import build_prompt
from decoding.settings import ModelSettings

DEFAULT_FILE = Path(__file__).parents[1] / "lsp_server" / "scheduler.py"
MAX_TOKENS = 48
# The typing features off: typing one character of the shown suggestion would be answered from the
# suggestion cache (no model call) or by a speculation, and (b) is the model path after an edit.
OPTIONS = {
    "debounceMs": 0,
    "maxTokens": MAX_TOKENS,
    "maxMs": 5000,
    "completionFallback": "always",
    "typing": {"cache": False, "speculative": False},
}


def positions(text: str, n: int, seed: int) -> list[int]:
    """Cursor offsets in the middle of non-trivial code lines (single-line suggestions)."""
    offsets, start = [], 0
    for line in text.split("\n"):
        body = line.strip()
        if len(body) > 20 and not body.startswith(("#", '"', "'")):
            offsets.append(start + len(line) - len(line.lstrip()) + len(body) // 2)
        start += len(line) + 1
    random.Random(seed).shuffle(offsets)
    return sorted(offsets[:n])


class Session:
    """A real ghostwise server over stdio and a client that times inline completion requests."""

    def __init__(self, guided: bool, options: dict[str, Any] | None = None) -> None:
        self.client = LanguageClient("ghostwise-latency", "1")
        self.ready = asyncio.Event()
        self.options = {**OPTIONS, **(options or {}), "guided": {"enabled": guided}}
        self.state = ""

        @self.client.feature("ghostwise/status")
        def _status(params: Any) -> None:
            self.state = getattr(params, "state", "")
            if self.state in ("ready", "error"):
                self.ready.set()

    async def start(self) -> None:
        await self.client.start_io(sys.executable, "-m", "lsp_server", "--stdio", "--log-level", "error")
        caps = types.ClientCapabilities(text_document=types.TextDocumentClientCapabilities())
        await self.client.initialize_async(
            types.InitializeParams(capabilities=caps, initialization_options=self.options)
        )
        self.client.initialized(types.InitializedParams())
        await asyncio.wait_for(self.ready.wait(), 600)

    def open(self, uri: str, text: str) -> None:
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(uri=uri, language_id="python", version=1, text=text)
            )
        )

    def insert(self, uri: str, version: int, line: int, col: int, text: str) -> None:
        pos = types.Position(line=line, character=col)
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[
                    types.TextDocumentContentChangePartial(range=types.Range(start=pos, end=pos), text=text)
                ],
            )
        )

    async def request_ms(self, uri: str, line: int, col: int) -> tuple[float, str, dict[str, Any]]:
        """Time one completion request; the suggestion and the decode statistics it carries (the
        ``textDocument/completion`` answer, the same path as ghost text, carries them in ``data``)."""
        t0 = time.perf_counter()
        result = await self.client.text_document_completion_async(
            types.CompletionParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                position=types.Position(line=line, character=col),
            )
        )
        elapsed = (time.perf_counter() - t0) * 1000
        items = result.items if isinstance(result, types.CompletionList) else []
        if not items or not isinstance(items[0].data, dict):
            return elapsed, "", {}
        return elapsed, str(items[0].documentation), items[0].data["stats"]

    async def stop(self) -> None:
        await self.client.shutdown_async(None)
        self.client.exit(None)
        await self.client.stop()


def plain_ms(llm: LlamaRuntime, prefix: str, path: str, generated: int) -> float:
    """The same prompt (same builder, same healing) through ``create_completion``, generating the
    ``generated`` tokens the server did (0: only bring the KV cache to the state the server had)."""
    prompt = build_prompt(
        prefix=prefix,
        suffix="",
        path=path,
        language_id="python",
        budget_tokens=llm.n_ctx - MAX_TOKENS,
        tokenize=llm.tokenize,
        bos=llm.bos(),
        fim=None,
    )
    tokens, _ = split_heal(llm, prompt.tokens, len(llm.bos()))
    t0 = time.perf_counter()
    llm._llm.create_completion(tokens, max_tokens=max(1, generated), temperature=0.0)
    return (time.perf_counter() - t0) * 1000


def pct(values: list[float], q: float) -> float:
    return (
        statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1] if len(values) > 1 else values[0]
    )


async def edit(
    session: Session, source: str, offset: int, uri: str
) -> tuple[float, float, str, dict[str, Any]]:
    """(a) a cold request on a new document and (b) the next one after typing its next character (with
    the suggestion and statistics of (b))."""
    line_start = source.rfind("\n", 0, offset) + 1
    line_end = source.find("\n", offset)
    line, col = source.count("\n", 0, offset), offset - line_start
    session.open(uri, source[:offset] + source[line_end:])  # the rest of the line is not typed yet
    a, _, _ = await session.request_ms(uri, line, col)
    session.insert(uri, 2, line, col, source[offset])  # type the next real character
    b, text, stats = await session.request_ms(uri, line, col + 1)
    return a, b, text, stats


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--n", type=int, default=30)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    source = args.file.read_text()
    sessions = {"unguided": Session(guided=False), "guided": Session(guided=True)}
    for session in sessions.values():
        await session.start()
    llm = LlamaRuntime(resolve_model("default"), ModelSettings(n_ctx=4096))
    figures: dict[str, list[float]] = {k: [] for k in ("a", "b", "c", "ga", "gb", "lsp", "gwait", "gloop")}
    nonempty = 0
    for i, offset in enumerate(positions(source, args.n, args.seed)):
        # a new document per edit (its header comment differs from the last one), the two servers in turn
        a, b, text, stats = await edit(sessions["unguided"], source, offset, f"file:///bench/edit_{i}.py")
        ga, gb, _, gstats = await edit(sessions["guided"], source, offset, f"file:///bench/guided_{i}.py")
        plain_ms(llm, source[:offset], f"edit_{i}.py", 0)  # the KV cache the server had at (b)
        c = plain_ms(llm, source[: offset + 1], f"edit_{i}.py", int(stats.get("generated_tokens", 1)))
        guidance = gstats.get("guidance") or {}
        sample = (
            a,
            b,
            c,
            ga,
            gb,
            b - float(stats.get("total_ms", b)),
            guidance.get("engine_wait_ms", 0.0),
            guidance.get("loop_ms", 0.0),
        )
        for key, value in zip(figures, sample, strict=True):
            figures[key].append(value)
        nonempty += bool(text.strip())
    for session in sessions.values():
        await session.stop()
    rows = [
        ("(a) cold request, new document", figures["a"]),
        ("(b) after typing one character", figures["b"]),
        ("(c) same prompt and tokens, create_completion", figures["c"]),
        ("guided (a) cold request", figures["ga"]),
        ("guided (b) after typing one character", figures["gb"]),
        ("(b) outside the completion path (LSP, queue)", figures["lsp"]),
        ("guided (b): engine wait", figures["gwait"]),
        ("guided (b): guidance loop", figures["gloop"]),
    ]
    warm, cold, plain = figures["b"], figures["a"], figures["c"]
    print(f"{len(cold)} edits of {args.file.name}; {nonempty} non-empty suggestions at (b)\n")
    print(f"| {'measure':<45} | p50 ms | p95 ms |\n|{'-' * 47}|-------:|-------:|")
    for name, values in rows:
        print(f"| {name:<45} | {pct(values, 50):6.0f} | {pct(values, 95):6.0f} |")
    print(f"\n(b)/(a) p50 = {pct(warm, 50) / pct(cold, 50):.2f}  (target ≤ 0.35)")
    print(f"(b)/(c) p50 = {pct(warm, 50) / pct(plain, 50):.2f}  (target ≤ 1.05: server overhead)")
    print(f"(b) p50 = {pct(warm, 50):.0f} ms  (target ≤ 200 ms)")
    print(
        f"guided (b) / unguided (b): p50 {pct(figures['gb'], 50) / pct(warm, 50):.2f} (target ≤ 1.10), "
        f"p95 {pct(figures['gb'], 95) / pct(warm, 95):.2f}"
    )


if __name__ == "__main__":
    asyncio.run(main())
