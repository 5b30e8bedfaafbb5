"""Typing replay: real function bodies typed key by key into the real server over stdio.

From the ``.py`` files of a library installed in this venv (``--library``, default ``parso``) it takes
``--bodies`` function bodies (seeded), opens each file with the body removed and types the body at a
seeded human rhythm (~8 chars/s, a pause at each line end, a longer one every few lines; Enter inserts
the next line's indentation, as an editor's auto-indent does). Each key is one ``didChange`` and one
``textDocument/inlineCompletion`` request, as VS Code sends them; a request not answered before the next
key is cancelled (``$/cancelRequest``), as VS Code does. The simulated user accepts a shown ghost text
when it is what they are about to type: whole (one Tab), else word by word as far as it matches (VS
Code's partial accept, one key per word), and goes on typing after it.

Every configuration is a server of its own; they take turns body by body, so machine noise falls on all
alike. Configurations: every feature off, each feature alone (``--features``), all on; each unguided and
guided (``--modes``). The figures, per configuration:

- accepted characters / typed characters (characters of the bodies that came from accepted ghost text);
- share of the ghost texts shown that were served without a model call of their own (the server's
  ``ghostwise/counters``: from the cache, or by adopting a generation already running);
- time from a pause (the last key before it) to ghost text, p50/p95 over the pauses (a pause without
  ghost text counts as never: ``∞``);
- model tokens evaluated per key (prompt tokens not reused from the KV cache plus generated ones);
- requests cancelled: by the client (not answered before the next key) and generations the server
  stopped early;
- identifier match of the shown ghost texts: their first identifier is that of what the user was about
  to type (``ghostwise bench``'s metric).

    .venv/bin/python benchmarks/typing.py [--bodies 30] [--seed 0] [--features cache,debounce,speculative]
        [--modes unguided,guided] [--no-each] [--skip 0] [--json out.json] [--nctx 4096]
    .venv/bin/python benchmarks/typing.py --merge part1.json part2.json
"""

from __future__ import annotations

import argparse
import ast
import asyncio
import contextlib
import importlib.util
import json
import math
import random
import re
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.lsp.client import LanguageClient

from lsp_server.bench.metrics import first_identifier

# Each feature as the settings that turn it on; "off" turns all of them off.
FEATURES: dict[str, dict[str, Any]] = {
    "cache": {"typing": {"cache": True}},
    "debounce": {"typing": {"adaptiveDebounce": True}},
    "speculative": {"typing": {"speculative": True}},
}
OFF: dict[str, Any] = {"typing": {"cache": False, "adaptiveDebounce": False, "speculative": False}}
# one llama.cpp thread, as in the tests: the server shares two cores with Jedi and this client
BASE = {"devData": "off", "logLevel": "error", "maxMs": 1500, "threads": 1}
CHARS_PER_S = 8.0
LOG_LEVEL = "error"
_WORD = re.compile(r"\s*(\w+|[^\w\s]+)|\s+")


@dataclass(frozen=True, slots=True)
class Body:
    """A function body removed from ``path``: ``text`` (typed after ``cursor``'s indentation)."""

    path: Path
    document: str  # the file with the body replaced by its first line's indentation
    line: int
    col: int
    text: str


def bodies(library: str, n: int, seed: int, max_chars: int) -> list[Body]:
    """``n`` function bodies (1-6 lines, at most ``max_chars``, no nested blocks) of ``library``."""
    spec = importlib.util.find_spec(library)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"{library} is not an installed package")
    found: list[Body] = []
    for path in sorted(Path(next(iter(spec.submodule_search_locations))).rglob("*.py")):
        source = path.read_text(encoding="utf-8", errors="replace")
        if "\t" in source:
            continue
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        lines = source.split("\n")
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and (body := _body(node, lines)):
                first, last = body
                text = "\n".join(lines[first : last + 1])
                indent = len(lines[first]) - len(lines[first].lstrip())
                if not 20 <= len(text) - indent <= max_chars or not text.isascii():
                    continue
                document = "\n".join([*lines[:first], " " * indent, *lines[last + 1 :]])
                found.append(Body(path, document, first, indent, text[indent:]))
    random.Random(seed).shuffle(found)
    return found[:n]


def _body(node: ast.FunctionDef | ast.AsyncFunctionDef, lines: list[str]) -> tuple[int, int] | None:
    """0-based first and last lines of the statements after the docstring (simple statements only)."""
    statements = node.body
    if statements and isinstance(statements[0], ast.Expr) and isinstance(statements[0].value, ast.Constant):
        statements = statements[1:]
    if not statements or not 1 <= len(statements) <= 6:
        return None
    if any(isinstance(s, ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef) for s in statements):
        return None
    first, last = statements[0].lineno - 1, (statements[-1].end_lineno or statements[-1].lineno) - 1
    if statements[0].col_offset != len(lines[first]) - len(lines[first].lstrip()):
        return None  # a body on the def's own line
    if any(not lines[i].strip() or lines[i].lstrip().startswith("#") for i in range(first, last + 1)):
        return None
    return first, last


