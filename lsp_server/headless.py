"""``ghostwise complete``: one suggestion from the command line, through the server's service."""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import replace
from pathlib import Path

from completion_engine import Document
from completion_engine.lines import offset_at
from decoding.model_source import ModelError
from decoding.settings import GenerationSettings, GuidanceSettings, ModelSettings
from lsp_server.config import ServerSettings
from lsp_server.service import CompletionService

CURSOR = "<CURSOR>"
_IDENTIFIER = re.compile(r"\w+")
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
            engine_budget_ms=args.engine_wait_ms,
        ),
    )
    language = args.language or (_LANGUAGES.get(path.suffix, "plaintext") if path else "python")
    service = CompletionService(settings)
    try:
        service.load(progress=lambda message, fraction: print(f"ghostwise: {message}", file=sys.stderr))
    except ModelError as e:
        print(f"ghostwise: {e}", file=sys.stderr)
        return 1
    doc = Document(
        uri=path.resolve().as_uri() if path else "stdin:",
        text=text,
        cursor=offset,
        path=path,
        language_id=language,
        workspace_root=Path.cwd(),
    )
    if args.guided and (site := service.engine.classify(doc)) is not None:
        # no keystroke to race: the cursor's names first (kept by the engine), then the time budget starts
        service.engine.candidates(doc, site, wait_ms=args.engine_wait_ms)
    suggestion = service.complete(doc)
    print(suggestion.text)
    if args.explain:
        print(f"ghostwise: {explain_member(service, doc, suggestion.text)}", file=sys.stderr)
    if args.stats:
        print(
            json.dumps({"stop_reason": suggestion.stop_reason, **suggestion.stats.to_dict()}), file=sys.stderr
        )
    return 0


def explain_member(service: CompletionService, doc: Document, suggestion: str) -> str:
    """Whether the member the suggestion names at a ``.`` exists (the engine's untimed member list)."""
    site = service.engine.classify(doc)
    if site is None or site.kind != "member":
        return "the cursor is not right after a '.': nothing to explain"
    head = _IDENTIFIER.match(suggestion)
    name = site.typed + (head.group() if head else "")
    members = service.engine.members_at(
        replace(doc, text=doc.text[: site.start] + name + doc.text[doc.cursor :], cursor=site.start)
    )
    if not members:
        return f"the engine does not know the members here, so `{name}` cannot be checked"
    if name in members:
        return f"`{name}` is a real member"
    shown = ", ".join(sorted(m for m in members if not m.startswith("_"))[:8])
    return f"`{name}` is not a member: the engine lists {len(members)} ({shown}, ...)"
