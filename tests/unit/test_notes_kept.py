"""An item keeps its newest notes and their count in the fold; every note is still read where it is shown in full."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from heypeter_tui.core import events as ev
from heypeter_tui.core.events import Actor, new_event
from heypeter_tui.core.item_log import all_notes
from heypeter_tui.core.loader import load_checklist
from heypeter_tui.core.resources import builtin_checklists
from heypeter_tui.core.run import NOTES_KEPT, fold

ACTOR = Actor("ana", "ana", "host")
START = datetime(2026, 12, 8, 9, 0, tzinfo=timezone.utc)


def _run(notes: int):
    checklist = load_checklist(builtin_checklists()["heypeter-production"])
    key = next(iter(checklist.items_by_key))
    log = [new_event(ev.RUN_CREATED, ACTOR, START, run="r", title="t", checklist=checklist.id,
                     template=checklist.to_dict())]
    log += [new_event(ev.ITEM_NOTE, ACTOR, START + timedelta(seconds=n), item=key, text=f"note {n}")
            for n in range(notes)]
    return log, key


def test_many_notes_count_all_keep_the_newest_and_read_every_one_on_demand():
    log, key = _run(NOTES_KEPT * 3 + 1)
    state = fold(log)
    item = state.item(key)
    assert item.note_count == NOTES_KEPT * 3 + 1
    assert [n.text for n in item.notes] == [f"note {n}" for n in range(2 * NOTES_KEPT + 1, 3 * NOTES_KEPT + 1)]
    assert [n.text for n in all_notes(state, key)] == [f"note {n}" for n in range(NOTES_KEPT * 3 + 1)]


def test_undoing_an_early_note_takes_it_out_of_the_count_and_the_full_list():
    log, key = _run(NOTES_KEPT + 5)
    log.append(new_event(ev.UNDO, ACTOR, START + timedelta(hours=1), target=log[1].id))
    state = fold(log)
    assert state.item(key).note_count == NOTES_KEPT + 4
    assert [n.text for n in all_notes(state, key)] == [f"note {n}" for n in range(1, NOTES_KEPT + 5)]


def test_notes_under_the_bound_are_the_folds_own():
    log, key = _run(3)
    state = fold(log)
    assert all_notes(state, key) == state.item(key).notes and state.item(key).note_count == 3