@dataclass(slots=True)
class Figures:
    """What one configuration's replay measured, summed over bodies."""

    typed_chars: int = 0  # characters of the bodies
    accepted_chars: int = 0
    keys: int = 0
    shown: int = 0
    shown_without_model: int = 0
    shown_from_cache: int = 0
    shown_from_stream: int = 0
    identifier_matches: int = 0
    pause_ms: list[float] = field(default_factory=list)  # inf: no ghost text during the pause
    client_cancels: int = 0
    counters: dict[str, int] = field(default_factory=dict)


class Session:
    """One server with one configuration, and the simulated user typing into it."""

    def __init__(self, name: str, options: dict[str, Any]) -> None:
        self.name, self.options = name, options
        self.client = LanguageClient("ghostwise-typing", "1")
        self.ready = asyncio.Event()
        self.figures = Figures()
        self.version = 0

        @self.client.feature("ghostwise/status")
        def _status(params: Any) -> None:
            if getattr(params, "state", "") in ("ready", "error"):
                self.ready.set()

    async def start(self) -> None:
        await self.client.start_io(sys.executable, "-m", "lsp_server", "--stdio", "--log-level", LOG_LEVEL)
        caps = types.ClientCapabilities(
            text_document=types.TextDocumentClientCapabilities(
                inline_completion=types.InlineCompletionClientCapabilities()
            )
        )
        await self.client.initialize_async(
            types.InitializeParams(capabilities=caps, initialization_options=self.options)
        )
        self.client.initialized(types.InitializedParams())
        await asyncio.wait_for(self.ready.wait(), 600)

    async def counters(self) -> dict[str, Any]:
        result: Any = await self.client.protocol.send_request_async("ghostwise/counters", None)
        return dict(result) if isinstance(result, dict) else dict(result._asdict())

    def edit(self, uri: str, line: int, col: int, text: str) -> None:
        self.version += 1
        at = types.Position(line=line, character=col)
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=self.version),
                content_changes=[
                    types.TextDocumentContentChangePartial(range=types.Range(start=at, end=at), text=text)
                ],
            )
        )

    def request(self, uri: str, line: int, col: int) -> tuple[str, asyncio.Future[Any]]:
        msg_id = f"r{self.version}-{time.monotonic_ns()}"
        params = types.InlineCompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=line, character=col),
            context=types.InlineCompletionContext(trigger_kind=types.InlineCompletionTriggerKind.Automatic),
        )
        future = self.client.protocol.send_request(
            types.TEXT_DOCUMENT_INLINE_COMPLETION, params, msg_id=msg_id
        )
        return msg_id, asyncio.wrap_future(future)

    async def replay(self, body: Body, rng: random.Random, index: int) -> None:
        """Type ``body`` into a fresh document, accepting ghost text that matches."""
        uri = f"file://{body.path.parent}/typing_{index}_{body.path.name}"
        self.version = 1
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=uri, language_id="python", version=1, text=body.document
                )
            )
        )
        target, pos, line, col = body.text, 0, body.line, body.col
        # the user reads the file before typing: its first prompt is evaluated and its ghost text shown
        # (the same in every configuration; not measured)
        ghost = ""
        with contextlib.suppress(JsonRpcException):
            ghost, _ = _ghost(await self.request(uri, line, col)[1])
        before = await self.counters()
        fig = self.figures
        fig.typed_chars += len(body.text)
        lines_done = 0
        pending: tuple[str, asyncio.Future[Any]] | None = None
        wait = 0.0
        while pos < len(target):
            if pending is not None:
                ghost = await self._wait_ghost(pending, wait, pause=wait > 0.5, rest=target[pos:])
            chunk, accepted = _next_chunk(target, pos, ghost)
            fig.accepted_chars += len(chunk) if accepted else 0
            fig.keys += 1
            self.edit(uri, line, col, chunk)
            pos += len(chunk)
            if "\n" in chunk:
                line += chunk.count("\n")
                col = len(chunk) - chunk.rfind("\n") - 1
                lines_done += chunk.count("\n")
            else:
                col += len(chunk)
            pending = self.request(uri, line, col)
            at_line_end = pos < len(target) and target[pos] == "\n"
            if at_line_end:
                wait = _pause(rng, long=lines_done > 0 and rng.random() < 0.3)
            else:
                wait = max(0.04, rng.gauss(1 / CHARS_PER_S, 0.04))
        if pending is not None:
            self._cancel(pending)
        after = await self.counters()
        for key, value in after.items():
            if isinstance(value, int):
                fig.counters[key] = fig.counters.get(key, 0) + value - before[key]
        self.client.text_document_did_close(
            types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
        )

    async def _wait_ghost(
        self, pending: tuple[str, asyncio.Future[Any]], wait_s: float, *, pause: bool, rest: str
    ) -> str:
        """The ghost text shown within ``wait_s`` of the key ('' for none: then the request is cancelled)."""
        future = pending[1]
        t0 = time.perf_counter()
        done, _ = await asyncio.wait([future], timeout=wait_s)
        arrived_ms = (time.perf_counter() - t0) * 1000
        ghost, suggestion_id = "", ""
        if not done:
            self._cancel(pending)
        else:
            with contextlib.suppress(JsonRpcException):
                ghost, suggestion_id = _ghost(future.result())
        if pause:
            self.figures.pause_ms.append(arrived_ms if ghost else float("inf"))
        if ghost:
            await self._shown(ghost, suggestion_id, rest)
        if (left := wait_s - (time.perf_counter() - t0)) > 0:
            await asyncio.sleep(left)
        return ghost

    def _cancel(self, pending: tuple[str, asyncio.Future[Any]]) -> None:
        """Cancel a request that is still unanswered, as VS Code does when the next key comes."""
        msg_id, future = pending
        if not future.done():
            self.client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id=msg_id))
            self.figures.client_cancels += 1
            future.add_done_callback(lambda f: f.cancelled() or f.exception())

    async def _shown(self, ghost: str, suggestion_id: str, rest: str) -> None:
        """Count a shown ghost text and how the server served that very suggestion (its id is the accept
        command's argument)."""
        fig = self.figures
        fig.shown += 1
        fig.identifier_matches += first_identifier(ghost) == first_identifier(rest)
        source = {sid: src for sid, src in (await self.counters())["sources"]}.get(suggestion_id)
        fig.shown_from_cache += source == "cache"
        fig.shown_from_stream += source == "stream"
        fig.shown_without_model += source in ("cache", "stream")


