"""A read of the log apart from its session (the dashboard's worker thread): it changes nothing the session
holds until taken, and a read the session has overtaken is never taken, so no change is lost or folded twice."""

from __future__ import annotations

import os
import threading

from heypeter_tui.core import commands
from heypeter_tui.core.events import Actor
from heypeter_tui.core.session import RunSession

FIRST = "code-readiness/all-features-tested-and-approved"
LB = "infrastructure-setup/load-balancer-configured-if-applicable"
BOB = Actor("bob", "bob", "laptop")


def bob_of(session: RunSession, clock) -> RunSession:
    return RunSession(session.store.__class__(session.store.path), BOB, clock)


def test_a_read_in_another_thread_changes_nothing_until_taken(context, clock) -> None:
    mine = context.current_session()
    before = mine.state
    bob = bob_of(mine, clock)
    bob.record(commands.toggle_done(bob.state, FIRST))
    with open(mine.store.path, "ab") as file:
        file.write(b"[1]\n")
    catchup = mine.read_apart()
    reader = threading.Thread(target=catchup.run)
    reader.start()
    reader.join()
    assert mine.state is before and mine.problems == []  # read and folded, but not the session's yet
    assert [event.actor.operator for event in mine.take(catchup)] == ["bob"]
    assert mine.state.item(FIRST).status == "done"
    assert [problem.split(": ", 1)[1] for problem in mine.problems] == [
        "not a valid event (not a JSON object); skipped"
    ]
    assert mine.refresh() == [] and len(mine.problems) == 1  # taken whole: nothing read or said twice


def test_a_read_the_session_overtook_is_not_taken_and_nothing_is_lost(context, clock) -> None:
    mine = context.current_session()
    bob = bob_of(mine, clock)
    bob.record(commands.toggle_done(bob.state, FIRST))
    catchup = mine.read_apart().run()  # bob's change, read in a worker ...
    mine.record(commands.set_status(mine.state, LB, "na", "one node"))  # ... while this dashboard recorded
    assert mine.take(catchup) is None
    assert (mine.state.item(FIRST).status, mine.state.item(LB).status) == ("done", "na")
    assert mine.refresh() == []
    assert [event.type for event in mine.state.events].count("item.status") == 2  # each folded once


def test_two_reads_begun_together_are_taken_once(context, clock) -> None:
    mine = context.current_session()
    bob = bob_of(mine, clock)
    first, second = mine.read_apart(), mine.read_apart()
    bob.record(commands.toggle_done(bob.state, FIRST))
    assert len(mine.take(first.run()) or []) == 1
    assert mine.take(second.run()) is None  # it read the same change: taking it would fold it twice
    assert len(mine.state.events) == 2


def test_a_replaced_log_read_apart_is_folded_again_from_the_top(context, clock) -> None:
    mine = context.current_session()
    path = mine.store.path
    backup = path.read_bytes()
    mine.record(commands.toggle_done(mine.state, FIRST))
    restored = path.with_name("restored")
    restored.write_bytes(backup)
    restored.chmod(0o600)
    os.replace(restored, path)
    catchup = mine.read_apart().run()
    assert catchup.restarted and mine.state.item(FIRST).status == "done"
    assert [event.type for event in mine.take(catchup)] == ["run.created"]
    assert mine.store.restarted and mine.state.item(FIRST).status == "pending"
