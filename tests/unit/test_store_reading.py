"""What a reader of a log says about each line it could not use: the line's number, across reads that each
pick up where the last stopped, and a message that names what was wrong, word for word."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from heypeter_tui.core.events import Actor, new_event
from heypeter_tui.core.store import RunStore
from heypeter_tui.core.validate import MAX_LINE_BYTES
from tests.conftest import created_event

DANA = Actor("Dana", "dana", "box")
NOW = datetime(2026, 12, 3, 12, 0, tzinfo=timezone.utc)


def note(text: str) -> bytes:
    return new_event("item.note", DANA, NOW, item="a/b", text=text).to_line()


def problems(store: RunStore) -> list[str]:
    return [f"{problem.line}: {problem.message}" for problem in store.problems]


def test_each_unusable_line_is_named_by_its_number_across_reads(tmp_path: Path) -> None:
    log = tmp_path / "run.jsonl"
    writer = RunStore.create(log, created_event(DANA, NOW))
    reader = RunStore(log)
    assert [event.type for event in reader.read_new()] == ["run.created"]  # a new store reads from the top
    assert not reader.restarted and reader.problems == []
    with open(log, "ab") as file:
        file.write(note("first"))
        file.write(b"\xff\xfe not text\n")
        file.write(b"   \n")
        file.write(b"[" * 100_000 + b"\n")
        file.write(b'{"x":"' + b"y" * MAX_LINE_BYTES + b'"}\n')
        file.write(created_event(DANA, NOW).to_line())
        file.write(b'{"id":"1","ts":"2026-12-03T12:00:00Z","actor":{},"type":"item.note"}\n')
        file.write(note("second"))
    assert [event.data["text"] for event in reader.read_new()] == ["first", "second"]
    assert not reader.restarted
    assert problems(reader) == [
        "3: not UTF-8; skipped",
        "5: not a valid event (nested too deeply); skipped",
        f"6: a line of {MAX_LINE_BYTES + 8:,} bytes (at most {MAX_LINE_BYTES:,}); skipped",
        "7: a second run.created: a run is created once; skipped",
        "8: not a valid event (item must be non-empty text); skipped",
    ]
    writer.append(new_event("item.note", DANA, NOW, item="a/b", text="third"))
    with open(log, "ab") as file:
        file.write(b"[1]\n")
    assert [event.data["text"] for event in reader.read_new()] == ["third"]
    assert problems(reader)[5:] == ["11: not a valid event (not a JSON object); skipped"]
    assert reader.read_new() == [] and len(reader.problems) == 6  # nothing new: nothing said twice


def test_a_line_of_exactly_the_limit_is_read(tmp_path: Path) -> None:
    log = tmp_path / "run.jsonl"
    RunStore.create(log, created_event(DANA, NOW))
    line = note("")
    filler = "z" * (MAX_LINE_BYTES - len(line) + 1)  # the newline is not part of the line
    with open(log, "ab") as file:
        file.write(note(filler))
    store = RunStore(log)
    assert len(store.load()) == 2 and store.problems == []


def test_a_store_made_by_create_is_a_writer_and_sets_a_torn_line_aside(tmp_path: Path) -> None:
    log = tmp_path / "run.jsonl"
    store = RunStore.create(log, created_event(DANA, NOW))
    size = log.stat().st_size
    with open(log, "ab") as file:
        file.write(b'{"id":"torn","ts":"20')
    assert len(store.load()) == 1
    assert [str(problem) for problem in store.problems] == [
        f"{log}:2: incomplete last line at byte {size} (a write was cut off); set aside in run.jsonl.torn-{size}"
    ]
    assert (tmp_path / f"run.jsonl.torn-{size}").read_bytes() == b'{"id":"torn","ts":"20'
