"""The recorder without a model: guidance figures and pruned names, per privacy level."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from completion_engine import Document
from decoding.completer import DecodeStats, Suggestion
from decoding.guided import GuidanceStats
from lsp_server.config import ServerSettings
from lsp_server.devdata.reader import EventReader
from lsp_server.devdata.recorder import Recorder


def guidance() -> GuidanceStats:
    return GuidanceStats(
        engine_queries=3,
        pruned=4,
        released=1,
        engine_ms=12.34567,
        rejected_reasons=["syntax"],
        pruned_names=["get_us", "get_us", "fetch_al"],
    )


@pytest.mark.parametrize("level", ["metadata", "full"])
async def test_guided_suggestion_event(tmp_path: Path, level: str) -> None:
    settings = ServerSettings(dev_data=level)
    warnings: list[str] = []
    recorder = Recorder(lambda: settings, warnings.append, directory=lambda: tmp_path)
    recorder.client = "unit"
    stats = DecodeStats(
        prompt_tokens=40,
        reused_tokens=30,
        generated_tokens=4,
        prompt_ms=5.0,
        generate_ms=20.0,
        model_ms=15.0,
        total_ms=25.0,
        guided=True,
        guidance=guidance(),
    )
    text = "user.name"
    doc = Document(uri="file:///w/app.py", text="print(get_\n", cursor=10, language_id="python")
    recorder.offered(
        "s1",
        doc,
        Suggestion(text=text, stop_reason="line", stats=stats),
        model="m.gguf",
        surface="inline",
        served="model",
        queue_ms=7.5,
    )
    recorder.accepted("s1")
    recorder.close()
    (event,) = EventReader(tmp_path).events()
    assert (event.mode, event.client, event.outcome, event.accepted_chars) == (
        "guided",
        "unit",
        "accepted",
        9,
    )
    assert (event.prompt.prefix_chars, event.prompt.suffix_chars) == (10, 1)
    assert dataclasses.astuple(event.latency_ms) == (7.5, 5.0, 20.0, 12.35, 15.0, 32.5)
    assert event.guidance["engine_ms"] == 12.346 and event.guidance["pruned"] == 4
    assert "pruned_names" not in event.guidance and "rejected_reasons" not in event.guidance
    if level == "full":
        assert event.pruned_names == {"get_us": 2, "fetch_al": 1}
        assert event.text is not None and (event.text.prefix, event.text.suffix) == ("print(get_", "\n")
    else:
        assert event.pruned_names == {} and event.text is None
    assert warnings == []


async def test_closing_a_document_finishes_its_drafts(tmp_path: Path) -> None:
    settings = ServerSettings(dev_data="full")
    recorder = Recorder(lambda: settings, lambda m: None, directory=lambda: tmp_path)
    suggestion = Suggestion(text="x", stop_reason="line", stats=DecodeStats())
    for suggestion_id, uri in [("a1", "file:///w/a.py"), ("a2", "file:///w/a.py"), ("b1", "file:///w/b.py")]:
        doc = Document(uri=uri, text="y = ", cursor=4)
        recorder.offered(
            suggestion_id, doc, suggestion, model="m", surface="inline", served="model", queue_ms=0
        )
    recorder.closed("file:///w/a.py")
    assert set(recorder._pending) == {"b1"}  # nothing of the closed document is kept
    recorder.close()
    ended = {e.id: e.ended_by for e in EventReader(tmp_path).events()}
    assert ended == {"a1": "hidden", "a2": "hidden", "b1": "shutdown"}
