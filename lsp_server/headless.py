"""``ghostwise complete``: one suggestion from the command line, through the server's service."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from decoding.model_source import ModelError
from lsp_server.config import GuidedOptions, ServerSettings
from lsp_server.service import CompletionService, DocumentInput

CURSOR = "<CURSOR>"
_LANGUAGES = {".py": "python", ".pyi": "python", ".js": "javascript", ".ts": "typescript", ".rs": "rust",
              ".go": "go", ".c": "c", ".h": "c", ".cpp": "cpp", ".java": "java", ".rb": "ruby", ".lua": "lua"}


class InputError(Exception):
    """The file or cursor given on the command line is unusable."""


def read_input(file: str, line: int | None, col: int | None) -> tuple[str, int, Path | None]:
    """The buffer, the cursor offset, and the file path (None for stdin)."""
    if file == "-":
        text = sys.stdin.read()
        if CURSOR not in text:
            raise InputError(f"stdin has no {CURSOR} marker")
        offset = text.index(CURSOR)
        return text[:offset] + text[offset + len(CURSOR):], offset, None
    path = Path(file)
    try:
        text = path.read_bytes().decode("utf-8", errors="replace")
    except OSError as e:
        raise InputError(f"cannot read {path}: {e.strerror}") from e
    if line is None or col is None:
        raise InputError("--line and --col are required with a file")
    return text, offset_of(text, line, col), path


def offset_of(text: str, line: int, col: int) -> int:
    """Offset of a 1-based line/column, clamped to the document."""
    if line < 1 or col < 1:
        raise InputError("--line and --col are 1-based")
    lines = text.split("\n")
    if line > len(lines):
        return len(text)
    return sum(len(x) + 1 for x in lines[: line - 1]) + min(col - 1, len(lines[line - 1]))


def complete_command(args: argparse.Namespace) -> int:
    try:
        text, offset, path = read_input(args.file, args.line, args.col)
    except InputError as e:
        print(f"ghostwise: {e}", file=sys.stderr)
        return 2
    settings = ServerSettings(
        model=args.model, n_ctx=args.n_ctx, threads=args.threads, max_tokens=args.max_tokens,
        max_lines=args.max_lines, max_ms=args.max_ms,
        guided=GuidedOptions(enabled=args.guided, pruning=args.pruning, memoization=args.memoization,
                             active_completion=args.active_completion))
    language = args.language or (_LANGUAGES.get(path.suffix, "plaintext") if path else "python")
    service = CompletionService(settings, workspace_root=Path.cwd())
    try:
        service.load(progress=lambda message, fraction: print(f"ghostwise: {message}", file=sys.stderr))
    except ModelError as e:
        print(f"ghostwise: {e}", file=sys.stderr)
        return 1
    suggestion = service.complete(DocumentInput(uri=path.resolve().as_uri() if path else "stdin:", text=text,
                                                offset=offset, path=path, language_id=language))
    print(suggestion.text)
    if args.stats:
        print(json.dumps({"stop_reason": suggestion.stop_reason, **suggestion.stats.to_dict()}), file=sys.stderr)
    return 0
