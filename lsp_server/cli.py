"""The ``ghostwise`` command: the language server (default) and headless sub-commands."""

from __future__ import annotations

import argparse
import ipaddress
import logging
import sys
from pathlib import Path

from lsp_server import __version__
from lsp_server.bench.cli import add_bench_parser
from lsp_server.config import LOG_LEVELS
from lsp_server.devdata.cli import add_stats_parser
from lsp_server.headless import CURSOR, complete_command


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ghostwise",
        description="AI ghost-text completions from a local model, guided by a completion engine.",
        epilog="Without a sub-command ghostwise runs the language server (stdio by default).",
    )
    parser.add_argument("--version", action="version", version=f"ghostwise {__version__}")
    transport = parser.add_mutually_exclusive_group()
    transport.add_argument("--stdio", action="store_true", help="serve LSP over stdin/stdout (default)")
    transport.add_argument("--tcp", action="store_true", help="serve LSP over TCP (loopback only by default)")
    parser.add_argument("--host", default="127.0.0.1", help="TCP host (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=2087, help="TCP port (default 2087)")
    parser.add_argument("--allow-remote", action="store_true", help="allow a non-loopback --host")
    parser.add_argument("--log-level", choices=LOG_LEVELS, default="warning", help="log level (stderr)")
    parser.add_argument("--log-file", type=Path, help="also write the log to this file")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    complete = sub.add_parser(
        "complete",
        help="print one suggestion for a file position (same path as the server)",
        description="Print the suggestion at FILE:LINE:COL (1-based), or for a buffer on "
        f"stdin ('-') with {CURSOR} marking the cursor.",
    )
    complete.add_argument("file", help=f"a source file, or '-' for stdin with {CURSOR}")
    complete.add_argument("--line", type=int, help="1-based line of the cursor")
    complete.add_argument("--col", type=int, help="1-based column of the cursor (characters)")
    complete.add_argument(
        "--model", default="default", help="'default', a .gguf path or hf:OWNER/REPO/FILE.gguf"
    )
    complete.add_argument("--language", default=None, help="language id (default: from the file name)")
    complete.add_argument("--n-ctx", type=int, default=4096)
    complete.add_argument("--threads", type=int, default=0)
    complete.add_argument("--max-tokens", type=int, default=64)
    complete.add_argument("--max-lines", type=int, default=8)
    complete.add_argument("--max-ms", type=int, default=1500)
    complete.add_argument(
        "--engine-wait-ms",
        type=int,
        default=2000,
        help="longest wait for the engine's first answer (default 2000: no keystroke to race here)",
    )
    _add_guidance_flags(complete)
    complete.add_argument("--stats", action="store_true", help="print decode statistics as JSON to stderr")
    complete.add_argument(
        "--explain",
        action="store_true",
        help="after a '.', say on stderr whether the suggested member exists",
    )
    complete.set_defaults(func=_run_complete)
    add_bench_parser(sub)
    add_stats_parser(sub)
    return parser


def _add_guidance_flags(parser: argparse.ArgumentParser) -> None:
    for name in ("guided", "pruning", "memoization", "active-completion"):
        parser.add_argument(
            f"--no-{name}",
            dest=name.replace("-", "_"),
            action="store_false",
            help=f"switch off {'guided decoding' if name == 'guided' else name}",
        )


# How long a thread waiting for the GIL waits before the holder must drop it (Python's default: 5 ms).
# The engine's Jedi thread is pure Python; the decoding thread takes the GIL back after every llama.cpp
# call. At 5 ms that cost 30% of decoding speed while a query ran; at 0.2 ms, nothing measurable
# (benchmarks/threads.py --switch-ms 5,1,0.2: 73.9, 61.2, 57.0 ms/token; 57.5 with no query running).
SWITCH_INTERVAL_S = 0.0002


def main(argv: list[str] | None = None) -> int:
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    parser = build_parser()
    args = parser.parse_args(argv)
    _setup_logging(args.log_level, args.log_file)
    if args.command:
        return int(args.func(args) or 0)
    return _serve(args, parser)


def _setup_logging(level: str, log_file: Path | None) -> None:
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if log_file:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.FileHandler(log_file, encoding="utf-8"))
    logging.basicConfig(
        level=level.upper(), handlers=handlers, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )


def _serve(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from lsp_server.handlers import create_server

    server = create_server()
    if not args.tcp:
        server.start_io()
        return 0
    if not args.allow_remote and not _is_loopback(args.host):
        parser.error(f"--host {args.host} is not a loopback address; pass --allow-remote to serve it anyway")
    server.start_tcp(args.host, args.port)
    return 0


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _run_complete(args: argparse.Namespace) -> int:
    return complete_command(args)


if __name__ == "__main__":
    sys.exit(main())
