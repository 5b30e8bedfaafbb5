"""``ghostwise complete``: one suggestion from the command line, through the server's service."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from completion_engine import Document
from completion_engine.lines import offset_at
from decoding.model_source import ModelError
from decoding.settings import GenerationSettings, GuidanceSettings, ModelSettings
from lsp_server.config import ServerSettings
from lsp_server.service import CompletionService

CURSOR = "<CURSOR>"
_LANGUAGES = {
    ".py": "python",
    ".pyi": "python",
    ".js": "javascript",
    ".ts": "typescript",
    ".rs": "rust",
    ".go": "go",
    ".c": "c",
    ".h": "c",
    ".cpp": "cpp",
    ".java": "java",
    ".rb": "ruby",
    ".lua": "lua",
}


class InputError(Exception):
    """The file or cursor given on the command line is unusable."""


def read_input(file: str, line: int | None, col: int | None) -> tuple[str, int, Path | None]:
    """The buffer, the cursor offset, and the file path (None for stdin)."""
    if file == "-":
        text = sys.stdin.read()
        if CURSOR not in text:
            raise InputError(f"stdin has no {CURSOR} marker")
        offset = text.index(CURSOR)
        return text[:offset] + text[offset + len(CURSOR) :], offset, None
    path = Path(file)
    try:
        text = path.read_bytes().decode("utf-8", errors="replace")
    except OSError as e:
        raise InputError(f"cannot read {path}: {e.strerror}") from e
    if line is None or col is None:
        raise InputError("--line and --col are required with a file")
    if line < 1 or col < 1:
        raise InputError("--line and --col are 1-based")
    return text, offset_at(text, line - 1, col - 1), path


def complete_command(args: argparse.Namespace) -> int:
    try:
        text, offset, path = read_input(args.file, args.line, args.col)
    except InputError as e:
        print(f"ghostwise: {e}", file=sys.stderr)
        return 2
    settings = ServerSettings(
        model=ModelSettings(spec=args.model, n_ctx=args.n_ctx, threads=args.threads),
        generation=GenerationSettings(
            max_tokens=args.max_tokens, max_lines=args.max_lines, max_ms=args.max_ms
        ),
        guided=GuidanceSettings(
            enabled=args.guided,
            pruning=args.pruning,
            memoization=args.memoization,
            active_completion=args.active_completion,
        ),
    )
    language = args.language or (_LANGUAGES.get(path.suffix, "plaintext") if path else "python")
    service = CompletionService(settings)
    try:
        service.load(progress=lambda message, fraction: print(f"ghostwise: {message}", file=sys.stderr))
    except ModelError as e:
        print(f"ghostwise: {e}", file=sys.stderr)
        return 1
    suggestion = service.complete(
        Document(
            uri=path.resolve().as_uri() if path else "stdin:",
            text=text,
            cursor=offset,
            path=path,
            language_id=language,
            workspace_root=Path.cwd(),
        )
    )
    print(suggestion.text)
    if args.stats:
        print(
            json.dumps({"stop_reason": suggestion.stop_reason, **suggestion.stats.to_dict()}), file=sys.stderr
        )
    return 0
