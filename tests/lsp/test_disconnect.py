"""A client that disconnects mid-request: the server neither hangs nor dies with a traceback."""

from __future__ import annotations

import json
import subprocess
import time

from tests.lsp.session import SERVER


def frame(message: dict[str, object]) -> bytes:
    body = json.dumps(message).encode()
    return f"Content-Length: {len(body)}\r\n\r\n".encode() + body


def test_disconnect_while_a_generation_runs() -> None:
    server = subprocess.Popen(SERVER, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert server.stdin is not None
    uri = "file:///tmp/ghostwise-test/disconnect.py"
    server.stdin.write(
        frame(
            {
                "jsonrpc": "2.0",
                "id": 1,
                "method": "initialize",
                "params": {
                    "capabilities": {"textDocument": {"inlineCompletion": {}}},
                    "initializationOptions": {"threads": 1},
                },
            }
        )
    )
    server.stdin.write(frame({"jsonrpc": "2.0", "method": "initialized", "params": {}}))
    server.stdin.write(
        frame(
            {
                "jsonrpc": "2.0",
                "method": "textDocument/didOpen",
                "params": {
                    "textDocument": {
                        "uri": uri,
                        "languageId": "python",
                        "version": 1,
                        "text": "class Matrix:\n    def __init__(self):\n        ",
                    }
                },
            }
        )
    )
    server.stdin.flush()
    time.sleep(8)  # the model has loaded by now; the request below starts a generation
    server.stdin.write(
        frame(
            {
                "jsonrpc": "2.0",
                "id": 2,
                "method": "textDocument/inlineCompletion",
                "params": {
                    "textDocument": {"uri": uri},
                    "position": {"line": 2, "character": 8},
                    "context": {"triggerKind": 1},
                },
            }
        )
    )
    server.stdin.flush()
    time.sleep(0.5)
    server.stdin.close()  # the client goes away mid-request
    try:
        server.wait(timeout=60)
    finally:
        server.kill()
    stderr = server.stderr.read().decode() if server.stderr else ""
    assert "Traceback" not in stderr, stderr[-2000:]
