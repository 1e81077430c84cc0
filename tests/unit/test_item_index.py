"""An item's newest changes, as its detail shows them, are item_history's tail: however the states asked about follow
one another (a log growing, an older state, another run, an undo)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from heypeter_tui.core import events as ev
from heypeter_tui.core.events import Actor, new_event
from heypeter_tui.core.item_log import item_change_count, item_history, latest_item_history
from heypeter_tui.core.loader import load_checklist
from heypeter_tui.core.resources import builtin_checklists
from heypeter_tui.core.run import advance, fold

ACTOR = Actor("ana", "ana", "host")
START = datetime(2026, 12, 8, 9, 0, tzinfo=timezone.utc)
CHECKLIST = load_checklist(builtin_checklists()["heypeter-production"])
FIRST, SECOND = list(CHECKLIST.items_by_key)[:2]


def created():
    return new_event(ev.RUN_CREATED, ACTOR, START, run="r", title="t", checklist=CHECKLIST.id,
                     template=CHECKLIST.to_dict())


def changes(count: int, start: int = 0):
    """Notes, checks and ticks on two items, in turn."""
    made = []
    for n in range(start, start + count):
        at, key = START + timedelta(seconds=n + 1), (FIRST, SECOND)[n % 2]
        if n % 3 == 0:
            made.append(new_event(ev.ITEM_NOTE, ACTOR, at, item=key, text=f"note {n}"))
        elif n % 3 == 1:
            made.append(new_event(ev.ITEM_CHECK, ACTOR, at, item=key, command="true", outcome="passed", exit=0,
                                  output="", output_bytes=0, duration_ms=1, host="h"))
        else:
            made.append(new_event(ev.ITEM_STATUS, ACTOR, at, item=key, status="done" if n % 4 else "pending"))
    return made


def same_as_history(state, limit: int) -> None:
    for key in (FIRST, SECOND, "no/such-item"):
        whole = item_history(state, key)
        entries, earlier = latest_item_history(state, key, limit)
        assert entries == whole[-limit:] if limit else entries == []
        assert earlier == len(whole) - len(entries) and item_change_count(state, key) == len(whole)


def test_the_newest_changes_and_how_many_earlier_as_the_log_grows() -> None:
    state = fold([created(), *changes(40)])
    same_as_history(state, 5)
    grown = advance(state, iter(changes(30, start=40)))  # the same log, extended: only the new events are indexed
    same_as_history(grown, 5)
    same_as_history(state, 7)  # an older state of it (a detail opened before the latest change) stops at its own end
    same_as_history(grown, 1000)
    same_as_history(grown, 0)


def test_another_log_or_a_branch_of_the_same_is_indexed_afresh() -> None:
    base = fold([created(), *changes(20)])
    one = advance(base, iter(changes(10, start=20)))
    same_as_history(one, 4)
    other = advance(base, iter(changes(11, start=101)))  # a branch of the same state: other items changed after `base`
    same_as_history(other, 4)
    same_as_history(one, 4)
    same_as_history(fold([created(), *changes(25)]), 3)  # another read of a log: new event objects


def test_an_undo_marks_the_change_it_undid() -> None:
    log = [created(), *changes(12)]
    state = fold(log)
    target = next(event for event in log if event.type == ev.ITEM_NOTE and event.get("item") == FIRST)
    undone = advance(state, iter([new_event(ev.UNDO, ACTOR, START + timedelta(hours=1), target=target.id)]))
    entries, _ = latest_item_history(undone, FIRST, 100)
    assert [event.id for event, was_undone in entries if was_undone] == [target.id]
    same_as_history(undone, 100)
