"""The client's outcome notifications, read from raw params.

``textDocument/didShowCompletion`` ``{item}`` and ``textDocument/didPartiallyAcceptCompletion``
``{item, acceptedLength}`` (the Copilot language server's shape), and ghostwise's own
``ghostwise/didHideCompletion`` ``{item}`` (sent by the VS Code extension), are not in lsprotocol, so
pygls hands their params over as nested namedtuples (or dicts). The suggestion id is the item's command
argument, as for ``ghostwise.accept``.
"""

from __future__ import annotations

DID_SHOW_COMPLETION = "textDocument/didShowCompletion"
DID_PARTIALLY_ACCEPT_COMPLETION = "textDocument/didPartiallyAcceptCompletion"
DID_HIDE_COMPLETION = "ghostwise/didHideCompletion"


def suggestion_id(params: object) -> str | None:
    """``params.item.command.arguments[0]``, or None when the shape is different."""
    arguments = _field(_field(_field(params, "item"), "command"), "arguments")
    if isinstance(arguments, list | tuple) and arguments and isinstance(arguments[0], str):
        return arguments[0]
    return None


def accepted_length(params: object) -> int | None:
    value = _field(params, "acceptedLength")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _field(obj: object, name: str) -> object:
    if isinstance(obj, dict):
        return obj.get(name)
    return getattr(obj, name, None)
