"""A transparent stdio proxy that records LSP traffic: ``lsp_tap.py --log FILE -- SERVER ARGS...``.

The editor starts this instead of the server; every message in either direction is forwarded
unchanged and appended to FILE as one JSON line ``{"t": seconds, "dir": "c2s"|"s2c", "msg": {...}}``.
The end-to-end tests read FILE to see what the editor asked, cancelled and accepted. Stdlib only.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from typing import BinaryIO

_lock = threading.Lock()


def _read_message(stream: BinaryIO) -> bytes | None:
    length = None
    while True:
        line = stream.readline()
        if not line:
            return None
        if line in (b"\r\n", b"\n"):
            break
        name, _, value = line.decode("ascii", "replace").partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
    if length is None:
        return None
    body = b""
    while len(body) < length:
        chunk = stream.read(length - len(body))
        if not chunk:
            return None
        body += chunk
    return body


def _pump(src: BinaryIO, dst: BinaryIO, direction: str, log: BinaryIO, start: float) -> None:
    try:
        while (body := _read_message(src)) is not None:
            dst.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            dst.flush()
            try:
                msg = json.loads(body)
            except ValueError:
                msg = {"unparsed": body.decode("utf-8", "replace")}
            record = json.dumps({"t": round(time.monotonic() - start, 4), "dir": direction, "msg": msg})
            with _lock:
                log.write(record.encode() + b"\n")
                log.flush()
    except (BrokenPipeError, ValueError, OSError):
        pass
    finally:
        try:
            dst.close()
        except OSError:
            pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--log", required=True)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no server command given")
    start = time.monotonic()
    with open(args.log, "ab") as log:
        server = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        assert server.stdin and server.stdout
        up = threading.Thread(
            target=_pump, args=(sys.stdin.buffer, server.stdin, "c2s", log, start), daemon=True
        )
        down = threading.Thread(
            target=_pump, args=(server.stdout, sys.stdout.buffer, "s2c", log, start), daemon=True
        )
        up.start()
        down.start()
        code = server.wait()
        down.join(timeout=5)
    return code


if __name__ == "__main__":
    status = main()
    # Not sys.exit: the stdin pump may still be blocked in a read, and interpreter shutdown would
    # abort on its buffer lock (exit 134) instead of passing the server's exit status on.
    os._exit(status)
