"""A wide terminal uses its width: the highlighted item in full beside the list."""

from __future__ import annotations

from heypeter_tui.core import commands
from heypeter_tui.ui.widgets.item_side import ItemSide

SECOND = "code-readiness/code-review-completed-for-all-changes"


def side_text(app) -> str:
    return str(app.query_one("#side-detail").render())


async def test_the_highlighted_item_shows_beside_the_list_from_160_columns(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(200, 40)) as pilot:
        app.session.record(commands.add_note(app.state, SECOND, "PR #12 [b]reviewed[/b]"))
        app.state = app.session.state
        await pilot.press("1", "l")
        side = app.query_one(ItemSide)
        assert side.display and side_text(app).startswith("[ ] All features tested and approved")
        await pilot.press("down")
        text = side_text(app)
        assert text.startswith("[ ] Code review completed for all changes")
        assert "owner: Tech Lead" in text and "PR #12 [b]reviewed[/b]" in text  # the note, as typed
        await pilot.press("space")
        await app.workers.wait_for_complete()
        assert side_text(app).startswith("[x] Code review completed")  # it follows the run
        await pilot.press("s")
        assert not side.display  # only beside items


async def test_below_160_columns_there_is_no_side_pane(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(159, 40)) as pilot:
        await pilot.press("1", "l")
        assert not app.query_one(ItemSide).display
