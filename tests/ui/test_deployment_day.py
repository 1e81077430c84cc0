"""Deployment day on screen, with the clock injected and moved by the test: no sleeps."""

from __future__ import annotations

from datetime import timedelta

from textual.widgets import Button, Input

from heypeter_tui.core import commands
from heypeter_tui.ui.screens.dialog_base import ConfirmDialog
from heypeter_tui.ui.screens.dialogs import ReasonDialog, SignDialog, T0Dialog
from heypeter_tui.ui.widgets.gate_panel import GatePanel
from heypeter_tui.ui.widgets.header import RunHeader
from heypeter_tui.ui.widgets.items import ItemList
from heypeter_tui.ui.widgets.navigator import Navigator
from heypeter_tui.ui.widgets.tables import SignoffTable


def clock_text(app) -> str:
    return app.query_one(RunHeader).render().plain.splitlines()[1]


def nav_row(app, title: str) -> str:
    return next(o.prompt.plain for o in app.query_one(Navigator).rows if title in o.prompt.plain)


def prompts(app) -> list[str]:
    return [option.prompt.plain for option in app.query_one(ItemList).rows]


async def test_countdown_and_pre_deployment_due_two_hours_before(make_app, context, clock) -> None:
    context.create_run("Release 2.4.0", None, clock() + timedelta(hours=3))  # T-0 12:30
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        assert "T-03:00:00" in clock_text(app)
        clock.advance(seconds=1)
        app.tick()
        await pilot.pause()
        assert "T-02:59:59" in clock_text(app)
        assert " 10:30 " in nav_row(app, "Pre-Deployment")
        await pilot.press("d")
        assert app.query_one(ItemList).border_subtitle == "due 10:30 (T-2h)"
        clock.advance(hours=1, seconds=1)
        app.tick()
        await pilot.pause()
        assert "!10:30" in nav_row(app, "Pre-Deployment")  # overdue: by symbol, and by colour
        assert app.query_one(ItemList).border_subtitle == "OVERDUE since 10:30 (T-2h)"
        clock.advance(hours=2, minutes=12, seconds=31)  # 3h 12m 33s after 09:30 in all
        app.tick()
        await pilot.pause()
        assert "T+00:12:33" in clock_text(app)


async def test_a_timer_counts_down_rings_and_asks_to_be_ticked(make_app, clock, monkeypatch) -> None:
    app = make_app()
    rang: list[str] = []
    notes: list[str] = []
    monkeypatch.setattr(app, "bell", lambda: rang.append("bell"))
    monkeypatch.setattr(app, "notify", lambda message, **_: notes.append(message))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("d", "d", "d", "d", "l", "down", "down")
        assert prompts(app)[2].endswith("30m timer: t starts it")
        await pilot.press("t")
        clock.advance(minutes=10)
        app.tick()
        await pilot.pause()
        assert prompts(app)[2].endswith("timer 00:20:00 left")
        assert "timer 00:20:00" in clock_text(app)
        clock.advance(minutes=20)
        app.tick()
        await pilot.pause()
        assert rang == ["bell"]
        assert notes == ["Monitor for 30 minutes: time's up; tick it when done"]
        assert prompts(app)[2].endswith("time's up: tick it when done")
        clock.advance(seconds=5)
        app.tick()
        assert rang == ["bell"]  # once


async def test_the_maintenance_window_and_an_override(make_app, clock) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("d", "d", "l", "space")  # During Deployment is gated: NO-GO asks first
        assert isinstance(app.screen, ReasonDialog)
        assert app.screen.query_one("#submit", Button).label.plain == "Tick anyway"
        await pilot.press(*"emergency fix, CTO on the call", "enter")
        key = "during-deployment/enable-maintenance-mode"
        assert app.state.item(key).override == "emergency fix, CTO on the call"
        assert "MAINTENANCE 00:00:00" in clock_text(app)
        clock.advance(minutes=14, seconds=32)
        app.tick()
        await pilot.pause()
        assert "MAINTENANCE 00:14:32" in clock_text(app)
        assert "override while NO-GO: emergency fix, CTO on the call" in prompts(app)[0]


