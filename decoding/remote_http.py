"""HTTP to a llama-server (stdlib only): JSON requests, server-sent event streams, clear errors, backoff.

Every failure becomes a :class:`RemoteError` whose message names the server and what went wrong (not
reachable, time-out, 401, not a llama-server, a malformed or truncated stream). After a failure to
reach the server, requests fail at once until a backoff delay has passed (doubling up to
``_MAX_BACKOFF_S``), so a dead server costs no time per keystroke; the first success resets it.
"""

from __future__ import annotations

import http.client
import ipaddress
import json
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from decoding.model_source import ModelError

_FIRST_BACKOFF_S = 0.5
_MAX_BACKOFF_S = 8.0


class RemoteError(ModelError):
    """The model server cannot be reached, refused the request, or answered something unusable."""


class Unreachable(RemoteError):
    """No answer from the server (refused, reset, timed out): retried after a backoff delay."""


@dataclass(frozen=True, slots=True)
class Endpoint:
    """Where the server is: ``http(s)://HOST:PORT[/base]``."""

    scheme: str
    host: str
    port: int
    base: str

    @classmethod
    def parse(cls, url: str) -> Endpoint:
        parts = urlsplit(url.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise RemoteError(f"expected a server URL like http://HOST:PORT, got {url!r}")
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError as e:
            raise RemoteError(f"bad port in server URL {url!r}: {e}") from e
        return cls(parts.scheme, parts.hostname, port, parts.path.rstrip("/"))

    @property
    def label(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def loopback(self) -> bool:
        if self.host == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False

    @property
    def plain_remote(self) -> bool:
        """Plain http to another machine: code would cross the network unencrypted."""
        return self.scheme == "http" and not self.loopback


class Client:
    """JSON over one keep-alive connection; each stream gets a connection of its own (closed to stop it)."""

    def __init__(self, endpoint: Endpoint, *, api_key: str, timeout_ms: int) -> None:
        self.endpoint = endpoint
        self._headers = {"Content-Type": "application/json"}
        if api_key:
            self._headers["Authorization"] = f"Bearer {api_key}"
        self._timeout_s = timeout_ms / 1000
        self._conn: http.client.HTTPConnection | None = None
        self._backoff_s = 0.0
        self._retry_at = 0.0
        self.lost = False  # the connection broke or was refused since the caller last cleared this

    def get(self, path: str) -> Any:
        return self._json("GET", path, None)

    def post(self, path: str, body: dict[str, Any]) -> Any:
        return self._json("POST", path, body)

    def stream(self, path: str, body: dict[str, Any]) -> Stream:
        """POST ``body`` and read the answer as server-sent events."""
        conn = self._open()
        try:
            response = self._send(conn, "POST", path, body)
        except BaseException:
            conn.close()
            raise
        return Stream(self, conn, response)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    # -- internals -------------------------------------------------------------------------------
    def _json(self, method: str, path: str, body: dict[str, Any] | None) -> Any:
        for attempt in (0, 1):  # a keep-alive connection the server closed in between: once more
            if self._conn is None:
                self._conn = self._open()
            try:
                response = self._send(self._conn, method, path, body, stale_ok=attempt == 0)
                data = response.read()
            except _Stale:
                self.close()
                self.lost = True
                continue
            except BaseException:
                self.close()
                raise
            return self.parse(data, path)
        raise AssertionError("unreachable")

    def _open(self) -> http.client.HTTPConnection:
        wait = self._retry_at - time.monotonic()
        if wait > 0:
            raise Unreachable(
                f"llama-server at {self.endpoint.label} is not reachable; retrying in {wait:.1f} s"
            )
        kind = http.client.HTTPSConnection if self.endpoint.scheme == "https" else http.client.HTTPConnection
        return kind(self.endpoint.host, self.endpoint.port, timeout=self._timeout_s)

    def _send(
        self,
        conn: http.client.HTTPConnection,
        method: str,
        path: str,
        body: dict[str, Any] | None,
        *,
        stale_ok: bool = False,
    ) -> http.client.HTTPResponse:
        payload = None if body is None else json.dumps(body).encode()
        reused = conn.sock is not None
        try:
            conn.request(method, self.endpoint.base + path, payload, self._headers)
            response = conn.getresponse()
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as e:
            if reused and stale_ok:
                raise _Stale from e
            raise self.unreachable(e) from e
        except (TimeoutError, OSError, http.client.HTTPException) as e:
            raise self.unreachable(e) from e
        self.reached()
        if response.status >= 400:
            detail = _error_message(response.read())
            if response.status == 401:
                label = self.endpoint.label
                raise RemoteError(
                    f"llama-server at {label} refused the API key (401 {detail}): check serverApiKey"
                )
            raise RemoteError(
                f"{self.endpoint.label} answered {method} {path} with {response.status}: {detail}"
            )
        return response

    def unreachable(self, e: BaseException) -> Unreachable:
        """Note a failure to reach the server (starting or doubling the backoff) and describe it."""
        self.lost = True
        self._backoff_s = min(_MAX_BACKOFF_S, self._backoff_s * 2 or _FIRST_BACKOFF_S)
        self._retry_at = time.monotonic() + self._backoff_s
        label = self.endpoint.label
        if isinstance(e, TimeoutError | socket.timeout):
            return Unreachable(
                f"llama-server at {label} did not answer within {self._timeout_s * 1000:.0f} ms"
            )
        return Unreachable(f"llama-server at {label} is not reachable ({type(e).__name__}: {e})")

    def reached(self) -> None:
        self._backoff_s = 0.0
        self._retry_at = 0.0

    def parse(self, data: bytes, what: str) -> Any:
        try:
            return json.loads(data)
        except ValueError as e:
            raise RemoteError(
                f"{self.endpoint.label} is not a llama-server: {what} did not answer JSON ({data[:60]!r})"
            ) from e


class _Stale(Exception):
    """The reused keep-alive connection was closed by the server."""


class Stream:
    """The events of one streamed completion; :meth:`close` stops the server's generation."""

    def __init__(self, client: Client, conn: http.client.HTTPConnection, response: http.client.HTTPResponse):
        self._client = client
        self._conn = conn
        self._response = response
        self.done = False

    def events(self) -> Iterator[dict[str, Any]]:
        """Each ``data:`` event as JSON, until the one with ``"stop": true``; a stream that ends before it,
        an ``error`` event or a line that is not JSON raises :class:`RemoteError`."""
        label = self._client.endpoint.label
        while not self.done:
            try:
                line = self._response.readline()
            except (TimeoutError, OSError, http.client.HTTPException) as e:
                self.close()
                raise self._client.unreachable(e) from e
            if not line:
                self.close()
                raise Unreachable(f"the stream from {label} ended before the completion did")
            line = line.strip()
            if not line or line.startswith(b":"):
                continue
            field, _, value = line.partition(b":")
            if value.strip() == b"[DONE]":  # how OpenAI-compatible streams end
                self.close()
                return
            try:
                event = json.loads(value) if field in (b"data", b"error") else None
            except ValueError:
                event = None
            if not isinstance(event, dict):
                self.close()
                raise RemoteError(f"malformed stream from {label}: {line[:80]!r}")
            if field == b"error" or "error" in event:
                self.close()
                raise RemoteError(f"{label} ended the stream with an error: {_error_message(value)}")
            if event.get("stop"):
                self.close()
            yield event

    def close(self) -> None:
        self.done = True
        self._conn.close()


def _error_message(data: bytes) -> str:
    """The ``error.message`` of a llama-server error body, else the body's start."""
    try:
        body = json.loads(data)
    except ValueError:
        return data[:120].decode("utf-8", "replace").strip()
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        return str(error.get("message", error))
    return str(error or body)[:120]
