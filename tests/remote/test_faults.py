"""Faults of a model server, each against a real llama-server on loopback, over stdio: a clear status,
no crash, no stuck request, and suggestions again once the server is back, without restarting ghostwise."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.decoding.gguf_factory import write_vocab_gguf
from tests.lsp.session import CONFIG, ghost_text, inline, open_doc, request_invoked, start
from tests.remote.llama_server import LlamaServer
from tests.remote.proxy import Proxy

URI = "file:///tmp/ghostwise-test/faults.py"
SOURCE = 'def square_area(side):\n    """Return the area of a square."""\n    return '
LONG = {"maxTokens": 400, "maxLines": 200, "maxMs": 60_000}


@pytest_lsp.fixture(config=CONFIG)
async def client(lsp_client: LanguageClient):
    yield
    await lsp_client.shutdown_session()


async def begin(client: LanguageClient, options: dict[str, Any]) -> list[dict[str, Any]]:
    """Start the session with every request a model run of its own (no typing-through cache, which would
    answer a repeated document state without asking the server): each fault meets the server."""
    return await start(client, options={**options, "typing": {"cache": False}})


async def until(
    statuses: list[dict[str, Any]], state: str, timeout_s: float = 60, *, since: int | None = None
) -> dict[str, Any]:
    """The first status in ``state`` from the ``since``-th on (default: from now on)."""
    seen = len(statuses) if since is None else since
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for status in statuses[seen:]:
            if status["state"] == state:
                return status
        await asyncio.sleep(0.1)
    raise TimeoutError(f"no {state!r} status in {timeout_s} s: {statuses[seen:]}")


async def suggestion(client: LanguageClient, version: int) -> str:
    open_doc(client, URI, SOURCE, version=version)
    return ghost_text(await inline(client, URI, 2, len("    return ")))


async def suggestions_resume(client: LanguageClient, timeout_s: float = 40) -> str:
    """Ask every half second until a suggestion comes (the backoff delays the first tries)."""
    deadline, version = time.monotonic() + timeout_s, 100
    while time.monotonic() < deadline:
        version += 1
        if text := await suggestion(client, version):
            return text
        await asyncio.sleep(0.5)
    raise TimeoutError("suggestions did not resume")


def long_request(client: LanguageClient) -> asyncio.Future[Any]:
    text = "class Matrix:\n    def __init__(self, rows):\n        "
    open_doc(client, URI, text, version=2)
    return request_invoked(client, URI, 2, 8)


async def test_server_not_running_at_start(client: LanguageClient, own_server: LlamaServer) -> None:
    statuses = await begin(client, {"model": f"llama-server:{own_server.url}"})
    assert statuses[-1]["state"] == "error", statuses
    assert "not reachable" in statuses[-1]["message"] and "trying again" in statuses[-1]["message"]
    assert await suggestion(client, 1) == ""  # answered, empty
    own_server.start()
    await until(statuses, "ready")
    assert "side" in await suggestion(client, 2)


async def test_server_killed_mid_stream_then_restarted(
    client: LanguageClient, own_server: LlamaServer
) -> None:
    own_server.start()
    statuses = await begin(client, {"model": f"llama-server:{own_server.url}", **LONG})
    assert statuses[-1]["state"] == "ready", statuses
    pending = long_request(client)
    await asyncio.sleep(1.0)  # streaming by now
    t0, seen = time.monotonic(), len(statuses)
    own_server.kill()
    assert await asyncio.wait_for(pending, timeout=10) is None  # no stuck request
    assert time.monotonic() - t0 < 5
    error = await until(statuses, "error", timeout_s=5, since=seen)
    assert str(own_server.port) in error["message"], error
    own_server.start()  # a new process: slots and prompt cache are gone
    seen = len(statuses)
    assert "side" in await suggestions_resume(client)
    await until(statuses, "ready", timeout_s=5, since=seen)


async def test_wrong_api_key(client: LanguageClient, own_server: LlamaServer) -> None:
    own_server.api_key = "team-secret"
    own_server.start()
    options = {"model": f"llama-server:{own_server.url}", "serverApiKey": "wrong"}
    statuses = await begin(client, options)
    assert statuses[-1]["state"] == "error", statuses
    assert "401" in statuses[-1]["message"] and "serverApiKey" in statuses[-1]["message"], statuses[-1]
    assert await suggestion(client, 1) == ""
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"ghostwise": {**options, "serverApiKey": "team-secret"}})
    )
    await until(statuses, "ready")
    assert "side" in await suggestion(client, 2)


async def test_slow_server_times_out(client: LanguageClient, proxy: Proxy) -> None:
    statuses = await begin(client, {"model": f"llama-server:{proxy.url}", "serverTimeoutMs": 500})
    assert statuses[-1]["state"] == "ready", statuses
    proxy.mode = "slow"
    t0, seen = time.monotonic(), len(statuses)
    assert await suggestion(client, 1) == ""
    assert time.monotonic() - t0 < 2.5  # the time-out, not the server's 3 s
    error = await until(statuses, "error", timeout_s=1, since=seen)
    assert "did not answer within 500 ms" in error["message"], error
    proxy.mode = "pass"
    assert "side" in await suggestions_resume(client)


async def test_a_long_prompt_is_not_a_slow_server(client: LanguageClient, own_server: LlamaServer) -> None:
    """The time-out is the longest silence: evaluating a long prompt takes longer than that, but the
    server reports its progress after each batch (16 tokens here; one thread, which a busy machine slows
    down less than two spinning ones)."""
    own_server.batch, own_server.threads = 16, 1
    own_server.start()
    options = {"model": f"llama-server:{own_server.url}", "serverTimeoutMs": 1000}
    statuses = await begin(client, options)
    assert statuses[-1]["state"] == "ready", statuses
    body = "".join(f"def area_{i}(side):\n    return side * side * {i}\n\n\n" for i in range(80))
    text = body + SOURCE
    open_doc(client, URI, text)
    seen, t0 = len(statuses), time.monotonic()
    suggestion = ghost_text(await inline(client, URI, text.count("\n"), len("    return ")))
    assert time.monotonic() - t0 > 1.0, "the prompt was evaluated within the time-out: no proof"
    assert "side" in suggestion and not [s for s in statuses[seen:] if s["state"] == "error"], statuses


@pytest.mark.parametrize("mode", ["truncate", "garbage"])
async def test_broken_stream(client: LanguageClient, proxy: Proxy, mode: str) -> None:
    statuses = await begin(client, {"model": f"llama-server:{proxy.url}", **LONG})
    assert statuses[-1]["state"] == "ready", statuses
    proxy.mode, seen = mode, len(statuses)
    assert await asyncio.wait_for(long_request(client), timeout=10) is None
    error = await until(statuses, "error", timeout_s=2, since=seen)
    assert ("ended before" if mode == "truncate" else "malformed stream") in error["message"], error
    proxy.mode = "pass"
    assert "side" in await suggestions_resume(client)


async def test_url_that_is_not_a_llama_server(client: LanguageClient, proxy: Proxy) -> None:
    proxy.mode = "html"
    statuses = await begin(client, {"model": f"llama-server:{proxy.url}"})
    assert statuses[-1]["state"] == "error", statuses
    assert "is not a llama-server" in statuses[-1]["message"], statuses[-1]
    errors = [m for m in client.messages if m.type == types.MessageType.Error]
    assert len(errors) == 1 and "not a llama-server" in errors[0].message
    served = len(proxy.served)
    await asyncio.sleep(2)
    assert len(proxy.served) == served  # a wrong URL is not retried in a loop


async def test_server_restarted_with_another_model(
    client: LanguageClient, own_server: LlamaServer, tmp_path: Path
) -> None:
    """The vocabulary index is the server's: a model with another vocabulary gets a new one."""
    own_server.start()
    statuses = await begin(client, {"model": f"llama-server:{own_server.url}"})
    assert statuses[-1]["state"] == "ready" and "gemma" in statuses[-1]["model"], statuses
    assert "side" in await suggestion(client, 1)
    own_server.stop()
    tiny = tmp_path / "tiny-other-vocabulary.gguf"
    write_vocab_gguf(tiny, [], weights=True)  # 263 tokens, random weights
    own_server.model = tiny
    own_server.start()
    deadline = time.monotonic() + 40
    while not any(tiny.name in (s["model"] or "") for s in statuses) and time.monotonic() < deadline:
        await suggestion(client, 2)  # whatever a random model suggests: the request must succeed
        await asyncio.sleep(0.5)
    ready = next(s for s in statuses if tiny.name in (s["model"] or ""))
    assert ready["state"] == "ready", ready
