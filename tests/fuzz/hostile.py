"""What a hostile or broken client sends, drawn from a seeded ``random.Random``.

Each draw is a :class:`Batch`: the bytes to write and what JSON-RPC then owes the client — one
response per request id, and one ``id: null`` error per frame no id can be read from.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

GOOD_URI = "file:///tmp/ghostwise-fuzz/good.py"
GOOD_TEXT = "def add(a, b):\n    return "
INLINE = "textDocument/inlineCompletion"
CODE = [
    "import os\n\ndef list_py(folder):\n    return [n for n in os.listdir(folder) if n.",
    "class Point:\n    def __init__(self, x, y):\n        self.x = x\n        self.",
    "def area(r):\n    import math\n    return math.",
    "values = {'a': 1}\nfor key, value in values.",
    "",
]
HOSTILE_URIS = [
    "file:///tmp/ghostwise-fuzz/a%00b.py",
    "file:///dev/zero",
    "file:///proc/self/mem",
    "file:///etc/shadow",
    "file:///tmp/ghostwise-fuzz/" + "d/" * 2000 + "deep.py",
    "file:///tmp/ghostwise-fuzz/%ZZ%.py",
    "file:///tmp/ghostwise-fuzz/caf\u00e9 \U0001f600.py",
    "file:///tmp/ghostwise-fuzz/\ud800.py",
    "untitled:Untitled-1",
    "http://example.com/x.py",
    "",
    "::::",
    "file://",
    "file:///",
]
SURROGATE_TEXTS = [
    "name = 'caf\udce9'\nprint(",
    "x = '\ud800'\ny = x.",
    "\udfff" * 50,
    "a\ud83d\ude00b = 1\na",
]
INVALID_SETTINGS: list[Any] = [
    {"maxTokens": -5, "nCtx": "big", "debounceMs": None},
    {"guided": 3, "devData": "everything", "logLevel": 17},
    {"ghostwise": {"maxMs": [1, 2], "minChars": {"a": 1}, "trigger": "sometimes"}},
    {"languages": "python", "files": [1, 2, 3], "snoozeMinutes": -1},
    {"model": 42, "threads": "many", "nBatch": 2**70},
    {"guided": {"enabled": "yes", "sites": {"member": 0}, "engineBudgetMs": -1}},
    None,
    5,
    [1, 2],
    "ghostwise",
    {"completionFallback": "sometimes", "dismissAfterMs": 1e400},
]
WEIRD_VALUES: list[Any] = [None, -1, 2**31, 2**64, 1.5, "3", "", [], {}, True, "\ud800", [[[[[]]]]]]


def frame(body: bytes) -> bytes:
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def message(payload: dict[str, Any]) -> bytes:
    return frame(json.dumps({"jsonrpc": "2.0", **payload}).encode())


@dataclass
class Batch:
    """Bytes to send and what they must be answered with."""

    data: list[bytes] = field(default_factory=list)
    answers: Counter[int] = field(default_factory=Counter)  # request id -> how many responses
    null_errors: int = 0  # frames answered with "id": null
    kinds: list[str] = field(default_factory=list)

    def request(self, msg_id: int, method: str, params: Any, *, times: int = 1) -> None:
        self.data.append(message({"id": msg_id, "method": method, "params": params}))
        self.answers[msg_id] += times

    def notify(self, method: str, params: Any) -> None:
        self.data.append(message({"method": method, "params": params}))


class Hostile:
    """Draws batches; ``new_id`` gives fresh request ids (shared with the session's own requests)."""

    def __init__(self, rng: random.Random, new_id: Callable[[], int], fifo_uri: str) -> None:
        self.rng, self.new_id = rng, new_id
        self.uris = [*HOSTILE_URIS, fifo_uri]
        self.opened: dict[str, int] = {}  # uri -> version
        self.kinds: list[Callable[[Batch], None]] = [
            self.good_requests,
            self.wrong_param_types,
            self.hostile_uris,
            self.surrogates,
            self.cancel_storm,
            self.invalid_settings,
            self.malformed_frames,
            self.bad_notifications,
            self.unknown_and_odd,
            self.edits,
        ]
        self.rare: list[Callable[[Batch], None]] = [self.big_document, self.over_the_limit]

    def batch(self, size: int) -> Batch:
        batch = Batch()
        for _ in range(size):
            kind = self.rng.choice(self.rare) if self.rng.random() < 0.03 else self.rng.choice(self.kinds)
            batch.kinds.append(kind.__name__)
            kind(batch)
        return batch

    # -- helpers -------------------------------------------------------------------------------
    def open(self, batch: Batch, uri: str, text: str, language: str = "python") -> None:
        version = self.opened.get(uri, 0) + 1
        self.opened[uri] = version
        batch.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": language, "version": version, "text": text}},
        )

    def inline_params(self, uri: str, line: Any = None, character: Any = None) -> dict[str, Any]:
        r = self.rng
        return {
            "textDocument": {"uri": uri},
            "position": {
                "line": r.randint(0, 6) if line is None else line,
                "character": r.randint(0, 90) if character is None else character,
            },
            "context": {"triggerKind": r.choice([1, 2])},
        }

    # -- kinds ---------------------------------------------------------------------------------
    def good_requests(self, batch: Batch) -> None:
        uri = f"file:///tmp/ghostwise-fuzz/code{self.rng.randint(0, 3)}.py"
        if uri not in self.opened or self.rng.random() < 0.3:
            self.open(batch, uri, self.rng.choice(CODE))
        method = self.rng.choice([INLINE, INLINE, "textDocument/completion"])
        batch.request(self.new_id(), method, self.inline_params(uri))

    def wrong_param_types(self, batch: Batch) -> None:
        r = self.rng
        params: Any = self.inline_params(GOOD_URI)
        mutation = r.randrange(6)
        if mutation == 0:
            params["position"][r.choice(["line", "character"])] = r.choice(WEIRD_VALUES)
        elif mutation == 1:
            del params[r.choice(["context", "position", "textDocument"])]
        elif mutation == 2:
            params["textDocument"]["uri"] = r.choice(WEIRD_VALUES)
        elif mutation == 3:
            params["context"] = r.choice([{"triggerKind": 7}, {"triggerKind": "1"}, None, []])
        elif mutation == 4:
            params = r.choice(WEIRD_VALUES)
        else:
            params["position"] = {
                "line": r.choice([-1, 2**31, 2**31 - 1]),
                "character": r.choice([-7, 2**40]),
            }
        batch.request(self.new_id(), r.choice([INLINE, "textDocument/completion"]), params)

    def hostile_uris(self, batch: Batch) -> None:
        uri = self.rng.choice(self.uris)
        if self.rng.random() < 0.5:
            self.open(batch, uri, self.rng.choice(CODE))
        batch.request(self.new_id(), INLINE, self.inline_params(uri))
        if self.rng.random() < 0.5:
            batch.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
            self.opened.pop(uri, None)

    def surrogates(self, batch: Batch) -> None:
        uri = "file:///tmp/ghostwise-fuzz/surrogates.py"
        self.open(batch, uri, self.rng.choice(SURROGATE_TEXTS))
        batch.request(self.new_id(), INLINE, self.inline_params(uri, line=self.rng.randint(0, 2)))

    def cancel_storm(self, batch: Batch) -> None:
        uri = f"file:///tmp/ghostwise-fuzz/code{self.rng.randint(0, 3)}.py"
        if uri not in self.opened:
            self.open(batch, uri, self.rng.choice(CODE))
        ids = [self.new_id() for _ in range(self.rng.randint(3, 15))]
        for msg_id in ids:
            batch.request(msg_id, INLINE, self.inline_params(uri))
        for msg_id in self.rng.sample(ids, len(ids)):
            batch.notify("$/cancelRequest", {"id": msg_id})
        batch.notify("$/cancelRequest", {"id": self.rng.choice([987654321, "nope", None, [1]])})

    def invalid_settings(self, batch: Batch) -> None:
        batch.notify("workspace/didChangeConfiguration", {"settings": self.rng.choice(INVALID_SETTINGS)})

    def malformed_frames(self, batch: Batch) -> None:
        r = self.rng
        choice = r.randrange(8)
        if choice == 0:
            batch.data.append(frame(b'{"jsonrpc": "2.0", "id": 1, "method": "textDo'))
        elif choice == 1:
            batch.data.append(frame(r.choice([b"[]", b"[1, 2]", b'"text"', b"42", b"null", b"true"])))
        elif choice == 2:
            batch.data.append(b"Content-Type: application/vscode-jsonrpc\r\n\r\n")
        elif choice == 3:
            batch.data.append(b"Content-Length: %s\r\n\r\n" % r.choice([b"-1", b"abc", b"1e3", b""]))
        elif choice == 4:
            batch.data.append(message({"id": r.choice([None, 1.5, True, [1], {"a": 1}]), "method": INLINE}))
        elif choice == 5:
            batch.data.append(frame(b"[" * r.choice([5000, 100_000])))
        elif choice == 6:
            batch.data.append(frame(bytes(r.randrange(256) for _ in range(r.randint(1, 64))) + b"\xff"))
        else:
            batch.data.append(b"garbage line without a colon\r\n\r\n")
        batch.null_errors += 1

    def bad_notifications(self, batch: Batch) -> None:
        r = self.rng
        method = r.choice(
            ["textDocument/didOpen", "textDocument/didChange", "textDocument/didClose", "initialized"]
        )
        batch.notify(method, r.choice([*WEIRD_VALUES, {"textDocument": {"uri": 5}}, {"textDocument": {}}]))

    def unknown_and_odd(self, batch: Batch) -> None:
        r = self.rng
        choice = r.randrange(6)
        if choice == 0:
            batch.request(self.new_id(), r.choice(["textDocument/hover", "no/such", "$/weird", ""]), {})
        elif choice == 1:
            batch.notify(r.choice(["no/such", "$/weird", "$/setTrace"]), {"value": "x"})
        elif choice == 2:  # two requests with one id: each is answered
            msg_id = self.new_id()
            batch.request(msg_id, INLINE, self.inline_params(GOOD_URI))
            batch.request(msg_id, INLINE, self.inline_params(GOOD_URI))
        elif choice == 3:
            batch.data.append(message({"id": r.choice([424242, "unknown"]), "result": None}))
        elif choice == 4:
            command = r.choice(["ghostwise.accept", "ghostwise.resume", "no.such.command", 7])
            arguments: Any = r.choice([[], [123], ["not-an-id"], None, "x", [{"deep": [[[]]]}]])
            batch.request(
                self.new_id(), "workspace/executeCommand", {"command": command, "arguments": arguments}
            )
        else:
            batch.request(self.new_id(), "initialize", {"capabilities": {}})  # a second initialize

    def edits(self, batch: Batch) -> None:
        r = self.rng
        uri = f"file:///tmp/ghostwise-fuzz/code{r.randint(0, 3)}.py"
        version = self.opened.get(uri, 0) + 1
        self.opened[uri] = version
        start = {"line": r.choice([0, 1, 3, 50, -1]), "character": r.choice([0, 5, 200, -3])}
        end = {"line": r.choice([0, 2, 70]), "character": r.choice([0, 9, 999])}
        change = r.choice(
            [
                {"range": {"start": start, "end": end}, "text": r.choice(["x", "\n", "os.", "\ud800", ""])},
                {"text": r.choice(CODE)},
            ]
        )
        batch.notify(
            "textDocument/didChange",
            {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]},
        )
        batch.request(self.new_id(), INLINE, self.inline_params(uri))

    def big_document(self, batch: Batch) -> None:
        uri = "file:///tmp/ghostwise-fuzz/big.py"
        line = "value_{i} = {i} * 2  # padding padding padding padding\n"
        text = "".join(line.format(i=i) for i in range(100_000)) + GOOD_TEXT
        self.open(batch, uri, text)
        batch.request(self.new_id(), INLINE, self.inline_params(uri, line=100_001, character=11))
        batch.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
        self.opened.pop(uri, None)

    def over_the_limit(self, batch: Batch) -> None:
        limit = 64 * 1024 * 1024
        batch.data.append(b"Content-Length: %d\r\n\r\n" % (limit + 1) + b" " * (limit + 1))
        batch.null_errors += 1
