"""ghostwise over stdio with ``model: "llama-server:URL"``: ghost text, status, guidance, the server's
prompt cache across keystrokes, cancel."""

from __future__ import annotations

import asyncio
import re
import socket
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import LanguageClient

from tests.lsp.session import CONFIG, ghost_text, inline, insert, open_doc, request_invoked, start
from tests.remote.llama_server import LlamaServer
from tests.remote.proxy import Proxy

ROOT = Path(__file__).parents[1] / "data" / "guided"
WAREHOUSE_MEMBERS = {"region", "bin_locations", "restock_shelf", "ship_parcel", "audit_trail"}
URI = "file:///tmp/ghostwise-test/shapes.py"
SOURCE = 'def square_area(side):\n    """Return the area of a square."""\n    return '


@pytest_lsp.fixture(config=CONFIG)
async def client(lsp_client: LanguageClient):
    yield
    await lsp_client.shutdown_session()


def remote(server: LlamaServer, **options: Any) -> dict[str, Any]:
    return {"model": f"llama-server:{server.url}", **options}


async def test_ghost_text_and_status_from_the_server(
    client: LanguageClient, llama_server: LlamaServer
) -> None:
    statuses = await start(client, options=remote(llama_server))
    ready = statuses[-1]
    assert ready["state"] == "ready", statuses
    assert ready["remote"] == f"127.0.0.1:{llama_server.port}" and ready["guided"] is True
    assert (
        ready["message"].startswith("remote model at 127.0.0.1 ready") and "guidance on" in ready["message"]
    )
    assert not [m for m in client.messages if "plain http" in m.message]  # loopback: no warning
    open_doc(client, URI, SOURCE)
    assert "side" in ghost_text(await inline(client, URI, 2, len("    return ")))


async def test_guided_suggestion_names_a_real_member(
    client: LanguageClient, llama_server: LlamaServer
) -> None:
    statuses = await start(
        client, options=remote(llama_server, guided={"engineBudgetMs": 5000}), root_uri=ROOT.as_uri()
    )
    assert statuses[-1]["state"] == "ready", statuses
    uri = (ROOT / "loop.py").as_uri()
    text = (
        'from warehouse import Warehouse\n\nstore = Warehouse("north")\nfor sku in ["A1", "B2"]:\n    store.'
    )
    open_doc(client, uri, text)
    suggestion = ghost_text(await inline(client, uri, 4, len("    store.")))
    name = re.match(r"\w+", suggestion)
    assert name is not None and name.group(0) in WAREHOUSE_MEMBERS, suggestion


async def stats(client: LanguageClient, uri: str, line: int, character: int) -> dict[str, Any]:
    result = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line, character)
        )
    )
    assert isinstance(result, types.CompletionList) and result.items, result
    data = result.items[0].data
    assert data is not None
    return dict(data["stats"])


async def test_the_servers_prompt_cache_serves_the_next_keystroke(
    client: LanguageClient, llama_server: LlamaServer
) -> None:
    statuses = await start(client, inline=False, options=remote(llama_server, completionFallback="always"))
    assert statuses[-1]["state"] == "ready", statuses
    body = "import os\n\n\ndef newest(folder):\n    names = os.listdir(folder)\n" * 6
    text = body + "    return max(names, key"
    uri = "file:///tmp/ghostwise-test/cache.py"
    open_doc(client, uri, text)
    last = len(text.split("\n")[-1])
    first = await stats(client, uri, text.count("\n"), last)
    insert(client, uri, 2, text.count("\n"), last, "=")
    second = await stats(client, uri, text.count("\n"), last + 1)
    assert first["prompt_tokens"] > 100
    # reused_tokens is the server's own timings.cache_n: all but the last few tokens (healed, retokenized
    # after the typed character) came from its cache
    assert first["reused_tokens"] < 10 and second["reused_tokens"] >= second["prompt_tokens"] - 10, (
        first,
        second,
    )
    assert second["prompt_ms"] < first["prompt_ms"], (first, second)


