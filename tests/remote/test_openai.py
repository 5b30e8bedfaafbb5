"""``model: "openai:URL/v1"`` against llama-server's own OpenAI-compatible endpoints: unguided ghost text,
prefix-only once the server refuses ``suffix``, and a status saying guidance is unavailable."""

from __future__ import annotations

import pytest_lsp
from pytest_lsp import LanguageClient

from completion_engine import Document
from decoding.openai_completer import OpenAICompleter
from decoding.settings import ModelSettings
from lsp_server.config import ServerSettings
from lsp_server.service import CompletionService
from tests.lsp.session import CONFIG, ghost_text, inline, open_doc, start
from tests.remote.llama_server import LlamaServer

URI = "file:///tmp/ghostwise-test/openai.py"
SOURCE = 'def square_area(side):\n    """Return the area of a square."""\n    return '


@pytest_lsp.fixture(config=CONFIG)
async def client(lsp_client: LanguageClient):
    yield
    await lsp_client.shutdown_session()


async def test_unguided_ghost_text_and_status(client: LanguageClient, llama_server: LlamaServer) -> None:
    statuses = await start(client, options={"model": f"openai:{llama_server.url}/v1"})
    ready = statuses[-1]
    assert ready["state"] == "ready", statuses
    assert ready["remote"] == f"127.0.0.1:{llama_server.port}" and ready["guided"] is False
    assert "guidance unavailable on an OpenAI-compatible server" in ready["message"], ready
    open_doc(client, URI, SOURCE)
    assert "side" in ghost_text(await inline(client, URI, 2, len("    return ")))


def test_fill_in_the_middle_through_suffix(llama_server: LlamaServer) -> None:
    """llama-server's ``/v1/completions`` takes ``suffix``: FIM stays on (a server that refuses it gets
    prefix-only prompts: ``tests/unit/test_openai_completer.py``)."""
    service = CompletionService(ServerSettings(model=ModelSettings(spec=f"openai:{llama_server.url}/v1")))
    service.load()
    completer = service._completer
    assert isinstance(completer, OpenAICompleter)
    doc = Document(uri=URI, version=1, text=SOURCE + "\n\nprint(square_area(2))\n", cursor=len(SOURCE))
    suggestion = service.complete(doc)
    assert completer.fim and suggestion.stats.fim
    assert "side" in suggestion.text and suggestion.stats.guided is False
    service.engine.close()
