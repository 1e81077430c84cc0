"""Every view follows every kind of run change, and the dashboard never falls over doing it.

A matrix: each view (a section, a phase, the item beside the list, sign-offs, contacts, Go / No-Go, What's next and
What's next narrowed to one owner) x each change (Switch run… to a run of this checklist, New run…, Switch run… to a
run of a smaller checklist with other ids, the log replaced by that other run's, the log cut back to its first line).
After each: the app still runs, the clock ticks on (the crash was in the tick), keys still work, the view shows the
new run's content, and nothing went wrong (Pilot re-raises whatever escaped; the return code stays unset).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from textual.widgets import OptionList

from heypeter_tui.context import Context
from heypeter_tui.core import commands
from heypeter_tui.core.next_items import next_items
from heypeter_tui.ui.app import HeyPeterApp
from heypeter_tui.ui.screens.dialogs import NewRunDialog
from heypeter_tui.ui.screens.owner_picker import OwnerPicker
from heypeter_tui.ui.screens.run_picker import RunPicker
from heypeter_tui.ui.widgets.gate_panel import GatePanel
from heypeter_tui.ui.widgets.item_side import ItemSide
from heypeter_tui.ui.widgets.items import ItemList
from heypeter_tui.ui.widgets.navigator import Navigator
from heypeter_tui.ui.widgets.next_pane import NextPane
from heypeter_tui.ui.widgets.tables import ContactsTable, SignoffTable
from tests.ui.conftest import poll, workers_done
from tests.ui.test_every_view_literal import screen_text

SMALL = """schema: 1
id: small
title: Small Checklist
sections:
  - title: Only Section
    owner: Boss
    items: [Lonely item, Second item]
signoffs: [Boss]
contacts:
  - role: Pager
"""
"""Fewer sections, no phases, one role, one contact, and not one id in common with the built-in checklist."""

TIMED = "final-steps/monitor-for-30-minutes"
VIEWS = {
    "section": ("3",),
    "phase": ("d", "d", "d", "d"),  # Final Steps, whose timer runs
    "side": ("3", "l", "down", "down"),  # at 170 columns the highlighted item shows beside the list
    "signoffs": ("s", "l", "down", "down", "down"),
    "contacts": ("c", "l", "end"),
    "gate": ("g",),
    "next": ("w", "l", "down", "down"),
    "next-owner": ("w", "l", "f"),  # then an owner is chosen in the picker
}
CHANGES = ("switch", "new", "other-checklist", "log-replaced", "log-cut-back")


@pytest.fixture
def small_context(state_dir: Path, tmp_path: Path, clock) -> Context:
    config = tmp_path / "cfg"
    (config / "checklists").mkdir(parents=True)
    (config / "checklists" / "small.yaml").write_text(SMALL)
    return Context(state_dir=state_dir, operator="alice", clock=clock, config_path=config / "config.yaml")


async def settle(app: HeyPeterApp, pilot) -> None:
    await workers_done(app, "io")
    await pilot.pause()
    await pilot.pause()


async def pick_run(app: HeyPeterApp, pilot, run_id: str) -> None:
    """The palette's Switch run… with the run chosen in its picker, as a person does it."""
    app.action_switch_run()
    for _ in range(100):
        await settle(app, pilot)
        if isinstance(app.screen, RunPicker):
            break
    assert isinstance(app.screen, RunPicker)
    options = app.screen.query_one(OptionList)
    options.highlighted = options.get_option_index(run_id)
    await pilot.press("enter")
    await settle(app, pilot)


async def change_run(change: str, app: HeyPeterApp, pilot, context: Context) -> str:
    """Make `change`; the title of the run shown afterwards."""
    if change == "switch":
        other = context.create_run("Another release", None)
        context.workspace.set_current(app.state.run_id)
        await pick_run(app, pilot, other)
        return "Another release"
    if change == "new":
        app.action_new_run()
        await pilot.pause()
        assert isinstance(app.screen, NewRunDialog)
        await pilot.press(*"Release 3.0", "enter", "enter")
        await settle(app, pilot)
        return "Release 3.0"
    if change == "other-checklist":
        other = context.create_run("Small release", "small")
        context.workspace.set_current(app.state.run_id)
        await pick_run(app, pilot, other)
        return "Small release"
    path = context.workspace.log_path(app.state.run_id)
    if change == "log-replaced":  # another run's log of another checklist renamed over this one
        other = context.create_run("Small release", "small")
        replacement = context.workspace.log_path(other).read_bytes()
        title = "Small release"
    else:  # cut back to its first line: every change made here is gone
        replacement = path.read_bytes().splitlines(keepends=True)[0]
        title = app.state.title
    staged = path.with_name("staged")
    staged.write_bytes(replacement)
    staged.chmod(0o600)
    os.replace(staged, path)
    await poll(app, pilot)
    await settle(app, pilot)
    return title