def _ghost(result: object) -> tuple[str, str]:
    """The text of an inline completion answer and its suggestion id, the accept command's argument
    ('' for none)."""
    items = result.items if isinstance(result, types.InlineCompletionList) else []
    if not items or not isinstance(items[0].insert_text, str):
        return "", ""
    command = items[0].command
    return items[0].insert_text, str(
        command.arguments[0]
    ) if command is not None and command.arguments else ""


def _pause(rng: random.Random, *, long: bool) -> float:
    return rng.uniform(1.5, 2.5) if long else rng.uniform(0.6, 1.2)


def _next_chunk(target: str, pos: int, ghost: str) -> tuple[str, bool]:
    """What the next key inserts, and whether it accepts ghost text: the whole ghost text when it is what
    comes next, else its first word when that is; otherwise one typed character (Enter with the next
    line's indentation)."""
    rest = target[pos:]
    if ghost and rest.startswith(ghost) and ghost.strip():
        return ghost, True
    word = _WORD.match(ghost) if ghost else None
    if word and word.group().strip() and rest.startswith(word.group()):
        return word.group(), True
    if rest[0] == "\n":
        indent = len(rest[1:]) - len(rest[1:].lstrip(" "))
        return "\n" + " " * indent, False
    return rest[0], False


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def row(name: str, fig: Figures) -> dict[str, Any]:
    counters = fig.counters
    return {
        "config": name,
        "accepted_per_typed": fig.accepted_chars / max(1, fig.typed_chars),
        "shown": fig.shown,
        "without_model_share": fig.shown_without_model / max(1, fig.shown),
        "from_cache": fig.shown_from_cache,
        "from_stream": fig.shown_from_stream,
        "pause_to_ghost_p50_ms": pct(fig.pause_ms, 50),
        "pause_to_ghost_p95_ms": pct(fig.pause_ms, 95),
        "pauses": len(fig.pause_ms),
        "tokens_per_key": counters.get("evaluated_tokens", 0) / max(1, fig.keys),
        "keys": fig.keys,
        "client_cancels": fig.client_cancels,
        "server_cancelled_runs": counters.get("cancelled_runs", 0),
        "identifier_match": fig.identifier_matches / max(1, fig.shown),
        "counters": counters,
    }


def _ms(value: float) -> str:
    return "∞" if value == float("inf") else ("—" if math.isnan(value) else f"{value:.0f}")


