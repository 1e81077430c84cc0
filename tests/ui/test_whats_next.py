"""What's next on the dashboard: every open item, most urgent first, narrowed to one owner with `f`."""

from __future__ import annotations

from textual.widgets import OptionList

from heypeter_tui.core import commands
from heypeter_tui.ui.screens.item_detail import ItemDetailScreen
from heypeter_tui.ui.screens.owner_picker import OwnerPicker
from heypeter_tui.ui.widgets.items import ItemList
from heypeter_tui.ui.widgets.next_pane import NextPane


def rows(app) -> list[str]:
    return [row.prompt.plain for row in app.query_one(NextPane).rows]


async def test_overdue_first_then_by_due_then_checklist_order_and_one_owners(make_app, clock) -> None:
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        app.session.record(commands.set_t0("+1h", clock()))  # Pre-Deployment (due T-2h) is overdue at once
        app.state = app.session.state
        await pilot.press("w")
        pane = app.query_one(NextPane)
        assert app.focused is pane
        listed = rows(app)
        assert len(listed) == 83 and pane.border_subtitle == "83 open items · f: owner"
        assert listed[0].startswith("[ ] Final code review  OVERDUE 08:30  Pre-Deployment")
        assert all("OVERDUE 08:30  Pre-Deployment" in row for row in listed[:5])
        assert listed[5] == "[ ] All features tested and approved  no due time  Code Readiness · QA Lead"  # in order
        assert listed[-1] == "[ ] Update deployment log  no due time  Final Steps · Operations Manager"
        await pilot.press("f")
        assert isinstance(app.screen, OwnerPicker)
        picker = app.screen.query_one(OptionList)
        labels = [str(option.prompt) for option in picker.options]
        await pilot.press(*["down"] * labels.index("QA Lead"), "enter")
        await app.workers.wait_for_complete()
        mine = rows(app)
        assert mine and all(row.endswith("· QA Lead") for row in mine)
        assert str(pane.border_title) == "What's next · QA Lead"
        chosen = pane.highlighted_row.id
        await pilot.press("enter")  # goes to the item, in its section or phase
        items = app.query_one(ItemList)
        assert app.focused is items and items.highlighted_key == chosen
        await pilot.press("enter")  # and enter there shows its history
        assert isinstance(app.screen, ItemDetailScreen) and app.screen.key == chosen


async def test_a_tick_elsewhere_takes_the_item_off_the_list(make_app, clock) -> None:
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("w")
        first = app.query_one(NextPane).rows[0].id
        app.session.record(commands.set_status(app.state, first, "done"))
        app.state = app.session.state
        await pilot.pause()
        assert first not in [row.id for row in app.query_one(NextPane).rows]
        assert app.query_one(NextPane).border_subtitle == "82 open items · f: owner"
