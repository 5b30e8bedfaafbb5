"""Engine settings over a real stdio session: ``pythonEnvironment`` reaches the engine.

A package exists only in a side venv (not in the workspace, not in the server's interpreter). The
engine resolves it exactly when ``pythonEnvironment`` names that venv, whether the setting comes with
``initialize`` or later through ``didChangeConfiguration``; what the engine knew shows in the guidance
counters the completion item carries (``data.stats.guidance``).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.lsp.session import CONFIG, open_doc, start

TEXT = "import gw_side_only\n\n\nresult = gw_side_only.f"
# The first query in a new environment starts its interpreter (~1 s): a generous engine budget, so that
# "unknown" can only mean "not resolvable", never "too slow". Two tokens: where the engine knows the
# site, the healed "f" and active completion's rest of the only f-member fill them at once.
OPTIONS = {"completionFallback": "always", "guided": {"engineBudgetMs": 30_000}, "maxTokens": 2}


@pytest.fixture(scope="module")
def side_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    venv = tmp_path_factory.mktemp("side") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    (site_packages,) = venv.glob("lib/python3*/site-packages")
    package = site_packages / "gw_side_only"
    package.mkdir()
    (package / "__init__.py").write_text(
        "WidgetCount = int\n\n\ndef frobnicate_widgets(count):\n    return count\n"
    )
    return venv


@pytest_lsp.fixture(config=CONFIG)
async def client(lsp_client: LanguageClient):
    yield
    await lsp_client.shutdown_session()


async def guidance_at_member_site(client: LanguageClient, uri: str) -> dict[str, Any]:
    """Open a new document ending at ``gw_side_only.f``; the guidance counters of its suggestion, which
    names the side package's ``frobnicate_widgets`` whenever the engine knew the site."""
    open_doc(client, uri, TEXT)
    result = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=TEXT.count("\n"), character=len(TEXT.rsplit("\n", 1)[-1])),
        )
    )
    assert isinstance(result, types.CompletionList) and result.items, result
    data = result.items[0].data
    assert data is not None and data["stats"]["guided"], data
    guidance: dict[str, Any] = data["stats"]["guidance"]
    assert guidance["sites"] >= 1, guidance
    suggestion = str(result.items[0].documentation)
    assert guidance["unknown_sites"] or suggestion == "robnicate_widgets", (suggestion, guidance)
    return guidance


async def test_python_environment_at_initialize(
    client: LanguageClient, side_venv: Path, tmp_path: Path
) -> None:
    interpreter = side_venv / "bin" / "python"  # what VS Code sends: the selected interpreter
    statuses = await start(
        client,
        inline=False,
        root_uri=tmp_path.as_uri(),
        options={**OPTIONS, "pythonEnvironment": str(interpreter)},
    )
    assert statuses[-1]["state"] == "ready", statuses
    guidance = await guidance_at_member_site(client, (tmp_path / "init.py").as_uri())
    assert guidance["unknown_sites"] == 0, guidance


async def test_python_environment_through_did_change_configuration(
    client: LanguageClient, side_venv: Path, tmp_path: Path
) -> None:
    statuses = await start(client, inline=False, root_uri=tmp_path.as_uri(), options=OPTIONS)
    assert statuses[-1]["state"] == "ready", statuses
    before = await guidance_at_member_site(client, (tmp_path / "before.py").as_uri())
    assert before["unknown_sites"] >= 1, before  # the server's own interpreter has no gw_side_only
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(
            settings={"ghostwise": {**OPTIONS, "pythonEnvironment": str(side_venv)}}
        )
    )
    after = await guidance_at_member_site(client, (tmp_path / "after.py").as_uri())
    assert after["unknown_sites"] == 0, after


PREFETCH_OPTIONS = {"completionFallback": "always", "maxTokens": 2, "guided": {"engineBudgetMs": 30_000}}


async def test_did_change_starts_the_cursor_query_before_the_request(
    client: LanguageClient, tmp_path: Path
) -> None:
    statuses = await start(client, inline=False, root_uri=tmp_path.as_uri(), options=PREFETCH_OPTIONS)
    assert statuses[-1]["state"] == "ready", statuses
    typed = "x = os.path."

    async def counters(uri: str) -> dict[str, Any]:
        result = await client.text_document_completion_async(
            types.CompletionParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                position=types.Position(line=1, character=len(typed)),
            )
        )
        assert isinstance(result, types.CompletionList) and result.items, result
        data = result.items[0].data
        assert data is not None
        guidance: dict[str, Any] = data["stats"]["guidance"]
        return guidance

    opened = (tmp_path / "opened.py").as_uri()  # the whole text arrives with didOpen: no edit, no cursor
    open_doc(client, opened, "import os\n" + typed)
    cold = await counters(opened)
    assert cold["sites"] >= 1 and cold["engine_queries"] >= 1, cold  # the request started the query
    edited = (tmp_path / "edited.py").as_uri()
    open_doc(client, edited, "import os\n")
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=edited, version=2),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(
                        start=types.Position(line=1, character=0), end=types.Position(line=1, character=0)
                    ),
                    text=typed,
                )
            ],
        )
    )
    warm = await counters(edited)
    assert warm["sites"] >= 1 and warm["engine_queries"] == 0, warm  # didChange had started it