async def test_cancel_stops_the_request(client: LanguageClient, llama_server: LlamaServer) -> None:
    statuses = await start(client, options=remote(llama_server, maxTokens=400, maxLines=200, maxMs=60_000))
    assert statuses[-1]["state"] == "ready", statuses
    text = "class Matrix:\n    def __init__(self, rows):\n        "
    open_doc(client, URI, text)
    future = request_invoked(client, URI, 2, 8, msg_id="to-cancel")
    await asyncio.sleep(0.5)  # the stream runs by now
    client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id="to-cancel"))
    with pytest.raises(JsonRpcException) as raised:
        await asyncio.wait_for(future, timeout=5)
    assert raised.value.code == -32800
    for _ in range(50):  # the closed stream stops the server's slot
        if not any(slot.get("is_processing") for slot in llama_server.get("/slots")):
            break
        await asyncio.sleep(0.1)
    else:
        raise AssertionError(f"the server still generates: {llama_server.get('/slots')}")
    open_doc(client, URI, SOURCE, version=2)
    assert "side" in ghost_text(await inline(client, URI, 2, len("    return ")))


async def test_a_document_not_opened_is_never_sent(
    client: LanguageClient, proxy: Proxy, tmp_path: Path
) -> None:
    statuses = await start(client, options={"model": f"llama-server:{proxy.url}"})
    assert statuses[-1]["state"] == "ready", statuses
    secret = tmp_path / "secret_settings.py"
    secret.write_text('API_TOKEN = "do-not-send"\nprint(API_')  # on disk, never opened in the editor
    before = len(proxy.served)
    assert await inline(client, secret.as_uri(), 1, len("print(API_")) is None
    assert proxy.served[before:] == []  # nothing reached the model server
    open_doc(client, secret.as_uri(), secret.read_text())  # once opened, it is the user's to complete
    await inline(client, secret.as_uri(), 1, len("print(API_"))
    assert any("/completion" in line for line in proxy.served[before:])


async def test_status_says_where_the_model_is_and_whether_guidance_is_on(
    client: LanguageClient, llama_server: LlamaServer
) -> None:
    statuses = await start(client, options=remote(llama_server))
    assert statuses[-1]["state"] == "ready" and statuses[-1]["guided"] is True, statuses
    for enabled, said in ((False, "guidance off"), (True, "guidance on")):
        seen = len(statuses)
        client.workspace_did_change_configuration(
            types.DidChangeConfigurationParams(settings={"ghostwise": {"guided": {"enabled": enabled}}})
        )
        for _ in range(50):
            if len(statuses) > seen:
                break
            await asyncio.sleep(0.1)
        now = statuses[-1]
        assert now["state"] == "ready" and now["guided"] is enabled, statuses[seen:]
        assert now["message"].startswith("remote model at 127.0.0.1 ready") and said in now["message"], now


def machine_address() -> str | None:
    """One of this machine's own addresses that is not loopback (no packet is sent), or None."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))  # TEST-NET-1: only picks the outgoing interface
        except OSError:
            return None
        address = str(s.getsockname()[0])
    return None if address.startswith("127.") or address == "0.0.0.0" else address


async def test_plain_http_to_another_host_warns_once(
    client: LanguageClient, llama_server: LlamaServer
) -> None:
    address = machine_address()
    if address is None:
        pytest.skip("this machine has no address but loopback")
    proxy = Proxy(llama_server.port, host=address)  # the server as another machine would reach it
    try:
        statuses = await start(client, options={"model": f"llama-server:{proxy.url}"})
        assert statuses[-1]["state"] == "ready", statuses
        assert statuses[-1]["message"].startswith(f"remote model at {address} ready"), statuses[-1]
        seen = len(statuses)
        client.workspace_did_change_configuration(  # a model setting: the model is loaded again
            types.DidChangeConfigurationParams(
                settings={"ghostwise": {"model": f"llama-server:{proxy.url}", "serverTimeoutMs": 9000}}
            )
        )
        for _ in range(100):
            if any(s["state"] == "ready" for s in statuses[seen:]):
                break
            await asyncio.sleep(0.1)
        assert any(s["state"] == "ready" for s in statuses[seen:]), statuses[seen:]
        warnings = [m for m in client.messages if "plain http" in m.message]
        assert len(warnings) == 1 and warnings[0].type == types.MessageType.Warning, client.messages
        assert f"{address}:{proxy.port}" in warnings[0].message, warnings[0]
    finally:
        proxy.close()
