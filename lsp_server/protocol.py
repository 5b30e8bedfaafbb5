"""The JSON-RPC boundary: every request gets exactly one response, with the right error code.

pygls reads a frame, structures it and dispatches it in one step, and a message it cannot structure
gets no response (and a "Error in server" pop-up). Here each body is checked before pygls sees it:

- not JSON: -32700 (id null); not an object, a bad ``jsonrpc``, ``id`` or ``method``: -32600;
- a request before ``initialize``: -32002; after ``shutdown``, or a second ``initialize``: -32600;
  notifications then (and a second ``initialized``) are dropped, ``exit`` always taken;
- params that do not structure into the method's lsprotocol type: -32602, naming the field;
- a notification that cannot be handled is logged and dropped (there is nobody to answer).

What passes goes to pygls, which answers unknown methods with -32601, a handler's exception with
-32603 and a cancelled request with -32800. The table is in ``docs/errors.md``.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import cattrs
from lsprotocol import types
from pygls.protocol import JsonRPCNotification, JsonRPCRequestMessage, LanguageServerProtocol

from lsp_server.framing import INVALID_REQUEST, PARSE_ERROR, FrameError

log = logging.getLogger(__name__)

INVALID_PARAMS = -32602
INTERNAL_ERROR = -32603
SERVER_NOT_INITIALIZED = -32002
_ANY_TIME = frozenset({types.EXIT})  # notifications taken before initialize and after shutdown


class BadMessage(Exception):
    """A message that cannot be dispatched; answered with ``code`` when it is a request."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


class _Writer:
    """The transport's writer; once closed (``exit``) what is still sent (a progress end, a status
    from a task being cancelled) is dropped instead of failing on a closed stream."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self.closed = False

    def write(self, data: bytes) -> Any:
        if self.closed:
            log.debug("dropped %d bytes sent after exit", len(data))
            return None
        return self._inner.write(data)

    def close(self) -> Any:
        self.closed = True
        return self._inner.close()


class GhostwiseProtocol(LanguageServerProtocol):
    """pygls' LSP protocol behind a boundary that answers everything it cannot dispatch."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._initialize_seen = False
        self._initialized_seen = False

    def set_writer(self, writer: Any, include_headers: bool = True) -> None:
        super().set_writer(_Writer(writer), include_headers)

    def refuse_frame(self, error: FrameError) -> None:
        """Answer a frame that could not be read (no id is known)."""
        log.warning("refused a frame: %s", error.message)
        self.send_error(None, error.code, error.message)

    def handle_body(self, body: bytes) -> None:
        """Check, structure and dispatch one frame's body; never raises for the client's mistakes."""
        try:
            data = json.loads(body)
        except (ValueError, RecursionError) as e:  # also UnicodeDecodeError; RecursionError: too deep
            log.warning("refused a message that is not JSON: %s", e)
            self.send_error(None, PARSE_ERROR, f"parse error: {e}")
            return
        if not isinstance(data, dict):
            self.send_error(
                None, INVALID_REQUEST, f"a message must be a JSON object, not {type(data).__name__}"
            )
            return
        try:
            message = self._checked(data)
        except BadMessage as e:
            if "method" in data and "id" not in data:
                log.warning("dropped a %r notification: %s", data.get("method"), e)
            elif _is_response(data):
                log.warning("dropped a response from the client: %s", e)
            else:
                log.warning("answered %s: %s", e.code, e)
                request_id = data.get("id")
                self.send_error(request_id if _valid_id(request_id) else None, e.code, str(e))
            return
        if message is None:
            return
        try:  # pygls answers a request whose handler fails; this catches what it does not
            self.handle_message(message)
        except Exception:
            log.exception("cannot dispatch a %r message", data.get("method"))

    def send_error(self, request_id: int | str | None, code: int, message: str) -> None:
        """A JSON-RPC error response (``id`` null when it cannot be known)."""
        self._send_data({"jsonrpc": "2.0", "id": request_id, "error": {"code": code, "message": message}})

    def _checked(self, data: dict[str, Any]) -> Any:
        """The structured message, None for one to drop quietly; raises :class:`BadMessage`."""
        if data.get("jsonrpc") != "2.0":
            raise BadMessage(INVALID_REQUEST, 'invalid request: "jsonrpc" must be "2.0"')
        if "method" not in data:
            if _is_response(data):
                return self._structured(data)  # the client answering one of our requests
            raise BadMessage(INVALID_REQUEST, 'invalid request: no "method"')
        method = data["method"]
        if not isinstance(method, str):
            raise BadMessage(
                INVALID_REQUEST, f'invalid request: "method" must be a string, not {method!r:.40}'
            )
        if "id" in data:
            if not _valid_id(data["id"]):
                raise BadMessage(
                    INVALID_REQUEST,
                    f'invalid request: "id" must be an integer or a string, not {data["id"]!r:.40}',
                )
            self._check_lifecycle(method)
        elif not self._accepts_notification(method):
            log.debug("dropped %r notification (not initialized or shut down)", method)
            return None
        elif method == types.CANCEL_REQUEST and not _valid_id((data.get("params") or {}).get("id")):
            raise BadMessage(INVALID_PARAMS, "$/cancelRequest needs an integer or string id")
        return self._structured(data)

    def _check_lifecycle(self, method: str) -> None:
        if method == types.INITIALIZE:
            if self._initialize_seen:
                raise BadMessage(INVALID_REQUEST, "initialize may only be sent once")
            self._initialize_seen = True
        elif not self._initialize_seen:
            raise BadMessage(SERVER_NOT_INITIALIZED, f"{method} before initialize")
        elif self._shutdown:
            raise BadMessage(INVALID_REQUEST, f"{method} after shutdown")

    def _accepts_notification(self, method: str) -> bool:
        if method == types.INITIALIZED:  # once: a second one would start the model loading again
            if self._initialized_seen or not self._initialize_seen:
                return False
            self._initialized_seen = True
        return method in _ANY_TIME or (self._initialize_seen and not self._shutdown)

    def _structured(self, data: dict[str, Any]) -> Any:
        """The lsprotocol message (pygls' own structuring for responses to its requests)."""
        if "method" not in data:
            return self.structure_message(data)
        method = data["method"]
        fallback = JsonRPCRequestMessage if "id" in data else JsonRPCNotification
        try:
            return self._converter.structure(data, self.get_message_type(method) or fallback)
        except cattrs.ClassValidationError as e:
            raise BadMessage(INVALID_PARAMS, f"invalid params for {method}: {_why(e)}") from e
        except Exception as e:  # whatever the converter raises, the client is answered
            log.exception("cannot structure a %r message", method)
            raise BadMessage(INTERNAL_ERROR, f"internal error reading {method}: {e!r:.200}") from e


def _is_response(data: dict[str, Any]) -> bool:
    return "method" not in data and "id" in data and ("result" in data or "error" in data)


def _valid_id(value: object) -> bool:
    return isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool))


def _why(error: cattrs.ClassValidationError) -> str:
    """What cattrs found wrong, field by field (``... @ $.params.position``)."""
    return "; ".join(cattrs.transform_error(error, path="$", format_exception=_describe))[:500]


def _describe(exc: BaseException, type_: type | None) -> str:
    if type(exc) is ValueError and str(exc):  # lsprotocol's range checks say what they want
        return str(exc)
    return cattrs.v.format_exception(exc, type_)
