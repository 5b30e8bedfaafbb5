"""A tiny loopback HTTP proxy in front of a real llama-server that misbehaves on demand.

``mode``: ``pass`` forwards everything; ``slow`` holds ``/completion`` answers for ``delay_s``;
``truncate`` cuts a streamed completion after its first events; ``garbage`` sends a broken event
there instead; ``html`` answers every request with a web page, as a URL that is not a llama-server.
It listens on ``host`` (loopback by default; another of the machine's addresses stands for a remote box).
"""

from __future__ import annotations

import http.client
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_KEPT_LINES = 6  # three events (each a data line and a blank line) before a stream is cut


class Proxy:
    def __init__(self, upstream_port: int, host: str = "127.0.0.1") -> None:
        self.upstream_port = upstream_port
        self.host = host
        self.mode = "pass"
        self.delay_s = 3.0
        self.served: list[str] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                proxy.forward(self)

            def do_POST(self) -> None:
                proxy.forward(self)

        self._server = ThreadingHTTPServer((host, 0), Handler)
        self._server.daemon_threads = True
        self.port = int(self._server.server_address[1])
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def forward(self, handler: BaseHTTPRequestHandler) -> None:
        mode = self.mode
        self.served.append(f"{mode} {handler.command} {handler.path}")
        body = handler.rfile.read(int(handler.headers.get("Content-Length") or 0))
        if mode == "html":
            page = b"<html><body>Welcome to nginx!</body></html>"
            handler.send_response(200)
            handler.send_header("Content-Type", "text/html")
            handler.send_header("Content-Length", str(len(page)))
            handler.end_headers()
            handler.wfile.write(page)
            return
        completion = handler.path.startswith("/completion")
        if mode == "slow" and completion:
            time.sleep(self.delay_s)
        upstream = http.client.HTTPConnection("127.0.0.1", self.upstream_port, timeout=30)
        headers = {k: v for k, v in handler.headers.items() if k.lower() not in ("host", "connection")}
        upstream.request(handler.command, handler.path, body or None, headers)
        answer = upstream.getresponse()
        handler.send_response(answer.status)
        for key, value in answer.getheaders():
            if key.lower() not in ("content-length", "transfer-encoding", "connection", "keep-alive"):
                handler.send_header(key, value)
        handler.send_header("Connection", "close")
        handler.end_headers()
        streamed = completion and b'"stream": true' in body
        lines = 0
        while line := answer.readline():
            if streamed and mode in ("truncate", "garbage") and lines == _KEPT_LINES:
                if mode == "garbage":
                    handler.wfile.write(b'data: {"content": "x", "completion_probabil\n\n')
                break
            handler.wfile.write(line)
            handler.wfile.flush()
            lines += 1
        upstream.close()
