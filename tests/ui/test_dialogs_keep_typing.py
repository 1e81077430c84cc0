"""Dialogs keep what is typed: errors in place, T-0 resolved as typed, Escape asks, sign-offs asked about."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Static, TextArea

from heypeter_tui.context import Context
from heypeter_tui.core import commands
from heypeter_tui.core.staleness import stale_roles
from heypeter_tui.ui.app import HeyPeterApp
from heypeter_tui.ui.screens.dialog_base import ConfirmDialog
from heypeter_tui.ui.screens.dialogs import NoteDialog, OperatorDialog, ReasonDialog, SignDialog, T0Dialog

FIRST = "code-readiness/all-features-tested-and-approved"


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def test_the_t0_dialog_shows_the_date_a_time_means_before_it_is_set(make_app, clock) -> None:
    app = make_app()  # the clock reads 2026-12-03 09:30 UTC, and TZ is UTC
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("T")
        dialog = app.screen
        assert isinstance(dialog, T0Dialog)
        await pilot.press(*"09:00")
        assert text_of(dialog, "#resolved") == "→ Fri 2026-12-04 09:00 UTC, in 23h30m"  # tomorrow, said
        await pilot.press(*["backspace"] * 5, *"12:00")
        assert text_of(dialog, "#resolved") == "→ Thu 2026-12-03 12:00 UTC, in 2h30m"
        await pilot.press(*["backspace"] * 5, *"noon")
        assert text_of(dialog, "#resolved") == "'noon' is not a time; use 14:00, 2026-12-03 14:00, +2h or ISO 8601"
        await pilot.press("enter")
        assert app.screen is dialog and dialog.query_one(Input).value == "noon"  # kept, said in place
        await pilot.press(*["backspace"] * 4, *"+90m", "enter")
        await app.workers.wait_for_complete()
        assert app.state.t0 == "2026-12-03T11:00:00.000Z"


async def test_escape_on_typed_text_asks_before_throwing_it_away(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("1", "l", "x", *"moved to 2.5")
        reason = app.screen
        assert isinstance(reason, ReasonDialog)
        await pilot.press("escape")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")  # keep editing: nothing lost
        assert app.screen is reason and reason.query_one(Input).value == "moved to 2.5"
        await pilot.press("escape", "y")
        await app.workers.wait_for_complete()
        assert not isinstance(app.screen, (ReasonDialog, ConfirmDialog)) and len(app.state.events) == 1
        await pilot.press("n")
        assert isinstance(app.screen, NoteDialog)
        await pilot.press("escape")  # nothing typed: closes at once
        await app.workers.wait_for_complete()
        assert not isinstance(app.screen, NoteDialog)
        await pilot.press("n", *"half a note", "escape")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")  # escape on the question keeps the note
        assert app.screen.query_one(TextArea).text == "half a note"


async def test_sign_enter_in_the_name_signs_and_a_signed_role_says_who_it_replaces(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("s", "l", "enter", *"Dana Lee", "enter")
        await app.workers.wait_for_complete()
        assert (app.state.signoffs["Tech Lead"].name, app.state.signoffs["Tech Lead"].signature) == ("Dana Lee",) * 2
        await pilot.press("enter")
        dialog = app.screen
        assert isinstance(dialog, SignDialog)
        notice = " ".join(str(widget.render()) for widget in dialog.query(".dialog-notice"))
        assert "Already signed by Dana Lee at 2026-12-03 09:30 UTC: signing again replaces that sign-off" in notice
        assert "60 readiness items still open" in notice


async def test_a_change_that_would_make_sign_offs_stale_is_asked_about_once(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        for role in ("Tech Lead", "QA Lead"):
            app.session.record(commands.sign(app.state, role, "Dana"))
        app.state = app.session.state
        await pilot.press("1", "l", "space")
        question = app.screen
        assert isinstance(question, ConfirmDialog)
        assert "This makes 2 sign-offs stale (Tech Lead, QA Lead)" in text_of(question, ".dialog-notice")
        await pilot.press("enter")  # the safe answer has the focus: a stray enter keeps things as they were
        await app.workers.wait_for_complete()
        assert app.state.item(FIRST).status == "pending" and len(app.state.events) == 3
        await pilot.press("space", "y")
        await app.workers.wait_for_complete()
        assert app.state.item(FIRST).status == "done"
        await pilot.press("down", "space")  # already stale: nothing more to ask
        await app.workers.wait_for_complete()
        assert not isinstance(app.screen, ConfirmDialog) and len(app.state.events) == 5
        await pilot.press("space", "up", "space")  # both put back: fresh again, nothing asked
        await app.workers.wait_for_complete()
        assert not isinstance(app.screen, ConfirmDialog)
        assert stale_roles(app.state) == []


async def test_the_operator_is_kept_for_the_next_dashboard_and_the_command_line(
    state_dir: Path, tmp_path: Path, clock
) -> None:
    config = tmp_path / "cfg" / "config.yaml"
    context = Context(state_dir=state_dir, clock=clock, config_path=config)
    app = HeyPeterApp(context)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("o")
        assert isinstance(app.screen, OperatorDialog)
        await pilot.press(*["backspace"] * 30, *"Dana Lee", "enter")
        await app.workers.wait_for_complete()
        assert app.operator == "Dana Lee"
    assert config.read_text() == "operator: Dana Lee\n"
    again = Context(state_dir=state_dir, clock=clock, config_path=config)
    assert again.actor.operator == "Dana Lee"
    assert Context(state_dir=state_dir, clock=clock, config_path=config, operator="ci").actor.operator == "ci"
