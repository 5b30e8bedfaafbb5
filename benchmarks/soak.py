"""Soak: minutes of realistic editing against one ``ghostwise --stdio`` on the default model.

Several documents (this repository's own modules) are opened, typed into key by key (a ``didChange``
and an automatic inline request per key, the previous request cancelled as editors do), paused on,
closed and reopened; every few minutes a 5 MB document is opened, typed into and closed. Printed per
minute: the server's RSS, requests answered / cancelled / errored, and the p50/p95 latency of the
answered ones; at the end the figures the targets are about.

    .venv/bin/python benchmarks/soak.py [--minutes 20] [--seed 0] [--docs 4]

Targets (issue 13): RSS after the run within 10% of RSS after 2 minutes; 0 unanswered requests;
p50 latency in the last minute within 10% of the second minute's.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.lsp.client import LanguageClient

REPO = Path(__file__).parents[1]
SOURCES = [
    *sorted((REPO / "lsp_server").glob("*.py")),
    *sorted((REPO / "completion_engine").glob("*.py")),
    *sorted((REPO / "decoding").glob("*.py")),
]
KEY_GAP_S = 0.12  # ~8 keys a second
BIG_EVERY_S = 180
CANCELLED = -32800


@dataclass
class Request:
    sent: float
    done: float | None = None
    outcome: str = "unanswered"  # answered | cancelled | errored | unanswered


@dataclass
class Doc:
    uri: str
    text: str
    version: int = 1
    open: bool = False


@dataclass
class Soak:
    client: LanguageClient
    rng: random.Random
    started: float = field(default_factory=time.monotonic)
    requests: list[Request] = field(default_factory=list)
    rss: list[tuple[float, float]] = field(default_factory=list)  # (seconds, MB)
    pending: set[asyncio.Task[None]] = field(default_factory=set)
    ids: int = 0

    # -- the client side of one keystroke ----------------------------------------------------
    def open(self, doc: Doc) -> None:
        doc.version, doc.open = 1, True
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=doc.uri, language_id="python", version=1, text=doc.text
                )
            )
        )

    def close(self, doc: Doc) -> None:
        doc.open = False
        self.client.text_document_did_close(
            types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=doc.uri))
        )

    def type_key(self, doc: Doc, line: int, col: int, key: str) -> None:
        doc.version += 1
        pos = types.Position(line=line, character=col)
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=doc.uri, version=doc.version),
                content_changes=[
                    types.TextDocumentContentChangePartial(range=types.Range(start=pos, end=pos), text=key)
                ],
            )
        )

    def ask(self, doc: Doc, line: int, col: int) -> str:
        """Send an automatic inline request; its id (to cancel it)."""
        self.ids += 1
        msg_id = f"soak-{self.ids}"
        params = types.InlineCompletionParams(
            text_document=types.TextDocumentIdentifier(uri=doc.uri),
            position=types.Position(line=line, character=col),
            context=types.InlineCompletionContext(trigger_kind=types.InlineCompletionTriggerKind.Automatic),
        )
        request = Request(sent=time.monotonic())
        self.requests.append(request)
        future = self.client.protocol.send_request_async(
            types.TEXT_DOCUMENT_INLINE_COMPLETION, params, msg_id=msg_id
        )
        task = asyncio.ensure_future(self._settle(future, request))
        self.pending.add(task)
        task.add_done_callback(self.pending.discard)
        return msg_id

    def cancel(self, msg_id: str) -> None:
        self.client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id=msg_id))

    async def _settle(self, future: Any, request: Request) -> None:
        try:
            await future
            request.outcome = "answered"
        except JsonRpcException as e:
            request.outcome = "cancelled" if e.code == CANCELLED else "errored"
        except asyncio.CancelledError:
            request.outcome = "cancelled"
        request.done = time.monotonic()

    # -- editing ---------------------------------------------------------------------------------
    async def type_line(self, doc: Doc, *, max_keys: int = 24) -> None:
        """Retype the tail of a random code line of ``doc``, asking at every key; then pause."""
        lines = doc.text.split("\n")
        candidates = [i for i, s in enumerate(lines) if len(s.strip()) > 12 and not s.strip().startswith("#")]
        if not candidates:
            return
        line = self.rng.choice(candidates)
        body = lines[line]
        cut = len(body) - len(body.lstrip()) + self.rng.randint(2, max(2, len(body.strip()) // 2))
        tail = body[cut:][:max_keys]
        lines[line] = body[:cut] + body[cut + len(tail) :]
        doc.text = "\n".join(lines)
        if not doc.open:
            self.open(doc)
        else:  # put the shortened line in place
            doc.version += 1
            self.client.text_document_did_change(
                types.DidChangeTextDocumentParams(
                    text_document=types.VersionedTextDocumentIdentifier(uri=doc.uri, version=doc.version),
                    content_changes=[types.TextDocumentContentChangeWholeDocument(text=doc.text)],
                )
            )
        previous: str | None = None
        col = cut
        for key in tail:
            self.type_key(doc, line, col, key)
            col += 1
            if previous is not None and self.rng.random() < 0.7:  # editors cancel what is outdated
                self.cancel(previous)
            previous = self.ask(doc, line, col)
            await asyncio.sleep(KEY_GAP_S * self.rng.uniform(0.5, 1.8))
        lines[line] = body
        doc.text = "\n".join(lines)
        await asyncio.sleep(self.rng.uniform(0.5, 2.0))  # reading the suggestion

    async def sample_rss(self, pid: int) -> None:
        while True:
            self.rss.append((time.monotonic() - self.started, rss_mb(pid)))
            await asyncio.sleep(5)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def big_document() -> str:
    line = "value_{i} = compute({i}) * 2  # padding padding padding padding\n"
    return "def compute(x):\n    return x * 3\n\n" + "".join(line.format(i=i) for i in range(85_000))


def pct(values: list[float], q: int) -> float:
    if not values:
        return float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def minute_table(soak: Soak, minutes: int) -> list[dict[str, float]]:
    rows = []
    for m in range(minutes):
        lo, hi = soak.started + 60 * m, soak.started + 60 * (m + 1)
        mine = [r for r in soak.requests if lo <= r.sent < hi]
        latencies = [1000 * (r.done - r.sent) for r in mine if r.outcome == "answered" and r.done is not None]
        rss = [mb for t, mb in soak.rss if 60 * m <= t < 60 * (m + 1)]
        rows.append(
            {
                "minute": m + 1,
                "rss": rss[-1] if rss else float("nan"),
                "answered": sum(r.outcome == "answered" for r in mine),
                "cancelled": sum(r.outcome == "cancelled" for r in mine),
                "errored": sum(r.outcome == "errored" for r in mine),
                "p50": pct(latencies, 50),
                "p95": pct(latencies, 95),
            }
        )
    return rows


async def run(minutes: float, seed: int, n_docs: int) -> int:
    rng = random.Random(seed)
    data_dir = tempfile.mkdtemp(prefix="ghostwise-soak-")
    client = LanguageClient("ghostwise-soak", "1")
    ready = asyncio.Event()

    @client.feature("ghostwise/status")
    def _status(params: Any) -> None:
        if getattr(params, "state", "") in ("ready", "error"):
            ready.set()

    await client.start_io(
        sys.executable,
        "-m",
        "lsp_server",
        "--stdio",
        "--log-level",
        "error",
        env={**os.environ, "GHOSTWISE_DATA_DIR": data_dir},
    )
    assert client._server is not None
    pid = client._server.pid
    caps = types.ClientCapabilities(
        text_document=types.TextDocumentClientCapabilities(
            inline_completion=types.InlineCompletionClientCapabilities()
        )
    )
    await client.initialize_async(types.InitializeParams(capabilities=caps))
    client.initialized(types.InitializedParams())
    await asyncio.wait_for(ready.wait(), 600)

    soak = Soak(client, rng)
    sampler = asyncio.create_task(soak.sample_rss(pid))
    docs = [Doc(uri=p.as_uri(), text=p.read_text()) for p in rng.sample(SOURCES, n_docs)]
    big = Doc(uri="file:///tmp/ghostwise-soak/big.py", text=big_document())
    deadline = soak.started + 60 * minutes
    next_big = soak.started + 60
    print(f"soak: {minutes:g} min, seed {seed}, {n_docs} documents, server pid {pid}", flush=True)
    while time.monotonic() < deadline:
        if time.monotonic() >= next_big:
            await soak.type_line(big, max_keys=10)
            soak.close(big)
            next_big += BIG_EVERY_S
            continue
        doc = rng.choice(docs)
        await soak.type_line(doc)
        if rng.random() < 0.15:
            soak.close(doc)
    outstanding = list(soak.pending)
    if outstanding:
        await asyncio.wait(outstanding, timeout=60)
    end_rss = rss_mb(pid)
    sampler.cancel()
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return report(soak, int(minutes) if minutes >= 1 else 1, end_rss)


def report(soak: Soak, minutes: int, end_rss: float) -> int:
    rows = minute_table(soak, minutes)
    print(
        f"{'min':>4} {'RSS MB':>8} {'answered':>9} {'cancelled':>10} {'errored':>8} "
        f"{'p50 ms':>8} {'p95 ms':>8}"
    )
    for row in rows:
        print(
            f"{row['minute']:>4} {row['rss']:>8.1f} {row['answered']:>9.0f} {row['cancelled']:>10.0f} "
            f"{row['errored']:>8.0f} {row['p50']:>8.0f} {row['p95']:>8.0f}"
        )
    unanswered = sum(r.outcome == "unanswered" for r in soak.requests)
    errored = sum(r.outcome == "errored" for r in soak.requests)
    print(f"requests: {len(soak.requests)}, unanswered {unanswered}, errored {errored}")
    failures = 0
    if minutes >= 3:
        at_2 = rows[1]["rss"]
        ratio = end_rss / at_2
        print(f"RSS: {at_2:.1f} MB after 2 min, {end_rss:.1f} MB at the end: x{ratio:.3f} (target <= 1.10)")
        failures += ratio > 1.10
        second, last = rows[1]["p50"], rows[-1]["p50"]
        print(
            f"p50 latency: {second:.0f} ms in minute 2, {last:.0f} ms in the last: "
            f"x{last / second:.3f} (target <= 1.10)"
        )
        failures += last / second > 1.10
    failures += unanswered > 0
    print("targets met" if failures == 0 else f"{failures} target(s) missed")
    return 0 if failures == 0 else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=20)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--docs", type=int, default=4)
    args = parser.parse_args()
    return asyncio.run(run(args.minutes, args.seed, args.docs))


if __name__ == "__main__":
    sys.exit(main())
