"""Properties of the fold over any sequence of valid events (hypothesis): it never fails, folding at once
or a line at a time agree, and undoing a change leaves the run as if the change had never been made."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from heypeter_tui.core.events import Actor, Event, new_event
from heypeter_tui.core.loader import load_checklist_source
from heypeter_tui.core.run import STATUSES, RunState, advance, fold
from heypeter_tui.core.validate import check_event
from tests.conftest import GOLDEN

CHECKLIST, SOURCE = load_checklist_source(GOLDEN / "checklist.yaml")
START = datetime(2026, 12, 3, 9, 30, tzinfo=timezone.utc)
T0 = "2026-12-03T11:00:00.000Z"  # the run starts with one: undoing a later T-0 must bring it back
ACTORS = [Actor("dana", "dana", "bastion"), Actor("sam", "ops", "jump-2")]
KEYS = [*CHECKLIST.items_by_key, "code/gone", "nowhere"]
ROLES = [*CHECKLIST.signoffs, "Nobody"]
CONTACTS = ["DevOps", "DBA", "New role"]
WORDS = st.text(st.sampled_from("ab [/]\\\n"), min_size=1, max_size=6)

CHANGES = st.one_of(
    st.tuples(st.just("item.status"), st.fixed_dictionaries(
        {"item": st.sampled_from(KEYS), "status": st.sampled_from(sorted(STATUSES))},
        optional={"reason": WORDS, "override": WORDS})),
    st.tuples(st.just("item.note"), st.fixed_dictionaries({"item": st.sampled_from(KEYS), "text": WORDS})),
    st.tuples(st.just("signoff.sign"), st.fixed_dictionaries(
        {"role": st.sampled_from(ROLES), "name": WORDS, "signature": WORDS, "open_items": st.integers(0, 9)})),
    st.tuples(st.just("signoff.revoke"), st.fixed_dictionaries({"role": st.sampled_from(ROLES), "reason": WORDS})),
    st.tuples(st.just("contact.set"), st.fixed_dictionaries(
        {"role": st.sampled_from(CONTACTS), "name": WORDS, "phone": st.just(""), "email": WORDS})),
    st.tuples(st.just("run.t0"), st.fixed_dictionaries({"t0": st.sampled_from(
        [None, "2026-12-03T12:00:00.000Z", "2026-12-04T08:15:00.000Z"])})),
    st.tuples(st.just("timer.start"),
              st.fixed_dictionaries({"item": st.sampled_from(KEYS), "seconds": st.integers(1, 99)})),
    st.tuples(st.just("timer.stop"), st.fixed_dictionaries({"item": st.sampled_from(KEYS)})),
    st.tuples(st.just("undo"), st.fixed_dictionaries({"target": st.integers(0, 40)})),
    st.tuples(st.just("some.future.type"), st.just({})),
)


def events_of(changes: list[tuple[str, dict]], actors: list[int]) -> list[Event]:
    """A log: run.created, then each change by one of two people, a minute apart; an undo names an event
    by its position (earlier, later, itself or none: every case the fold must take)."""
    created = new_event("run.created", ACTORS[0], START, schema=1, run="r", title="t", checklist=CHECKLIST.id, t0=T0,
                        template=CHECKLIST.to_dict(), contacts=[{"role": "DevOps", "name": "Bob"}])
    events = [replace(created, id="e0")]
    for n, ((kind, data), who) in enumerate(zip(changes, actors), start=1):
        if kind == "undo":
            data = {"target": f"e{data['target']}"}
        event = replace(new_event(kind, ACTORS[who], START + timedelta(minutes=n), **data), id=f"e{n}")
        check_event(event.to_dict())  # every event here is one the validator lets through
        events.append(event)
    return events


def seen(state: RunState) -> tuple:
    """What a person sees of a run: statuses, notes, signatures (not their log positions), contacts, T-0,
    timers."""
    signatures = {role: replace(signature, seq=0) for role, signature in state.signoffs.items()}
    return dict(state.items), signatures, dict(state.contacts), state.t0, dict(state.timers)


LOGS = st.integers(0, 30).flatmap(
    lambda size: st.tuples(st.lists(CHANGES, min_size=size, max_size=size),
                           st.lists(st.integers(0, 1), min_size=size, max_size=size))
)


@settings(max_examples=100, deadline=None)
@given(log=LOGS, split=st.integers(0, 31))
def test_any_valid_log_folds_and_a_line_at_a_time_agrees_with_all_at_once(log, split: int) -> None:
    events = events_of(*log)
    whole = fold(events)
    assert set(whole.items) <= set(CHECKLIST.items_by_key) and set(whole.signoffs) <= set(CHECKLIST.signoffs)
    stepwise = fold(events[: max(split, 1)])
    for event in events[max(split, 1):]:
        stepwise = advance(stepwise, [event])
    assert seen(stepwise) == seen(whole) and stepwise.undone == whole.undone


@settings(max_examples=100, deadline=None)
@given(log=LOGS, pick=st.integers(1, 30))
def test_undoing_a_change_leaves_the_run_as_if_it_had_never_been_made(log, pick: int) -> None:
    events = events_of(*log)
    state = fold(events)
    candidates = [e for e in events[1:] if e.type != "undo" and e.id not in state.undone]
    if not candidates:
        return
    target = candidates[pick % len(candidates)]
    undo = replace(new_event("undo", ACTORS[1], START + timedelta(hours=2), target=target.id), id="undo-last")
    undone = fold([*events, undo])
    without = fold([e for e in events if e.id != target.id])
    assert seen(undone) == seen(without)
