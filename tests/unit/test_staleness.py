"""A sign-off vouches for the readiness its signer saw: stale while readiness differs, fresh once it is back."""

from __future__ import annotations

import json

import pytest

from heypeter_tui.core import commands
from heypeter_tui.core.events import Actor, new_event
from heypeter_tui.core.rules import gate
from heypeter_tui.core.run import fold
from heypeter_tui.core.session import RunSession
from heypeter_tui.core.staleness import is_stale, made_stale_by, readiness_digest, stale_roles, stale_since
from heypeter_tui.core.validate import InvalidEvent, check_event

FIRST = "code-readiness/all-features-tested-and-approved"
SECOND = "testing/load-testing-completed"
PHASE_ITEM = "during-deployment/deploy-application-code"


def sign_all(session) -> None:
    for role in session.state.checklist.signoffs:
        session.record(commands.sign(session.state, role, f"{role} person"))


def test_a_stray_space_undone_or_pressed_again_leaves_every_sign_off_fresh(session, clock) -> None:
    sign_all(session)
    session.record(commands.toggle_done(session.state, FIRST))
    assert len(stale_roles(session.state)) == 5
    session.record(session.undo_change())
    assert stale_roles(session.state) == [] and fold(session.store.load()).signoffs  # and from the log
    assert stale_roles(fold(session.store.load())) == []
    session.record(commands.toggle_done(session.state, FIRST))
    session.record(commands.toggle_done(session.state, FIRST))  # ticked, then unticked: as it was
    assert stale_roles(session.state) == []


def test_a_reason_is_part_of_what_was_signed_and_a_phase_item_is_not(session, clock) -> None:
    session.record(commands.set_status(session.state, SECOND, "na", "covered by soak"))
    sign_all(session)
    session.record(commands.toggle_done(session.state, PHASE_ITEM, override="rehearsal"))
    assert stale_roles(session.state) == []  # deployment day is not readiness
    session.record(commands.set_status(session.state, SECOND, "na", "not needed"))
    assert len(stale_roles(session.state)) == 5
    session.record(commands.set_status(session.state, SECOND, "na", "covered by soak"))
    assert stale_roles(session.state) == []


def test_a_signature_is_of_what_its_signer_saw_not_of_what_landed_meanwhile(session, context, clock) -> None:
    signer = RunSession(context.workspace.store(session.state.run_id), Actor("qa", "qa", "h"), clock)
    session.record(commands.toggle_done(session.state, FIRST))  # the signer has not seen this yet
    signer.record(commands.sign(signer.state, "QA Lead", "Quinn"))
    assert is_stale(signer.state, "QA Lead")
    assert "stale: QA Lead" in " ".join(gate(signer.state).reasons)
    session.record(session.undo_change())  # back to what Quinn saw
    assert not is_stale(session.state, "QA Lead")


def test_a_log_from_before_digests_keeps_the_order_rule(session, clock) -> None:
    old = new_event("signoff.sign", session.actor, clock(), role="Tech Lead", name="Old", open_items=60)
    session.store.append(old)
    session.refresh()
    assert not is_stale(session.state, "Tech Lead")
    session.record(commands.toggle_done(session.state, FIRST))
    session.record(session.undo_change())
    assert is_stale(session.state, "Tech Lead")  # without a digest there is no telling it is back


@pytest.mark.parametrize("digest", ["", "ab", "A" * 64, "g" * 64, 7, ["x"], "0" * 63 + "\n"])
def test_a_readiness_digest_that_is_not_sha256_hex_makes_the_line_unreadable(digest) -> None:
    raw = {"id": "e1", "ts": "2026-11-27T10:00:00.000Z", "actor": {}, "type": "signoff.sign", "role": "QA Lead",
           "name": "Q", "readiness": digest}
    with pytest.raises(InvalidEvent, match="readiness must be a SHA-256 digest"):
        check_event(json.loads(json.dumps(raw)))
    raw["readiness"] = "0" * 64
    check_event(raw)


def test_the_digest_changes_with_any_readiness_status_or_reason_and_nothing_else(session, clock) -> None:
    seen = {readiness_digest(session.state)}
    for change in (
        commands.toggle_done(session.state, FIRST),
        commands.set_status(session.state, SECOND, "blocked", "db"),
        commands.set_status(session.state, SECOND, "blocked", "db down"),
        commands.set_status(session.state, SECOND, "na", "db down"),
    ):
        session.record(change)
        seen.add(readiness_digest(session.state))
    assert len(seen) == 5
    before = readiness_digest(session.state)
    session.record(commands.add_note(session.state, FIRST, "a note"))
    session.record(commands.set_t0("+1h", clock()))
    assert readiness_digest(session.state) == before


def test_what_a_change_would_make_stale_is_said_before_it_is_made(session, clock) -> None:
    sign_all(session)
    session.record(commands.revoke(session.state, "Operations Manager", "away"))
    tick = commands.toggle_done(session.state, FIRST)
    assert made_stale_by(session.state, tick, session.actor, clock()) == [
        role for role in session.state.checklist.signoffs if role != "Operations Manager"
    ]
    assert made_stale_by(session.state, commands.add_note(session.state, FIRST, "n"), session.actor, clock()) == []
    phase = commands.toggle_done(session.state, PHASE_ITEM, override="rehearsal")
    assert made_stale_by(session.state, phase, session.actor, clock()) == []
    session.record(tick)
    untick = commands.toggle_done(session.state, FIRST)
    assert made_stale_by(session.state, untick, session.actor, clock()) == []  # it makes them fresh
    assert session.state.item(FIRST).status == "done"


def test_stale_since_is_the_latest_move_away_from_what_was_signed(session, clock) -> None:
    sign_all(session)
    assert stale_since(session.state, "QA Lead") is None
    clock.advance(minutes=5)
    session.record(commands.toggle_done(session.state, FIRST))
    first_move = session.state.last_event.ts
    clock.advance(minutes=5)
    session.record(commands.set_status(session.state, SECOND, "na", "soak"))
    assert stale_since(session.state, "QA Lead").ts == first_move  # still stale since the first move
    clock.advance(minutes=5)
    session.record(commands.set_status(session.state, SECOND, "pending"))
    session.record(commands.toggle_done(session.state, FIRST))
    assert stale_since(session.state, "QA Lead") is None  # fresh again
    clock.advance(minutes=5)
    undo_target = session.record(commands.toggle_done(session.state, FIRST))
    assert stale_since(session.state, "QA Lead") == undo_target
    clock.advance(minutes=5)
    session.record(commands.Change("undo", {"target": undo_target.id}))
    assert stale_since(session.state, "QA Lead") is None  # the undo put it back
