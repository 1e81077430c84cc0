"""Every event type folds; a newer log is read-only; both exports carry the whole record."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from heypeter_tui.cli import main
from heypeter_tui.core import commands
from heypeter_tui.core.errors import UserError
from heypeter_tui.core.events import Actor, new_event
from heypeter_tui.core.report import to_json, to_markdown
from heypeter_tui.core.run import advance
from heypeter_tui.core.session import RunSession

FIRST = "code-readiness/all-features-tested-and-approved"
LB = "infrastructure-setup/load-balancer-configured-if-applicable"


def test_every_event_type_folds(context, clock) -> None:
    session = context.current_session()
    state = session.state
    events = [
        new_event("run.t0", session.actor, clock(), t0="2026-12-03T14:00:00.000Z"),
        new_event("timer.start", session.actor, clock(), item="final-steps/monitor-for-30-minutes"),
        new_event("timer.stop", session.actor, clock(), item="final-steps/monitor-for-30-minutes"),
        new_event("signoff.sign", session.actor, clock(), role="QA Lead", name="Q", signature="Q"),
        new_event("signoff.revoke", session.actor, clock(), role="QA Lead", reason="regression"),
        new_event("contact.set", session.actor, clock(), role="DevOps", name="Bob", phone="1", email=""),
        new_event("item.note", session.actor, clock(), item=FIRST, text="hello"),
        new_event("some.future.type", session.actor, clock()),
    ]
    state = advance(state, events)
    assert state.t0 == "2026-12-03T14:00:00.000Z"
    timer = state.timers["final-steps/monitor-for-30-minutes"]  # started, then stopped: it keeps its start and stop
    assert (timer.seconds, timer.started_at, timer.stopped_at) == (1800, events[1].ts, events[2].ts)
    assert "QA Lead" not in state.signoffs
    assert state.contacts["DevOps"].name == "Bob"
    assert state.item(FIRST).notes[0].text == "hello"
    assert len(state.events) == 1 + len(events)  # kept, even those it does not act on
    contact_event = events[5]
    state = advance(state, [new_event("undo", session.actor, clock(), target=contact_event.id)])
    assert state.contacts["DevOps"].name == ""  # back to the checklist's default
    state = advance(state, [new_event("undo", session.actor, clock(), target=events[4].id)])
    assert state.signoffs["QA Lead"].name == "Q"  # undoing the revoke restores the signature


def test_a_log_from_a_newer_schema_is_read_only(context, state_dir: Path, capsys) -> None:
    session = context.current_session()
    path = session.store.path
    lines = path.read_text().splitlines()
    created = json.loads(lines[0])
    created["schema"] = 2
    path.write_text(json.dumps(created) + "\n")
    reopened = context.session(session.state.run_id)
    assert "newer heypeter-tui" in reopened.state.read_only
    with pytest.raises(UserError, match="read-only"):
        reopened.record(commands.toggle_done(reopened.state, FIRST))
    assert main(["--state-dir", str(state_dir), "mark", FIRST, "done"]) == 2
    assert "opened read-only" in capsys.readouterr().err
    assert path.read_text().count("\n") == 1  # nothing written
    assert main(["--state-dir", str(state_dir), "status"]) == 0


def test_undo_walks_back_only_this_sessions_changes(context, clock) -> None:
    mine = context.current_session()
    theirs = RunSession(context.workspace.store(mine.state.run_id), Actor("bob", "bob", "laptop"), clock)
    mine.record(commands.toggle_done(mine.state, FIRST))
    theirs.record(commands.set_status(theirs.state, LB, "na", "one node"))
    mine.refresh()
    mine.record(mine.undo_change())
    assert mine.state.item(FIRST).status == "pending"
    assert mine.state.item(LB).status == "na"  # bob's change is bob's to undo
    with pytest.raises(UserError, match="nothing to undo"):
        mine.undo_change()


def test_both_exports_carry_states_notes_reasons_operators_and_undo(context, clock) -> None:
    session = context.current_session()
    session.set_operator("dana")
    session.record(commands.toggle_done(session.state, FIRST))
    session.record(commands.add_note(session.state, FIRST, "green on staging\nPR #12"))
    session.record(commands.set_status(session.state, LB, "na", "single node"))
    session.record(commands.set_status(session.state, "testing/load-testing-completed", "blocked", "env down"))
    session.record(commands.toggle_done(session.state, "testing/smoke-tests-on-production"))
    session.record(session.undo_change())
    session.record(commands.sign(session.state, "Tech Lead", "Dana Lee", "DL"))
    session.record(commands.set_contact(session.state, "DevOps", "Bob", "+1 555 0100", "bob@example.com"))
    state = session.state

    markdown = to_markdown(state, ids=True)
    assert (
        "- [x] All features tested and approved <!-- id: all-features-tested-and-approved; owner: QA Lead -->\n"
        "  - done, by dana ("
        in markdown
    )
    assert "  - Note by dana (" in markdown and "green on staging\n    PR #12" in markdown
    assert (
        "- [-] Load balancer configured (if applicable) <!-- id: load-balancer-configured-if-applicable; optional -->\n"
        "  - N/A: single node, by dana"
        in markdown
    )
    assert (
        "- [!] Load testing completed <!-- id: load-testing-completed -->\n  - blocked: env down, by dana" in markdown
    )
    assert "- [ ] Smoke tests on production <!-- id: smoke-tests-on-production -->\n- [" in markdown
    assert "undid: Smoke tests on production: done" in markdown
    assert (
        "| Tech Lead | all readiness | Dana Lee | DL | 2026-12-03 09:30:00 UTC | current; 58 readiness items open "
        "when signed |"
        in markdown
    )
    assert "| DevOps | Bob | +1 555 0100 | bob@example.com |" in markdown
    participants = next(line for line in markdown.splitlines() if line.startswith("- **Participants:**"))
    assert participants.startswith("- **Participants:** alice (") and ", dana (" in participants
    assert "- **T-0:** not set" in markdown

    record = to_json(state)
    items = {i["key"]: i for g in record["sections"] + record["phases"] for i in g["items"]}
    assert items[LB]["status"] == "na" and items[LB]["reason"] == "single node"
    assert items[FIRST]["by"]["operator"] == "dana" and items[FIRST]["notes"][0]["text"].startswith("green")
    assert [e["type"] for e in record["events"]].count("undo") == 1
    assert [p["operator"] for p in record["run"]["participants"]] == ["alice", "dana"]
