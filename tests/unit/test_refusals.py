"""Every refusal of a change says exactly what is wrong and what to do: the same words in the dashboard
and on the command line (both ask core/commands.py)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from heypeter_tui.core import commands
from heypeter_tui.core.errors import UserError
from heypeter_tui.core.staleness import readiness_digest

FIRST = "code-readiness/all-features-tested-and-approved"
MONITOR = "final-steps/monitor-for-30-minutes"
DEPLOY = "during-deployment/deploy-application-code"


@pytest.fixture
def state(context):
    return context.current_session().state


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda s: commands.find_item(s, "Nothing like it"),
            "no item 'Nothing like it' in checklist 'heypeter-production'",
        ),
        (lambda s: commands.find_item(s, "x" * 300), f"no item {'x' * 200!r} in checklist 'heypeter-production'"),
        (
            lambda s: commands.find_role(s.checklist.signoffs, "CTO"),
            "no sign-off role 'CTO'; the roles are: Tech Lead, QA Lead, Security Officer, Product Manager, "
            "Operations Manager",
        ),
        (
            lambda s: commands.set_contact(s, "Janitor", "a", "", ""),
            "no contact role 'Janitor'; the roles are: Tech Lead, DevOps, Database Admin, Security, Product Manager",
        ),
        (lambda s: commands.set_status(s, "no/such", "done"), "no item 'no/such'"),
        (lambda s: commands.set_status(s, FIRST, "na"), "marking an item N/A needs a reason"),
        (lambda s: commands.set_status(s, FIRST, "blocked", "  "), "marking an item blocked needs a reason"),
        (
            lambda s: commands.set_status(s, DEPLOY, "done"),
            "the gate says NO-GO (64 reasons); ticking 'Deploy application code' of During Deployment needs an "
            "override reason (--override REASON)",
        ),
        (lambda s: commands.add_note(s, "no/such", "text"), "no item 'no/such'"),
        (lambda s: commands.toggle_timer(s, FIRST), "'All features tested and approved' has no timer"),
        (lambda s: commands.timer(s, MONITOR, "stop"), f"the timer of {MONITOR!r} is not running"),
        (lambda s: commands.timer(s, MONITOR, "pause"), "unknown timer action 'pause'; use start or stop"),
        (lambda s: commands.sign(s, "QA Lead", " \t"), "signing as QA Lead needs a name"),
        (lambda s: commands.revoke(s, "qa-lead", "why"), "QA Lead has not signed"),
        (
            lambda s: commands.add_note(s, FIRST, "n" * 65537),
            "the note is 65,537 characters; at most 65,536 are allowed",
        ),
        (
            lambda s: commands.set_status(s, FIRST, "na", "r" * 2001),
            "the reason is 2,001 characters; at most 2,000 are allowed",
        ),
        (
            lambda s: commands.set_status(s, DEPLOY, "done", override="o" * 2001),
            "the override reason is 2,001 characters; at most 2,000 are allowed",
        ),
        (lambda s: commands.sign(s, "QA Lead", "n" * 121), "the name is 121 characters; at most 120 are allowed"),
        (
            lambda s: commands.sign(s, "QA Lead", "n", "s" * 1001),
            "the signature is 1,001 characters; at most 1,000 are allowed",
        ),
        (
            lambda s: commands.set_contact(s, "DevOps", "", "", "e" * 255),
            "the email is 255 characters; at most 254 are allowed",
        ),
        (
            lambda s: commands.parse_status("f" * 50),
            f"unknown status {'f' * 40!r}; use one of: pending, done, na, blocked",
        ),
        (
            lambda s: commands.parse_status("finished"),
            "unknown status 'finished'; use one of: pending, done, na, blocked",
        ),
        (
            lambda s: commands.set_t0("after lunch", datetime(2026, 12, 3, tzinfo=timezone.utc)),
            "'after lunch' is not a time; use 14:00, 2026-12-03 14:00, +2h or ISO 8601",
        ),
        (
            lambda s: commands.set_t0("x" * 100, datetime(2026, 12, 3, tzinfo=timezone.utc)),
            f"{'x' * 60!r} is not a time; use 14:00, 2026-12-03 14:00, +2h or ISO 8601",
        ),
        (
            lambda s: commands.set_t0("2040-01-01 00:00" + " " * 50 + "x", datetime(2026, 12, 3, tzinfo=timezone.utc)),
            f"{('2040-01-01 00:00' + ' ' * 50)[:60]!r} is not a time; use 14:00, 2026-12-03 14:00, +2h or ISO 8601",
        ),
        (
            lambda s: commands.set_t0("2040-01-01 00:00", datetime(2026, 12, 3, tzinfo=timezone.utc)),
            "'2040-01-01 00:00' is more than ten years from now; a T-0 is within ten years",
        ),
    ],
)
def test_each_refusal_says_what_is_wrong(state, change, message: str) -> None:
    with pytest.raises(UserError) as raised:
        change(state)
    assert str(raised.value) == message


def test_an_item_is_found_by_key_id_or_text_and_a_role_however_it_is_written(state) -> None:
    assert commands.find_item(state, FIRST) == FIRST
    assert commands.find_item(state, "  all FEATURES tested and approved ") == FIRST
    assert commands.find_item(state, "monitor-for-30-minutes") == MONITOR
    assert commands.find_role(state.checklist.signoffs, " qa-lead ") == "QA Lead"
    assert commands.find_role(state.checklist.signoffs, "SECURITY OFFICER") == "Security Officer"
    assert [commands.parse_status(word) for word in ("Open", " DONE ", "n/a", "NA", "blocked", "pending")] == [
        "pending", "done", "na", "na", "blocked", "pending"
    ]


def test_a_signature_records_the_name_the_signature_and_what_was_open(state) -> None:
    change = commands.sign(state, "tech lead", "  Dana Lee ", "")
    assert change.data.pop("readiness") == readiness_digest(state)
    assert (change.type, change.data) == (
        "signoff.sign", {"role": "Tech Lead", "name": "Dana Lee", "signature": "Dana Lee", "open_items": 60}
    )
    assert commands.sign(state, "Tech Lead", "Dana", " DL ").data["signature"] == "DL"
    contact = commands.set_contact(state, "devops", " Bob ", "+1 555\n", " b@x ")
    assert contact.data == {"role": "DevOps", "name": "Bob", "phone": "+1 555", "email": "b@x"}
    assert commands.add_note(state, FIRST, "  two\nlines  ").data == {"item": FIRST, "text": "two\nlines"}
    assert commands.set_status(state, FIRST, "na", " covered ").data == {
        "item": FIRST,
        "status": "na",
        "reason": "covered",
    }
    assert commands.set_status(state, FIRST, "done", "ignored").data == {"item": FIRST, "status": "done"}
    assert commands.timer(state, MONITOR, "start").data == {"item": MONITOR, "seconds": 1800}
    assert commands.add_note(state, FIRST, "n" * 65536).data["text"] == "n" * 65536  # at the limit: taken


def test_the_operator_needs_a_name_and_undo_something_of_ours(context) -> None:
    session = context.current_session()
    for name, message in [(" \x1b[2J ", "the operator needs a name"),
                          ("x" * 81, "the operator's name is 81 characters; at most 80 are allowed")]:
        with pytest.raises(UserError) as raised:
            session.set_operator(name)
        assert str(raised.value) == message
    session.set_operator("  carol\n")
    assert session.actor.operator == "carol"
    with pytest.raises(UserError) as raised:
        session.undo_change()
    assert str(raised.value) == "nothing to undo: no change made in this dashboard is left"


def test_a_phase_is_overdue_from_the_second_after_it_is_due_and_a_window_never_lasts_less_than_nothing(
    context, clock
) -> None:
    from datetime import timedelta

    from heypeter_tui.core.schedule import Window, is_overdue

    session = context.current_session()
    session.record(commands.set_t0("+3h", clock()))
    pre = session.state.checklist.group("pre-deployment")  # due at T-2h: an hour from now
    assert not is_overdue(session.state, pre, clock() + timedelta(minutes=59, seconds=59))
    assert not is_overdue(session.state, pre, clock() + timedelta(hours=1))  # due now: not yet late
    assert is_overdue(session.state, pre, clock() + timedelta(hours=1, seconds=1))
    skewed = Window("maintenance", "2026-12-03T10:00:00.000Z", None, "2026-12-03T09:59:00.000Z", None)
    assert skewed.seconds(clock()) == 0  # closed on a machine whose clock was behind


def test_an_item_named_in_two_groups_must_be_named_by_its_key(context, tmp_path) -> None:
    path = tmp_path / "twice.yaml"
    path.write_text("schema: 1\nid: twice\ntitle: T\nsections:\n  - {title: A, items: [Check]}\n"
                    "  - {title: B, items: [Check]}\n")
    context.create_run("R", str(path))
    state = context.current_session().state
    with pytest.raises(UserError) as raised:
        commands.find_item(state, "check")
    assert str(raised.value) == "'check' matches 2 items; use one of: a/check, b/check"
    assert commands.find_item(state, "b/check") == "b/check"
