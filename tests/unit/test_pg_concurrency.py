"""Many writers on one run in PostgreSQL, some killed mid-append: nothing acknowledged is lost, nothing is torn,
the seq has no gap, and each writer's changes stay in the order it made them."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from heypeter_tui.context import Context
from tests.conftest import FakeClock

WRITER = """
import sys
from datetime import datetime, timezone
from heypeter_tui.context import Context
from heypeter_tui.core.events import Actor, new_event

store_url, state, run_id, name, count = sys.argv[1:6]
from pathlib import Path
store = Context(state_dir=Path(state), store=store_url).workspace.store(run_id, writer=True)
actor = Actor(name, name, "host-" + name)
for n in range(int(count)):
    store.append(new_event("item.note", actor, datetime.now(timezone.utc), item="a/b", text=f"{name} {n}"))
    print(n, flush=True)  # acknowledged: the commit returned
"""


def writers(store: str, tmp_path: Path, run_id: str, names: list[str], count: int) -> list[subprocess.Popen[str]]:
    return [subprocess.Popen([sys.executable, "-c", WRITER, store, str(tmp_path / name), run_id, name, str(count)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for name in names]


def a_run(store: str, tmp_path: Path) -> tuple[Context, str]:
    context = Context(state_dir=tmp_path / "maker", clock=FakeClock(), store=store)
    return context, context.create_run("Concurrent", None)


def notes_by_writer(context: Context, run_id: str) -> dict[str, list[int]]:
    store = context.workspace.store(run_id)
    events = store.load()
    assert store.problems == []  # every row is a whole, valid event
    seen: dict[str, list[int]] = {}
    for event in events[1:]:
        name, number = event.get("text").split()
        seen.setdefault(name, []).append(int(number))
    return seen


def seqs(context: Context, run_id: str) -> list[int]:
    db = context.workspace.db  # type: ignore[attr-defined]
    return [row[0] for row in db.run(lambda c: c.execute("SELECT seq FROM events WHERE run = %s ORDER BY seq",
                                                         (run_id,)).fetchall())]


def test_four_writers_of_200_appends_lose_nothing_and_keep_their_order(pg_store: str, tmp_path: Path) -> None:
    context, run_id = a_run(pg_store, tmp_path)
    names = ["w1", "w2", "w3", "w4"]
    procs = writers(pg_store, tmp_path, run_id, names, 200)
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        assert out.split() == [str(n) for n in range(200)]
    seen = notes_by_writer(context, run_id)
    assert {name: seen[name] for name in names} == {name: list(range(200)) for name in names}
    assert seqs(context, run_id) == list(range(1, 802))  # one run.created and 800 notes, no gap, no double


def test_writers_killed_mid_append_leave_every_acknowledged_change_and_nothing_torn(pg_store: str,
                                                                                  tmp_path: Path) -> None:
    context, run_id = a_run(pg_store, tmp_path)
    names = ["k1", "k2", "k3", "k4"]
    procs = writers(pg_store, tmp_path, run_id, names, 100_000)
    acknowledged = {name: -1 for name in names}

    def follow(name: str, proc: subprocess.Popen[str]) -> None:
        for line in proc.stdout:  # type: ignore[union-attr]
            acknowledged[name] = int(line)

    readers = [threading.Thread(target=follow, args=pair, daemon=True) for pair in zip(names, procs)]
    for reader in readers:
        reader.start()
    deadline = time.monotonic() + 60
    while min(acknowledged.values()) < 30 and time.monotonic() < deadline:  # each one mid-stream
        time.sleep(0.01)
    for proc in procs:
        proc.send_signal(signal.SIGKILL)
    for proc, reader in zip(procs, readers):
        proc.wait(timeout=30)
        reader.join(timeout=30)
        assert proc.returncode == -signal.SIGKILL
    # A killed client's statement in flight may still commit: the server learns of the kill only when it answers.
    # Once the writers' sessions are gone, the log is what it will stay.
    db = context.workspace.db  # type: ignore[attr-defined]
    others = ("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
              "AND application_name = 'heypeter-tui' AND pid <> pg_backend_pid()")
    deadline = time.monotonic() + 30
    while db.run(lambda c: c.execute(others).fetchone()[0]) and time.monotonic() < deadline:
        time.sleep(0.05)
    seen = notes_by_writer(context, run_id)
    for name in names:
        assert acknowledged[name] >= 30
        # All that was acknowledged, in order; at most the one in flight beyond (committed, not yet said).
        assert seen[name] == list(range(len(seen[name])))
        assert acknowledged[name] + 1 <= len(seen[name]) <= acknowledged[name] + 2
    assert seqs(context, run_id) == list(range(1, 2 + sum(len(v) for v in seen.values())))
    session = context.session(run_id)  # the run reads whole and takes a change after the kills
    from heypeter_tui.core.commands import add_note

    session.record(add_note(session.state, next(iter(session.state.checklist.items_by_key)), "after"))
    assert seqs(context, run_id)[-1] == 2 + sum(len(v) for v in seen.values())
