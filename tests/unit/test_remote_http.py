"""The HTTP layer of the remote runtimes against a scripted loopback server (no model): URLs, errors
named clearly, the backoff after a failure to connect, server-sent events, whole or broken; and the
OpenAI-compatible completer's fall-back to prefix-only prompts on a server that refuses ``suffix``
(llama-server takes it: the real-server tests cannot show this path)."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from completion_engine import Document
from decoding.openai_completer import OpenAICompleter, OpenAIModel
from decoding.remote_http import Client, Endpoint, RemoteError, Unreachable
from decoding.settings import GenerationSettings, ModelSettings
from tests.remote.llama_server import free_port

ANSWERS: dict[str, tuple[int, str, bytes]] = {
    "/json": (200, "application/json", b'{"ok": true}'),
    "/html": (200, "text/html", b"<html>hello</html>"),
    "/locked": (401, "application/json", b'{"error": {"code": 401, "message": "Invalid API Key"}}'),
    "/events": (200, "text/event-stream", b'data: {"n": 1}\n\ndata: {"n": 2, "stop": true}\n\n'),
    "/oai": (200, "text/event-stream", b'data: {"n": 1}\n\ndata: [DONE]\n\n'),
    "/cut": (200, "text/event-stream", b'data: {"n": 1}\n\n'),
    "/garbage": (200, "text/event-stream", b'data: {"n": 1}\n\ndata: {"n": \n\n'),
    "/failed": (200, "text/event-stream", b'data: {"n": 1}\n\nerror: {"message": "slot busy"}\n\n'),
    "/v1/models": (200, "application/json", b'{"data": [{"id": "coder-1.5b"}]}'),
    "/v1/completions": (
        200,
        "text/event-stream",
        (
            b'data: {"choices": [{"text": "side *"}]}\n\ndata: {"choices": [{"text": " side\\nprint"}]}\n\n'
            b"data: [DONE]\n\n"
        ),
    ),
}
REFUSED = (400, "application/json", b'{"error": {"code": 400, "message": "Unsupported param: suffix"}}')
SEEN: list[dict[str, object]] = []


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            status, kind, body = ANSWERS[self.path]
            if self.command == "POST":
                sent = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                SEEN.append(sent)
                if "suffix" in sent:
                    status, kind, body = REFUSED
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.end_headers()
            self.wfile.write(body)

        do_POST = do_GET

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def client(url: str, timeout_ms: int = 2000) -> Client:
    return Client(Endpoint.parse(url), api_key="k", timeout_ms=timeout_ms)


def test_endpoints() -> None:
    e = Endpoint.parse("https://gpu-box.example:8443/v1/")
    assert (e.scheme, e.host, e.port, e.base, e.label) == (
        "https",
        "gpu-box.example",
        8443,
        "/v1",
        "gpu-box.example:8443",
    )
    assert not e.loopback and not e.plain_remote
    assert Endpoint.parse("http://10.0.0.5:8080").plain_remote
    assert not Endpoint.parse("http://localhost:8080").plain_remote
    assert not Endpoint.parse("http://[::1]:8080").plain_remote
    for bad in ("gpu-box:8080", "ftp://x", "http://x:port"):
        with pytest.raises(RemoteError):
            Endpoint.parse(bad)


def test_json_and_clear_errors(server: str) -> None:
    c = client(server)
    assert c.get("/json") == {"ok": True}
    with pytest.raises(RemoteError, match="not a llama-server"):
        c.get("/html")
    with pytest.raises(RemoteError, match=r"refused the API key \(401 Invalid API Key\): check serverApiKey"):
        c.post("/locked", {})


def test_events_whole_and_broken(server: str) -> None:
    c = client(server)
    assert [e["n"] for e in c.stream("/events", {}).events()] == [1, 2]
    assert [e["n"] for e in c.stream("/oai", {}).events()] == [1]
    for path, message in (
        ("/cut", "ended before"),
        ("/garbage", "malformed stream"),
        ("/failed", "slot busy"),
    ):
        stream = c.stream(path, {})
        with pytest.raises(RemoteError, match=message):
            list(stream.events())
        assert stream.done


def test_backoff_after_a_refused_connection() -> None:
    c = client(f"http://127.0.0.1:{free_port()}")
    with pytest.raises(Unreachable, match="is not reachable"):
        c.get("/json")
    t0 = time.monotonic()
    with pytest.raises(Unreachable, match=r"retrying in 0\.\d s"):
        c.get("/json")  # within the backoff: fails at once, no connection tried
    assert time.monotonic() - t0 < 0.1 and c.lost


def test_time_out() -> None:
    with socket.socket() as listening:  # accepts connections (the kernel does) but never answers
        listening.bind(("127.0.0.1", 0))
        listening.listen()
        c = client(f"http://127.0.0.1:{listening.getsockname()[1]}", timeout_ms=300)
        t0 = time.monotonic()
        with pytest.raises(Unreachable, match="did not answer within 300 ms"):
            c.get("/json")
        assert 0.25 < time.monotonic() - t0 < 2


def test_openai_server_refusing_suffix_gets_prefix_only_prompts(server: str) -> None:
    completer = OpenAICompleter(OpenAIModel(server + "/v1", ModelSettings(server_api_key="k")))
    assert completer.model.model == "coder-1.5b" and completer.fim
    text = "def square_area(side):\n    return "
    doc = Document(uri="file:///t.py", version=1, text=text + "\n\nprint(1)\n", cursor=len(text))
    SEEN.clear()
    suggestion = completer.complete(doc, GenerationSettings())
    assert ["suffix" in sent for sent in SEEN] == [True, False] and not completer.fim
    assert SEEN[1]["prompt"] == text and SEEN[1]["model"] == "coder-1.5b"
    assert suggestion.text == "side * side" and suggestion.stop_reason == "line" and not suggestion.stats.fim
