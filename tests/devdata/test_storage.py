"""The writer and reader alone: daily files, size rotation, torn lines, unwritable directories, huge lines."""

from __future__ import annotations

import dataclasses
import os
import threading
import tracemalloc
from pathlib import Path

from lsp_server.devdata.reader import EventReader
from lsp_server.devdata.writer import DATA_DIR_ENV, JsonlWriter, devdata_dir
from tests.devdata.constructed import EVENTS


def write_all(directory: Path, events: list, **kwargs: int) -> list[str]:
    errors: list[str] = []
    writer = JsonlWriter(directory, on_error=errors.append, **kwargs)
    for event in events:
        writer.put(event)
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


def test_put_does_not_wait_for_the_disk(tmp_path: Path) -> None:
    gate = threading.Event()
    writer = JsonlWriter(tmp_path, on_error=lambda m: None)
    original = writer._append
    writer._append = lambda day, line: (gate.wait(5), original(day, line))  # type: ignore[method-assign, assignment]
    for event in EVENTS:
        writer.put(event)  # returns while the thread is stuck on the first write
    assert not list(tmp_path.iterdir())
    gate.set()
    writer.close()
    assert len(list(EventReader(tmp_path).events())) == len(EVENTS)


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