def assert_follows(app: HeyPeterApp, view: str, title: str) -> None:
    """The view shows the new run: each widget drawn from the run now shown, not the one before."""
    state = app.state
    assert app.is_running and app.return_code is None
    assert title in screen_text(app)
    items = app.query_one(ItemList)
    groups = {group.id: group for group in state.checklist.groups}
    assert items.group_id in groups  # the list is on a group the run has (shown or not)
    group = groups[items.group_id]
    if app.screen.view.startswith("group:"):
        assert [row.id for row in items.rows] == [group.key(item) for item in group.items]
        assert items.highlighted_key in state.checklist.items_by_key
    assert app.query_one(Navigator).highlighted_view == app.screen.view
    if view == "side":
        side = app.query_one(ItemSide)
        assert side.key == items.highlighted_key
    if view == "signoffs":
        table = app.query_one(SignoffTable)
        assert table.row_count == len(state.checklist.signoffs)
        assert table.selected_key in state.checklist.signoffs
    if view == "contacts":
        table = app.query_one(ContactsTable)
        assert table.row_count == len(state.contacts)
        assert table.selected_key in state.contacts
    if view == "gate":
        assert all(role in app.query_one(GatePanel).text for role in state.checklist.signoffs)
    if view.startswith("next"):
        pane = app.query_one(NextPane)
        assert [row.id for row in pane.rows] == [entry.key for entry in next_items(state, app.now, pane.owner)][:500]
        assert pane.rows  # an owner the run's checklist does not name is not kept: the list is never empty for it


@pytest.mark.parametrize("change", CHANGES)
@pytest.mark.parametrize("view", VIEWS)
async def test_every_view_follows_every_run_change(view: str, change: str, small_context: Context, clock) -> None:
    context = small_context
    session = context.current_session()
    session.record(commands.toggle_timer(session.state, TIMED))  # a running timer: the tick redraws its row
    session.record(commands.toggle_done(session.state, "code-readiness/all-features-tested-and-approved"))
    app = HeyPeterApp(context, context.current_session())
    async with app.run_test(size=(170, 45)) as pilot:
        await pilot.press(*VIEWS[view])
        if view == "next-owner":
            await pilot.pause()
            assert isinstance(app.screen, OwnerPicker)
            await pilot.press("down", "down", "enter")  # one owner of the built-in checklist (Operations Manager)
            await pilot.pause()
            assert app.query_one(NextPane).owner
        await pilot.pause()
        view_before = app.screen.view
        title = await change_run(change, app, pilot, context)
        for _ in range(2):  # the clock moves on: what crashed was the tick after the switch
            clock.advance(seconds=1)
            app.tick()
            await pilot.pause()
        if not view_before.startswith("group:"):
            assert app.screen.view == view_before  # sign-offs stay sign-offs: of the run now shown
        assert_follows(app, view, title)
        await pilot.press("down", "up", "h", "down", "up", "l")  # keys still move through what is shown
        clock.advance(seconds=1)
        app.tick()
        await pilot.pause()
        assert_follows(app, view, title)
    assert app.return_code in (None, 0)


async def test_switching_from_sign_offs_to_a_run_of_another_checklist_keeps_the_dashboard(small_context, clock):
    """The issue's case exactly: from `s`, the palette's Switch run… to a run of another checklist, then a tick."""
    context = small_context
    other = context.create_run("Small release", "small")
    context.workspace.set_current(context.workspace.runs()[0].id)
    app = HeyPeterApp(context, context.current_session())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("1", "s")
        await pilot.press("ctrl+p", *"switch run")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, RunPicker)
        options = app.screen.query_one(OptionList)
        options.highlighted = options.get_option_index(other)
        await pilot.press("enter")
        await settle(app, pilot)
        clock.advance(seconds=1)
        app.tick()
        await pilot.pause()
        assert app.is_running and app.state.run_id == other
        assert app.screen.view == "signoffs" and app.query_one(SignoffTable).selected_key == "Boss"
        await pilot.press("h", "1")
        await pilot.pause()
        shown = [row.id for row in app.query_one(ItemList).rows]
        assert shown == ["only-section/lonely-item", "only-section/second-item"]
