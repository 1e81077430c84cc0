"""One contract, two stores: the file store and the PostgreSQL store answer every question alike.

The fold, the commands and the dashboard do not know which store they hold; these tests are why they need not.
Each runs on a state dir and on a fresh database of a real PostgreSQL server (tests/pgserver.py).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from heypeter_tui.context import Context
from heypeter_tui.core.errors import UserError
from heypeter_tui.core.events import Actor, new_event
from heypeter_tui.core.session import RunSession
from heypeter_tui.core.workspace import RunSpace
from tests.conftest import FakeClock

ALICE = Actor("alice", "alice", "laptop")
BOB = Actor("bob", "bob", "ci-runner")
NOW = datetime(2026, 12, 3, 9, 30, tzinfo=timezone.utc)


@pytest.fixture(params=["file", "postgres"])
def kind(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def context_for(kind: str, tmp_path: Path, request: pytest.FixtureRequest):
    """Contexts on one store, each with a state dir of its own (two hosts): the file store's runs live in the first
    host's state dir, which the second names with --store DIR."""
    store = request.getfixturevalue("pg_store") if kind == "postgres" else str(tmp_path / "host-0")
    made = 0

    def make(operator: str = "alice", clock: FakeClock | None = None) -> Context:
        nonlocal made
        made += 1
        return Context(state_dir=tmp_path / f"host-{made}", operator=operator, clock=clock or FakeClock(),
                       store=store)

    return make


def test_a_new_run_reads_back_whole_and_is_current(context_for) -> None:
    context = context_for()
    run_id = context.create_run("Release 4.2", None)
    space = context.workspace
    assert space.exists(run_id) and space.current_id() == run_id
    assert [run.id for run in space.runs()] == [run_id]
    assert space.header(run_id)["title"] == "Release 4.2"
    events = space.store(run_id).load()
    assert [event.type for event in events] == ["run.created"]
    assert events[0].get("title") == "Release 4.2" and events[0].actor.operator == "alice"


def test_appends_keep_ids_times_actors_and_order(context_for) -> None:
    context = context_for()
    run_id = context.create_run("r", None)
    store = context.workspace.store(run_id, writer=True)
    sent = [new_event("item.note", ALICE if n % 2 else BOB, NOW + timedelta(seconds=n), item="a/b", text=f"n{n}")
            for n in range(6)]
    store.append(*sent[:3])
    for event in sent[3:]:
        store.append(event)
    read = context_for().workspace.store(run_id).load()[1:]
    unlinked = [{key: value for key, value in e.data.items() if key != "prev"} for e in read]
    assert [(e.id, e.ts, e.actor, e.type, data) for e, data in zip(read, unlinked)] == [
        (e.id, e.ts, e.actor, e.type, dict(e.data)) for e in sent]
    assert len(read) == len(sent) and all(e.get("prev") for e in read)  # each linked to the line before it


def test_read_new_gives_only_what_came_since_by_anyone(context_for) -> None:
    writer, reader = context_for("alice"), context_for("bob")
    run_id = writer.create_run("r", None)
    watching = reader.workspace.store(run_id)
    assert len(watching.load()) == 1
    assert watching.read_new() == []
    writer.workspace.store(run_id, writer=True).append(new_event("item.note", ALICE, NOW, item="x/y", text="one"))
    assert [e.get("text") for e in watching.read_new()] == ["one"]
    assert watching.read_new() == []
    assert watching.events_read == 2 and not watching.restarted


def test_a_fork_reads_on_and_is_adopted_only_where_nothing_was_read_since(context_for) -> None:
    context = context_for()
    run_id = context.create_run("r", None)
    store = context.workspace.store(run_id, writer=True)
    store.load()
    store.append(new_event("item.note", ALICE, NOW, item="x/y", text="one"))
    fork = store.fork()
    assert [e.get("text") for e in fork.read_new()] == ["one"]
    assert store.adopt(fork)
    assert store.read_new() == []  # the fork's reading became the store's: nothing read twice
    stale = store.fork()
    store.append(new_event("item.note", ALICE, NOW, item="x/y", text="two"))
    stale.read_new()
    assert [e.get("text") for e in store.read_new()] == ["two"]
    assert not store.adopt(stale)  # the store read after the fork was made: refused, nothing changed


def test_sessions_on_two_hosts_see_each_others_changes(context_for) -> None:
    alice, bob = context_for("alice"), context_for("bob")
    run_id = alice.create_run("Release", None)
    mine, theirs = alice.session(run_id), bob.session(run_id)
    key = next(iter(mine.state.checklist.items_by_key))
    from heypeter_tui.core.commands import set_status

    mine.record(set_status(mine.state, key, "done"))
    new = theirs.refresh()
    assert [e.type for e in new] == ["item.status"] and new[0].actor.operator == "alice"
    assert theirs.state.items[key].status == "done"


def test_runs_resolve_by_id_prefix_and_title_oldest_first(context_for) -> None:
    clock = FakeClock()
    context = context_for(clock=clock)
    first = context.create_run("Release 4.2", None)
    clock.advance(minutes=1)
    second = context.create_run("Hotfix", None)
    space = context.workspace
    assert [run.id for run in space.runs()] == [first, second]
    assert space.resolve(first) == first and space.resolve("hotfix") == second
    assert space.resolve(second[:-2]) == second
    with pytest.raises(UserError, match="no run"):
        space.resolve("nothing like it")
    with pytest.raises(UserError, match="names 2 runs"):
        space.resolve("2026")


def test_two_runs_made_in_one_second_get_two_ids(context_for) -> None:
    context = context_for()
    ids = [context.create_run("Same", None) for _ in range(3)]
    assert len(set(ids)) == 3 and ids[1] == f"{ids[0]}-2"


def test_the_current_run_is_each_hosts_own_on_a_database(pg_store: str, tmp_path: Path) -> None:
    """A file store is one user's state dir, its pointer with it; a database is shared, so each host keeps its own."""
    alice, bob = (Context(state_dir=tmp_path / name, operator=name, clock=FakeClock(), store=pg_store)
                  for name in ("alice", "bob"))
    first = alice.create_run("one", None)
    second = bob.create_run("two", None)
    assert alice.workspace.current_id() == first  # bob's `new` moved bob's current run, not alice's
    assert bob.workspace.current_id() == second
    assert alice.existing_session().state.run_id == first


def test_a_missing_run_is_said_never_made(context_for) -> None:
    context = context_for()
    context.create_run("r", None)
    space: RunSpace = context.workspace
    assert not space.exists("20260101-000000-nothing")
    with pytest.raises(UserError, match="not a run id"):
        space.exists("../../etc/passwd")
    with pytest.raises(UserError):
        RunSession(space.store("20260101-000000-nothing"), ALICE)
