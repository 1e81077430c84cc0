"""The fold, progress and the gate, over real events from the built-in checklist."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from heypeter_tui.core import commands
from heypeter_tui.core.errors import UserError
from heypeter_tui.core.events import Actor, new_event
from heypeter_tui.core.loader import load_checklist
from heypeter_tui.core.rules import gate, group_progress, overall_progress
from heypeter_tui.core.run import advance, fold
from heypeter_tui.core.staleness import readiness_digest
from tests.conftest import BUILTIN_CHECKLIST

ALICE = Actor("alice", "alice", "bastion")
BOB = Actor("bob", "root", "bastion")
NOW = datetime(2026, 12, 3, 12, 0, tzinfo=timezone.utc)
FIRST = "code-readiness/all-features-tested-and-approved"
LB = "infrastructure-setup/load-balancer-configured-if-applicable"


@pytest.fixture(scope="module")
def checklist():
    return load_checklist(BUILTIN_CHECKLIST)


@pytest.fixture
def state(checklist):
    created = new_event(
        "run.created", ALICE, NOW, run="r1", title="Release 2.4.0", checklist=checklist.id, template=checklist.to_dict()
    )
    return fold([created])


def apply(state, change, actor=ALICE):
    return advance(state, [new_event(change.type, actor, NOW, **change.data)])


def test_a_fresh_run_is_all_pending_and_no_go(state) -> None:
    assert str(overall_progress(state)) == "0/83"
    verdict = gate(state)
    assert not verdict.go
    assert "open: Code Readiness / All features tested and approved" in verdict.reasons
    assert "not signed: Tech Lead" in verdict.reasons


def test_status_records_who_and_when(state) -> None:
    state = apply(state, commands.toggle_done(state, FIRST), BOB)
    item = state.item(FIRST)
    assert (item.status, item.actor.operator, item.at) == ("done", "bob", "2026-12-03T12:00:00.000Z")
    assert str(group_progress(state, state.checklist.sections[0])) == "1/6"
    state = apply(state, commands.toggle_done(state, FIRST))
    assert state.item(FIRST).status == "pending"


def test_na_and_blocked_need_reasons(state) -> None:
    with pytest.raises(UserError, match="needs a reason"):
        commands.set_status(state, LB, "na")
    state = apply(state, commands.set_status(state, LB, "na", "single node"))
    assert state.item(LB).reason == "single node"
    assert group_progress(state, state.checklist.sections[1]).complete == 1  # N/A counts as complete
    state = apply(state, commands.set_status(state, FIRST, "blocked", "QA sign-off pending"))
    assert group_progress(state, state.checklist.sections[0]).blocked == 1
    assert "blocked: Code Readiness / All features tested and approved: QA sign-off pending" in gate(state).reasons


def test_gate_opens_when_all_readiness_is_complete_and_signed(state) -> None:
    for section in state.checklist.sections:
        for item in section.items:
            if not item.optional:  # optional items may stay open
                state = apply(state, commands.set_status(state, section.key(item), "done"))
    assert [r for r in gate(state).reasons if not r.startswith("not signed")] == []
    for role in state.checklist.signoffs:
        state = apply(state, commands.sign(state, role, f"{role} person"))
    assert gate(state).go
    state = apply(state, commands.revoke(state, "QA Lead", "found a regression"))
    assert gate(state).reasons == ("not signed: QA Lead",)


def test_sign_records_open_items(state) -> None:
    change = commands.sign(state, "tech lead", "Alice")
    digest = change.data.pop("readiness")
    assert change.data == {"role": "Tech Lead", "name": "Alice", "signature": "Alice", "open_items": 60}
    assert digest == readiness_digest(state) and len(digest) == 64
    with pytest.raises(UserError, match="no sign-off role 'CEO'"):
        commands.sign(state, "CEO", "x")


def test_notes_and_contacts(state) -> None:
    state = apply(state, commands.add_note(state, FIRST, "see PR #12\nand #13"))
    assert state.item(FIRST).notes[0].text == "see PR #12\nand #13"
    state = apply(state, commands.set_contact(state, "devops", "Bob", "+1 555 0100", "bob@example.com"))
    assert state.contacts["DevOps"].phone == "+1 555 0100"


def test_undo_restores_the_previous_value(state) -> None:
    state = apply(state, commands.set_status(state, FIRST, "blocked", "waiting"))
    state = apply(state, commands.set_status(state, FIRST, "done"))
    last = state.events[-1]
    state = advance(state, [new_event("undo", ALICE, NOW, target=last.id)])
    assert (state.item(FIRST).status, state.item(FIRST).reason) == ("blocked", "waiting")


def test_events_for_unknown_items_are_kept_but_change_nothing(state) -> None:
    state = advance(state, [new_event("item.status", ALICE, NOW, item="gone/item", status="done")])
    assert str(overall_progress(state)) == "0/83"
    assert state.events[-1].get("item") == "gone/item"


def test_find_item_by_key_id_or_text(state) -> None:
    assert commands.find_item(state, FIRST) == FIRST
    assert commands.find_item(state, "deploy-application-code") == "during-deployment/deploy-application-code"  # by id
    assert commands.find_item(state, "deploy application code") == "during-deployment/deploy-application-code"
    with pytest.raises(UserError, match="no item"):
        commands.find_item(state, "nothing like this")
