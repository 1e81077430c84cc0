"""The database stopped, restarted, away: a change is either committed and said, or refused and said; a
listener notices within seconds, and says when it is back. A server of the test's own (tests/pgserver.py)."""

from __future__ import annotations

import queue
import threading
from pathlib import Path

import pytest

from heypeter_tui.context import Context
from heypeter_tui.core.commands import add_note
from heypeter_tui.core.errors import UserError
from heypeter_tui.core.pg_listen import listen
from tests.conftest import FakeClock, init_store
from tests.pgserver import PgServer


@pytest.fixture
def own_store(pg_restartable: PgServer) -> str:
    pg_restartable.create_database("runs")
    return init_store(pg_restartable.conninfo("runs"))


def a_session(store: str, tmp_path: Path, name: str = "alice", run_id: str | None = None):
    """A session of `name` on its own host: on `run_id`, or on a new run."""
    context = Context(state_dir=tmp_path / name, operator=name, clock=FakeClock(), store=store)
    return context, context.session(run_id or context.create_run("Faults", None))


def note(session, text: str):
    return session.record(add_note(session.state, next(iter(session.state.checklist.items_by_key)), text))


def notes(session) -> list[str]:
    return [note.text for item in session.state.items.values() for note in item.notes]


def test_a_change_while_the_database_is_stopped_is_refused_and_the_next_after_it_is_back_lands(
        pg_restartable: PgServer, own_store: str, tmp_path: Path) -> None:
    context, session = a_session(own_store, tmp_path)
    note(session, "before")
    pg_restartable.stop()
    with pytest.raises(UserError, match="lost the database|cannot reach the database") as refused:
        note(session, "while away")
    assert "\n" not in str(refused.value)
    pg_restartable.start_again()
    note(session, "after")  # the lost connection is made again on the next use
    fresh = context.session(session.state.run_id)
    assert notes(fresh) == ["before", "after"]


def test_a_fast_restart_loses_no_acknowledged_change(pg_restartable: PgServer, own_store: str, tmp_path: Path) -> None:
    context, session = a_session(own_store, tmp_path)
    for n in range(5):
        note(session, f"n{n}")
    pg_restartable.restart("fast")
    note(session, "after")  # on a connection the restart killed unseen: done again on a new one, not refused
    _, other = a_session(own_store, tmp_path, "bob", session.state.run_id)
    assert notes(other) == [f"n{n}" for n in range(5)] + ["after"]


def test_the_listener_hears_appends_notices_a_stop_and_says_when_the_database_is_back(
        pg_restartable: PgServer, own_store: str, tmp_path: Path) -> None:
    context, session = a_session(own_store, tmp_path)
    heard: queue.Queue[tuple[str, object]] = queue.Queue()
    stop = threading.Event()
    thread = threading.Thread(target=listen, daemon=True, kwargs=dict(
        db=context.workspace.db, changed=lambda run: heard.put(("changed", run)),
        reachable=lambda up, why: heard.put(("up" if up else "down", why)), stopped=stop.is_set))
    thread.start()
    try:
        assert heard.get(timeout=10) == ("up", "")
        _, writer = a_session(own_store, tmp_path, "bob", session.state.run_id)
        note(writer, "hello")
        assert heard.get(timeout=5) == ("changed", session.state.run_id)
        pg_restartable.stop()
        kind, why = heard.get(timeout=10)
        assert kind == "down" and "database" in str(why) and "\n" not in str(why)
        pg_restartable.start_again()
        while (event := heard.get(timeout=15))[0] == "down":  # attempts that failed before the server was up
            pass
        assert event == ("up", "")
        assert [e.get("text") for e in session.refresh()] == ["hello"]  # caught up by seq after the reconnect
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()
