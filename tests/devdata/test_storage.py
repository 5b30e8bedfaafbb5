"""The writer and reader alone: daily files, size rotation, torn lines, unwritable directories, huge lines."""

from __future__ import annotations

import dataclasses
import os
import threading
import tracemalloc
from pathlib import Path

from lsp_server.devdata.reader import EventReader
from lsp_server.devdata.schema import Excerpt
from lsp_server.devdata.writer import DATA_DIR_ENV, JsonlWriter, devdata_dir
from tests.devdata.constructed import EVENTS, event


def write_all(directory: Path, events: list, **kwargs: int) -> list[str]:
    errors: list[str] = []
    writer = JsonlWriter(directory, on_error=errors.append, **kwargs)
    for item in events:
        writer.put(item)
    writer.close()
    return errors


def test_one_file_per_day_and_round_trip(tmp_path: Path) -> None:
    assert write_all(tmp_path, EVENTS) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2026-11-20.jsonl", "2026-11-21.jsonl"]
    assert oct(tmp_path.joinpath("2026-11-20.jsonl").stat().st_mode & 0o777) == "0o600"
    assert sorted(EventReader(tmp_path).events(), key=lambda e: e.id) == sorted(EVENTS, key=lambda e: e.id)


def test_rotation_by_size(tmp_path: Path) -> None:
    same_day = [dataclasses.replace(e, time="2026-11-20T12:00:00.000Z") for e in EVENTS]
    assert write_all(tmp_path, same_day, max_bytes=1500) == []
    names = {p.name for p in tmp_path.iterdir()}
    assert {"2026-11-20.jsonl", "2026-11-20.1.jsonl", "2026-11-20.2.jsonl"} <= names
    assert all(p.stat().st_size <= 1500 for p in tmp_path.iterdir())
    assert len(list(EventReader(tmp_path).events())) == len(EVENTS)
    write_all(tmp_path, same_day[:1], max_bytes=1500)  # a new writer continues after the last part
    assert len(list(tmp_path.iterdir())) in (len(names), len(names) + 1)
    assert len(list(EventReader(tmp_path).events())) == len(EVENTS) + 1


def test_a_torn_last_line_is_ended_before_appending(tmp_path: Path) -> None:
    good = (EVENTS[0].to_json() + "\n").encode()
    (tmp_path / "2026-11-20.jsonl").write_bytes(good + good[:40])  # a writer killed mid-line
    reader = EventReader(tmp_path)
    assert len(list(reader.events())) == 1 and reader.report.partial == 1
    write_all(tmp_path, [EVENTS[1]])
    reader = EventReader(tmp_path)
    assert [e.id for e in reader.events()] == ["event-1", "event-2"]
    assert (reader.report.partial, reader.report.corrupt) == (0, 1)


def test_unwritable_directory_warns_once(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    errors = write_all(blocker / "devdata", EVENTS)
    assert len(errors) == 1 and "cannot write dev data" in errors[0]


def held(writer: JsonlWriter) -> threading.Event:
    """Make ``writer``'s thread wait before its first write until the returned event is set."""
    gate = threading.Event()
    original = writer._append
    writer._append = lambda day, line: (gate.wait(5), original(day, line))  # type: ignore[method-assign, assignment]
    return gate


def test_put_does_not_wait_for_the_disk(tmp_path: Path) -> None:
    writer = JsonlWriter(tmp_path, on_error=lambda m: None)
    gate = held(writer)
    for item in EVENTS:
        writer.put(item)  # returns while the thread is stuck on the first write
    assert not list(tmp_path.iterdir())
    gate.set()
    writer.close()
    assert len(list(EventReader(tmp_path).events())) == len(EVENTS)


def test_lone_surrogates_are_replaced_and_the_writer_goes_on(tmp_path: Path) -> None:
    broken = Excerpt(
        uri="file:///a.py", prefix="name = 'caf\udce9'\n", suffix="'\ud800'", suggestion="x\ud83d\ude00"
    )
    writer = JsonlWriter(tmp_path, on_error=lambda m: None)
    writer.put(event(1, "2026-11-20T10:00:00.000Z", text=broken))
    writer.put(event(2, "2026-11-20T10:01:00.000Z", guidance={"bad": object()}))  # type: ignore[dict-item]
    writer.put(EVENTS[2])
    writer.close()
    assert (writer.repaired, writer.dropped) == (1, 1)
    read = sorted(EventReader(tmp_path).events(), key=lambda e: e.id)
    assert [e.id for e in read] == ["event-1", "event-3"]
    assert read[0].text == Excerpt(
        uri="file:///a.py", prefix="name = 'caf\ufffd'\n", suffix="'\ufffd'", suggestion="x\U0001f600"
    )


def test_a_bad_event_leaves_the_thread_alive(tmp_path: Path) -> None:
    writer = JsonlWriter(tmp_path, on_error=lambda m: None)
    writer.put(
        event(1, "2026-11-20T10:00:00.000Z", text=Excerpt(uri="\ud800", prefix="", suffix="", suggestion=""))
    )
    writer.put(object())  # type: ignore[arg-type]
    writer.put(EVENTS[0])
    for _ in range(500):
        if len(list(EventReader(tmp_path).events())) == 2:
            break
        threading.Event().wait(0.01)
    assert writer.alive and writer.dropped == 1
    writer.close()
    assert not writer.alive and len(list(EventReader(tmp_path).events())) == 2


def test_the_queue_is_bounded_and_counts_what_it_drops(tmp_path: Path) -> None:
    writer = JsonlWriter(tmp_path, on_error=lambda m: None, max_queued=2)
    gate = held(writer)
    same_day = [
        dataclasses.replace(e, id=f"e{i}", time="2026-11-20T12:00:00.000Z") for i, e in enumerate(EVENTS * 3)
    ]
    for item in same_day:
        writer.put(item)  # the thread holds at most one, the queue two: the rest are dropped
    assert writer.dropped >= len(same_day) - 3
    gate.set()
    writer.close()
    assert len(list(EventReader(tmp_path).events())) == len(same_day) - writer.dropped


def test_data_dir_override(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path))
    assert devdata_dir() == tmp_path / "devdata"
    monkeypatch.delenv(DATA_DIR_ENV)
    assert devdata_dir().name == "devdata" and os.fspath(tmp_path) not in os.fspath(devdata_dir())


def test_big_files_are_streamed(tmp_path: Path) -> None:
    line = (EVENTS[0].to_json() + "\n").encode()
    (tmp_path / "2026-11-20.jsonl").write_bytes(line * 10_000)  # about 6 MB
    tracemalloc.start()
    try:
        assert sum(1 for _ in EventReader(tmp_path).events()) == 10_000
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000  # never holds the file