async def test_a_declined_override_records_nothing(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("d", "d", "l", "space")
        assert isinstance(app.screen, ReasonDialog) and "Override the gate" in str(app.screen.dialog_title)
        await pilot.press("escape")
        assert not isinstance(app.screen, ReasonDialog) and len(app.state.events) == 1


async def test_gate_panel_sign_anyway_stale_and_revoke(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("g")
        panel = app.query_one(GatePanel)
        text = panel.text
        assert text.startswith("  NO-GO  ") and "Standing in the way (64):" in text
        assert text.count("\n  • ") == 64 and "  • not signed: Operations Manager" in text  # every one: it scrolls
        await pilot.press("end")
        assert app.query_one("#gate").scroll_y > 0
        await pilot.press("s", "l", "enter")
        assert isinstance(app.screen, SignDialog)
        assert app.screen.query_one("#submit", Button).label.plain == "Sign anyway"
        await pilot.press(*"Dana", "enter")  # the name is the last required field: enter signs
        table = app.query_one(SignoffTable)
        assert table.get_row("Tech Lead")[0].plain == "[x] Tech Lead"
        await pilot.press("1", "l", "space")
        assert isinstance(app.screen, ConfirmDialog)  # asked once: this makes Dana's sign-off stale
        assert "This makes 1 sign-off stale (Tech Lead)" in str(app.screen.query_one(".dialog-notice").render())
        await pilot.press("y", "s")
        assert table.get_row("Tech Lead")[0].plain == "[~] Tech Lead"
        assert table.get_row("Tech Lead")[4].plain.startswith("stale since 09:30: All")  # the rest cut to fit
        assert "[~] Tech Lead  Dana: stale since 09:30, sign again" in panel.text
        await pilot.press("l", "r", *"wrong person", "enter")
        await app.workers.wait_for_complete()
        assert "Tech Lead" not in app.state.signoffs
        assert app.state.events[-1].get("reason") == "wrong person"
        assert table.get_row("Tech Lead")[4].plain.startswith("revoked 09:30 by alice:")  # its reason cut to fit
        await pilot.press("enter", *"Bob", "enter")
        await app.workers.wait_for_complete()
        assert table.get_row("Tech Lead")[4].plain == "current; after a revoke"


async def test_capital_t_sets_t0(make_app, clock, monkeypatch) -> None:
    app = make_app()
    said: list[str] = []
    monkeypatch.setattr(app, "notify", lambda message, **_: said.append(message))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("T")
        assert isinstance(app.screen, T0Dialog)
        await pilot.press(*"+2h", "enter")
        assert app.state.t0 == "2026-12-03T11:30:00.000Z"
        assert "T-02:00:00" in clock_text(app)
        await pilot.press("T", *["backspace"] * 20, *"soon", "enter")
        assert app.state.t0 == "2026-12-03T11:30:00.000Z"  # refused in place, nothing changed, the text kept
        dialog = app.screen
        assert isinstance(dialog, T0Dialog) and dialog.query_one(Input).value == "soon"
        error = "'soon' is not a time; use 14:00, 2026-12-03 14:00, +2h or ISO 8601"
        assert str(dialog.query_one("#resolved").render()) == error  # said under the field, once
        assert str(dialog.query_one(".dialog-error").render()) == ""
        await pilot.press(*["backspace"] * 4, *"+999999999999h", "enter")  # overflowed: the app died once
        assert app.is_running and app.state.t0 == "2026-12-03T11:30:00.000Z" and app.screen is dialog
        assert said == []


async def test_enter_on_a_go_no_go_reason_goes_to_its_item(make_app) -> None:
    app = make_app()
    blocked = "pre-deployment/database-backup-taken"
    app.session.record(commands.set_status(app.state, blocked, "blocked", "no space on the backup host"))
    app.state = app.session.state
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("g")
        panel = app.query_one(GatePanel)
        assert panel.highlighted_row.prompt.plain == "  • open: Code Readiness / All features tested and approved"
        await pilot.press("enter")
        items = app.query_one(ItemList)
        assert app.focused is items and items.highlighted_key == "code-readiness/all-features-tested-and-approved"
        await pilot.press("g", "down", "enter")  # the highlight is kept; the next reason naming an item
        assert items.highlighted_key == "code-readiness/code-review-completed-for-all-changes"
        await pilot.press("g", "end")  # the last item reason: sign-off lines name no item, and are passed over
        assert panel.highlighted_row.id in {key for key in app.state.checklist.items_by_key}
        reasons = [row.id for row in panel.rows if row.id]
        assert blocked in reasons and len(reasons) == 60  # every open readiness item (59) and the blocked one
        await pilot.press("enter")
        assert app.focused is items and items.highlighted_key == panel.highlighted_row.id