def table(rows: list[dict[str, Any]]) -> str:
    head = (
        "| configuration | accepted / typed | ghost texts | without a model call (cache + stream) "
        "| pause → ghost p50 / p95 ms | tokens / key | cancelled (client / server runs) | identifier match |"
    )
    lines = [head, "|" + " --- |" * 8]
    for r in rows:
        lines.append(
            f"| {r['config']} | {r['accepted_per_typed']:.1%} | {r['shown']} "
            f"| {r['without_model_share']:.1%} ({r['from_cache']} + {r['from_stream']}) "
            f"| {_ms(r['pause_to_ghost_p50_ms'])} / {_ms(r['pause_to_ghost_p95_ms'])} "
            f"| {r['tokens_per_key']:.1f} | {r['client_cancels']} / {r['server_cancelled_runs']} "
            f"| {r['identifier_match']:.1%} |"
        )
    return "\n".join(lines)


def merge(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """Runs in parts (``--skip``), summed: the same configurations, their figures added up."""
    figures: dict[str, Figures] = {}
    for part in parts:
        for name, raw in part["figures"].items():
            fig = figures.setdefault(name, Figures())
            for key, value in raw.items():
                if key == "counters":
                    for counter, n in value.items():
                        fig.counters[counter] = fig.counters.get(counter, 0) + n
                else:
                    setattr(fig, key, getattr(fig, key) + value)
    return {
        "library": parts[0]["library"],
        "bodies": sum(p["bodies"] for p in parts),
        "chars": sum(p["chars"] for p in parts),
        "figures": figures,
    }


def configurations(features: list[str], modes: list[str], *, each: bool = True) -> dict[str, dict[str, Any]]:
    """Server options per configuration name: off, each feature alone (``each``), all on; per mode."""
    sets: dict[str, list[str]] = {"off": []}
    if each and len(features) > 1:
        sets.update({f: [f] for f in features})
    sets["all on" if len(features) > 1 else features[0]] = features
    out: dict[str, dict[str, Any]] = {}
    for mode in modes:
        for name, on in sets.items():
            options: dict[str, Any] = {**BASE, "guided": {"enabled": mode == "guided"}}
            for group, values in OFF.items():
                options[group] = dict(values)
            for feature in on:
                for group, values in FEATURES[feature].items():
                    options[group] = {**options.get(group, {}), **values}
            out[f"{mode}: {name}"] = options
    return out


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--library", default="parso")
    parser.add_argument("--bodies", type=int, default=30)
    parser.add_argument("--skip", type=int, default=0, help="start after this many bodies (to run in parts)")
    parser.add_argument("--max-chars", type=int, default=140)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--nctx", type=int, default=4096, help="the servers' nCtx (a smaller one loads faster)"
    )
    parser.add_argument("--features", default=",".join(FEATURES))
    parser.add_argument("--modes", default="unguided,guided")
    parser.add_argument("--no-each", action="store_true", help="only every feature off and all on")
    parser.add_argument("--json", type=Path, help="also write each configuration's raw figures here")
    parser.add_argument("--merge", type=Path, nargs="+", help="print the table of these --json files summed")
    args = parser.parse_args()
    if args.merge:
        merged = merge([json.loads(p.read_text()) for p in args.merge])
        print(f"{merged['bodies']} bodies of {merged['library']}, {merged['chars']} characters")
        print(table([row(name, fig) for name, fig in merged["figures"].items()]))
        return
    chosen = bodies(args.library, args.skip + args.bodies, args.seed, args.max_chars)[args.skip :]
    configs = configurations(args.features.split(","), args.modes.split(","), each=not args.no_each)
    sessions = [Session(name, {**options, "nCtx": args.nctx}) for name, options in configs.items()]
    for session in sessions:
        await session.start()
    started = time.perf_counter()
    for i, body in enumerate(chosen):
        for session in sessions:
            await session.replay(body, random.Random(args.seed * 1000 + i), args.skip + i)
        if args.json:  # after every body: a run stopped early keeps what it measured (--merge prints it)
            done = chosen[: i + 1]
            dump = {"library": args.library, "bodies": len(done), "chars": sum(len(b.text) for b in done)}
            dump["figures"] = {s.name: asdict(s.figures) for s in sessions}
            args.json.write_text(json.dumps(dump, indent=1))
        elapsed = time.perf_counter() - started
        print(f"body {i + 1}/{len(chosen)} {body.path.name}:{body.line + 1} {elapsed:.0f} s", file=sys.stderr)
    rows = [row(s.name, s.figures) for s in sessions]
    for session in sessions:
        await session.client.shutdown_async(None)
        session.client.exit(None)
        await session.client.stop()
    chars = sum(len(b.text) for b in chosen)
    print(f"{len(chosen)} bodies of {args.library}, {chars} characters, seed {args.seed}, nCtx {args.nctx}")
    print(table(rows))


if __name__ == "__main__":
    asyncio.run(main())
