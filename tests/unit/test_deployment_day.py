"""Deployment day's rules with an injected clock: countdown, due phases, timers, windows, the gate."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from heypeter_tui.cli import main
from heypeter_tui.core import commands
from heypeter_tui.core.errors import UserError
from heypeter_tui.core.events import Actor
from heypeter_tui.core.rules import gate
from heypeter_tui.core.schedule import countdown, due_at, is_overdue, timer_label, timer_remaining, windows
from heypeter_tui.core.session import RunSession

MONITOR = "final-steps/monitor-for-30-minutes"
ENABLE = "during-deployment/enable-maintenance-mode"
DISABLE = "final-steps/disable-maintenance-mode"
DEPLOY = "during-deployment/deploy-application-code"


def complete_readiness_and_sign(session) -> None:
    for section in session.state.checklist.sections:
        for item in section.items:
            session.record(commands.set_status(session.state, section.key(item), "done"))
    for role in session.state.checklist.signoffs:
        session.record(commands.sign(session.state, role, f"{role} person"))


def test_countdown_before_and_after_t0(session, clock) -> None:
    assert countdown(session.state, clock()) == "T-03:00:00"
    clock.advance(seconds=1)
    assert countdown(session.state, clock()) == "T-02:59:59"
    clock.advance(hours=3, minutes=12, seconds=32)
    assert countdown(session.state, clock()) == "T+00:12:33"


def test_pre_deployment_comes_due_two_hours_before_t0(session, clock) -> None:
    pre = session.state.checklist.phases[0]
    assert due_at(session.state, pre) == clock() + timedelta(hours=1)
    assert not is_overdue(session.state, pre, clock())
    clock.advance(hours=1, seconds=1)
    assert is_overdue(session.state, pre, clock())
    for item in pre.items:
        session.record(commands.set_status(session.state, pre.key(item), "done"))
    assert not is_overdue(session.state, pre, clock())


def test_set_t0_accepts_the_forms_people_type(session, clock) -> None:
    session.record(commands.set_t0("+2h", clock()))
    assert session.state.t0 == "2026-12-03T11:30:00.000Z"
    session.record(commands.set_t0("2026-12-03 14:00", clock()))
    assert session.state.t0 == "2026-12-03T14:00:00.000Z"
    session.record(commands.set_t0("15:30", clock()))
    assert session.state.t0 == "2026-12-03T15:30:00.000Z"
    session.record(commands.set_t0("2026-12-04T08:00:00+01:00", clock()))
    assert session.state.t0 == "2026-12-04T07:00:00.000Z"
    with pytest.raises(UserError, match="is not a time"):
        commands.set_t0("after lunch", clock())


def test_a_timer_runs_out_and_survives_a_restart(session, context, clock) -> None:
    session.record(commands.toggle_timer(session.state, MONITOR))
    timer = session.state.timers[MONITOR]
    clock.advance(minutes=10)
    assert timer_remaining(timer, clock()) == 20 * 60
    assert timer_label(timer, clock()) == "timer 00:20:00 left"
    reopened = context.current_session()  # quitting and starting again: it lives in the log
    clock.advance(minutes=20, seconds=1)
    assert timer_label(reopened.state.timers[MONITOR], clock()) == "time's up: tick it when done"
    reopened.record(commands.toggle_timer(reopened.state, MONITOR))
    assert reopened.state.timers[MONITOR].stopped_at == "2026-12-03T10:00:01.000Z"
    with pytest.raises(UserError, match="has no timer"):
        commands.toggle_timer(session.state, DEPLOY)


def test_the_maintenance_window_opens_and_closes_with_its_items(session, clock) -> None:
    assert [w.is_open for w in windows(session.state)] == [False]
    session.record(commands.set_status(session.state, ENABLE, "done", override="rehearsal"))
    clock.advance(minutes=14, seconds=32)
    window = windows(session.state)[0]
    assert window.is_open and window.seconds(clock()) == 14 * 60 + 32
    session.record(commands.set_status(session.state, DISABLE, "done"))
    clock.advance(hours=1)
    window = windows(session.state)[0]
    assert not window.is_open and window.seconds(clock()) == 14 * 60 + 32


def test_gate_blocked_missing_and_stale_signoffs(session) -> None:
    complete_readiness_and_sign(session)
    assert gate(session.state).go
    first = "code-readiness/all-features-tested-and-approved"
    session.record(commands.set_status(session.state, first, "blocked", "regression found"))
    reasons = gate(session.state).reasons
    assert reasons[0] == "blocked: Code Readiness / All features tested and approved: regression found"
    assert sum(r.startswith("stale: ") for r in reasons) == 5  # every signature predates the change
    session.record(commands.set_status(session.state, first, "done"))
    assert gate(session.state).go  # readiness is what they signed again: every signature vouches for it
    session.record(commands.set_status(session.state, first, "na", "moved to 2.4.1"))
    assert sum(r.startswith("stale: ") for r in gate(session.state).reasons) == 5  # N/A is not what they signed
    for role in session.state.checklist.signoffs:
        session.record(commands.sign(session.state, role, "again"))
    assert gate(session.state).go
    session.record(commands.revoke(session.state, "QA Lead", "found a regression"))
    assert gate(session.state).reasons == ("not signed: QA Lead",)


def test_undoing_a_readiness_change_is_a_readiness_change(session, context, clock) -> None:
    complete_readiness_and_sign(session)
    signer = RunSession(context.workspace.store(session.state.run_id), Actor("qa", "qa", "h"), clock)
    session.record(commands.set_status(session.state, "testing/load-testing-completed", "na", "covered by soak"))
    signer.refresh()  # they sign what they see: the N/A
    for role in session.state.checklist.signoffs:
        signer.record(commands.sign(signer.state, role, "again"))
    session.refresh()
    assert gate(session.state).go
    session.record(session.undo_change())  # the N/A goes back to done: readiness changed again
    assert sum(reason.startswith("stale: ") for reason in gate(session.state).reasons) == 5
    assert session.state.item("testing/load-testing-completed").status == "done"


def test_ticking_a_gated_item_while_no_go_needs_an_override(session) -> None:
    with pytest.raises(UserError, match="needs an override reason"):
        commands.toggle_done(session.state, DEPLOY)
    session.record(commands.toggle_done(session.state, DEPLOY, override="hotfix, CTO approved"))
    assert session.state.item(DEPLOY).override == "hotfix, CTO approved"
    session.record(commands.toggle_done(session.state, DEPLOY))  # unticking needs none
    pre = "pre-deployment/final-code-review"
    session.record(commands.toggle_done(session.state, pre))  # an ungated phase needs none
    complete_readiness_and_sign(session)
    session.record(commands.toggle_done(session.state, DEPLOY))  # GO: none needed
    assert session.state.item(DEPLOY).override == ""


def test_status_gate_exit_codes_through_a_deployment(state_dir: Path, capsys) -> None:
    def gate_code() -> int:
        code = main(["--state-dir", str(state_dir), "status", "--gate"])
        capsys.readouterr()
        return code

    def cli(*args: str) -> None:
        assert main(["--state-dir", str(state_dir), *args]) == 0, capsys.readouterr().err

    cli("new", "Release")
    assert gate_code() == 1  # a fresh run
    from heypeter_tui.context import Context

    session = Context(state_dir=state_dir).current_session()
    for section in session.state.checklist.sections:
        for item in section.items:
            status = ["na", "--reason", "not used here"] if item.optional else ["done"]
            cli("mark", section.key(item), *status)
    roles = session.state.checklist.signoffs
    for role in roles[:-1]:
        cli("sign", role, "--name", "Someone")
    assert gate_code() == 1  # one sign-off missing
    cli("sign", roles[-1], "--name", "Last")
    assert gate_code() == 0
    cli("mark", "testing/smoke-tests-on-production", "blocked", "--reason", "prod 500s")
    assert gate_code() == 1  # blocked, and every signature is now stale
    cli("mark", "testing/smoke-tests-on-production", "done")
    assert gate_code() == 0  # back to what was signed: fresh again
    cli("mark", "testing/smoke-tests-on-production", "na", "--reason", "covered by canary")
    assert gate_code() == 1  # stale: they signed it done, not N/A
    for role in roles:
        cli("sign", role, "--name", "Again")
    assert gate_code() == 0
    capsys.readouterr()
    cli("status", "--json")
    assert '"verdict": "GO"' in capsys.readouterr().out


def test_cli_timer(state_dir: Path, capsys) -> None:
    assert main(["--state-dir", str(state_dir), "new", "Release"]) == 0
    assert main(["--state-dir", str(state_dir), "timer", "Monitor for 30 minutes", "start"]) == 0
    assert main(["--state-dir", str(state_dir), "timer", "Monitor for 30 minutes", "start"]) == 2
    assert "already running" in capsys.readouterr().err
    assert main(["--state-dir", str(state_dir), "timer", "Monitor for 30 minutes", "stop"]) == 0
    assert main(["--state-dir", str(state_dir), "timer", "Deploy application code", "start"]) == 2
    assert "has no timer" in capsys.readouterr().err


def test_markdown_export_records_timer_window_and_override_with_times(session, clock) -> None:
    from heypeter_tui.core.report import to_json, to_markdown

    clock.advance(minutes=5)
    session.record(commands.set_status(session.state, ENABLE, "done", override="CTO approved on the bridge"))
    clock.advance(minutes=20)
    session.record(commands.set_status(session.state, DISABLE, "done"))
    session.record(commands.toggle_timer(session.state, MONITOR))
    clock.advance(minutes=31)
    session.record(commands.toggle_timer(session.state, MONITOR))
    markdown = to_markdown(session.state, ids=True)
    assert "| T-0 | 2026-12-03 12:30:00 UTC |  |" in markdown
    assert "| Pre-Deployment due | 2026-12-03 10:30:00 UTC | T-2h |" in markdown
    assert (
        "| Timer: Monitor for 30 minutes | started 2026-12-03 09:55:00 UTC, ran out at 2026-12-03 10:25:00 UTC, "
        "stopped 2026-12-03 10:26:00 UTC | ran 30m of 30m |"
    ) in markdown
    assert (
        "| Window: maintenance | opened 2026-12-03 09:35:00 UTC, closed 2026-12-03 09:55:00 UTC | lasted 20m |"
    ) in markdown
    assert (
        "- [x] Enable maintenance mode <!-- id: enable-maintenance-mode; opens: maintenance -->\n"
        "  - done, by alice (root@vm), 2026-12-03 09:35:00 UTC\n"
        "  - override while NO-GO: CTO approved on the bridge"
    ).replace("root@vm", f"{session.actor.user}@{session.actor.host}") in markdown
    assert "| 2026-12-03 09:35:00 UTC | alice (" in markdown
    assert "Enable maintenance mode: done \\[override while NO-GO: CTO approved on the bridge\\] |" in markdown
    record = to_json(session.state)
    assert record["windows"][0]["seconds"] == 20 * 60
    assert record["timers"][0]["ran_seconds"] == 30 * 60


def test_the_quick_verdict_agrees_with_the_full_gate_at_every_step(session) -> None:
    from heypeter_tui.core.rules import is_go

    def agree() -> None:
        assert is_go(session.state) == gate(session.state).go

    agree()
    complete_readiness_and_sign(session)
    agree()
    assert is_go(session.state)
    session.record(commands.set_status(session.state, DEPLOY, "blocked", "pipeline red"))  # a phase item
    agree()
    session.record(commands.set_status(session.state, DEPLOY, "pending"))
    agree()
    session.record(commands.set_status(session.state, "testing/load-testing-completed", "na", "covered"))
    agree()  # stale signatures
    assert not is_go(session.state)
    session.record(
        commands.set_status(session.state, "infrastructure-setup/load-balancer-configured-if-applicable", "pending")
    )
    agree()


def test_a_t0_two_hours_ahead_makes_pre_deployment_due_now_not_overdue(context, clock) -> None:
    """Reported: with T-0 set to +2h, Pre-Deployment (due T-2h) read OVERDUE at once. Its due time is now, which
    has not passed; the screen redraws a few milliseconds after T-0 was set, and that is still now."""
    clock.now = clock().replace(microsecond=123_456)  # T-0 is set at some moment within a second, as in life
    context.create_run("Release 2.4.0", None)
    session = context.current_session()
    session.record(commands.set_t0("+2h", clock()))
    pre = session.state.checklist.group("pre-deployment")
    assert due_at(session.state, pre) == clock().replace(microsecond=123_000)  # the log keeps milliseconds
    assert not is_overdue(session.state, pre, clock())
    clock.advance(milliseconds=40)  # the first frame drawn after the dialog closed
    assert not is_overdue(session.state, pre, clock())
    clock.advance(milliseconds=836)  # the last moment of the second it is due in
    assert not is_overdue(session.state, pre, clock())
    clock.advance(milliseconds=1)  # the next second: it has passed
    assert is_overdue(session.state, pre, clock())
    session.record(commands.set_t0("+3h", clock()))  # due in the future: not overdue
    assert not is_overdue(session.state, pre, clock())
