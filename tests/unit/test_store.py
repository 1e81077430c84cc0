"""The run log: what is acknowledged is on disk, private, and survives damage without being rewritten."""

from __future__ import annotations

import multiprocessing
import stat
from datetime import datetime, timezone
from pathlib import Path

from heypeter_tui.core.events import Actor, new_event
from heypeter_tui.core.store import RunStore
from tests.conftest import created_event

ACTOR = Actor("alice", "alice", "bastion")
NOW = datetime(2026, 12, 3, 12, 0, tzinfo=timezone.utc)


def make_store(path: Path) -> RunStore:
    return RunStore.create(path, created_event(ACTOR, NOW))


def test_append_then_reload_keeps_every_event_in_order(tmp_path: Path) -> None:
    store = make_store(tmp_path / "run.jsonl")
    for n in range(5):
        store.append(new_event("item.note", ACTOR, NOW, item="a/b", text=f"note {n}"))
    events = RunStore(store.path).load()
    assert [e.type for e in events] == ["run.created"] + ["item.note"] * 5
    assert [e.get("text") for e in events[1:]] == [f"note {n}" for n in range(5)]
    assert events[1].actor == ACTOR


def test_log_is_private(tmp_path: Path) -> None:
    store = make_store(tmp_path / "run.jsonl")
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600


def test_read_new_tails_only_what_was_appended(tmp_path: Path) -> None:
    store = make_store(tmp_path / "run.jsonl")
    reader = RunStore(store.path)
    assert len(reader.load()) == 1
    store.append(new_event("item.status", ACTOR, NOW, item="a/b", status="done"))
    assert [e.get("status") for e in reader.read_new()] == ["done"]
    assert reader.read_new() == []


def test_torn_last_line_is_set_aside_and_never_glued(tmp_path: Path) -> None:
    store = make_store(tmp_path / "run.jsonl")
    with open(store.path, "ab") as file:
        file.write(b'{"id":"torn-fragment","ts":"2026-12-0')  # a writer killed mid-line
    reader = RunStore(store.path, writer=True)
    assert len(reader.load()) == 1
    assert any(":2: incomplete last line" in str(problem) for problem in reader.problems)
    side_files = list(tmp_path.glob("run.jsonl.torn-*"))
    assert len(side_files) == 1 and side_files[0].read_bytes() == b'{"id":"torn-fragment","ts":"2026-12-0'

    store.append(new_event("item.status", ACTOR, NOW, item="a/b", status="done"))
    events = RunStore(store.path).load()
    assert [e.type for e in events] == ["run.created", "item.status"]
    lines = store.path.read_bytes().split(b"\n")
    assert lines[1] == b'{"id":"torn-fragment","ts":"2026-12-0'  # still there, untouched, a line of its own


def test_bad_middle_line_is_skipped_with_file_and_line(tmp_path: Path) -> None:
    store = make_store(tmp_path / "run.jsonl")
    with open(store.path, "ab") as file:
        file.write(b"this is not json\n")
    store.append(new_event("item.status", ACTOR, NOW, item="a/b", status="done"))
    before = store.path.read_bytes()
    reader = RunStore(store.path)
    assert [e.type for e in reader.load()] == ["run.created", "item.status"]
    assert [str(p) for p in reader.problems] == [
        f"{store.path}:2: not a valid event (Expecting value: line 1 column 1 (char 0)); skipped"
    ]
    assert store.path.read_bytes() == before


def _append_many(path: str, who: str, count: int) -> None:
    store = RunStore(Path(path), writer=True)
    actor = Actor(who, who, "host")
    for n in range(count):  # small and large changes, up to 400 KB: each one write, whole
        store.append(new_event("item.note", actor, NOW, item="a/b", text=f"{who}-{n}-" + who * (n % 5) * 100_000))


def test_two_processes_appending_small_and_large_changes_at_once_lose_nothing(tmp_path: Path) -> None:
    """Every change of two writers at once is read back whole, each writer's in its own order. (That a
    reader or a failing writer needs the lock is shown at the seam: tests/unit/test_store_seams.py.)"""
    store = make_store(tmp_path / "run.jsonl")
    workers = [multiprocessing.Process(target=_append_many, args=(str(store.path), who, 60)) for who in "ab"]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert [worker.exitcode for worker in workers] == [0, 0]
    reader = RunStore(store.path)
    texts = [str(e.get("text")).rstrip("ab") for e in reader.load()[1:]]
    assert not reader.problems
    assert sorted(texts) == sorted(f"{who}-{n}-" for who in "ab" for n in range(60))
    for who in "ab":  # each writer's events stay in its own order
        assert [t for t in texts if t.startswith(who)] == [f"{who}-{n}-" for n in range(60)]
