"""The palette's "Switch to run" hits tell two runs of one title apart: each says its id (and, in a database, who
made it), so a run someone titled as the team's is never picked for it unseen."""

from __future__ import annotations

from textual.command import CommandPalette

from tests.ui.test_search import screen_text


async def test_two_runs_of_one_title_show_their_ids_in_the_palette(make_app, clock) -> None:
    app = make_app()
    first = app.session.state.run_id
    clock.advance(minutes=1)
    second = app.context.create_run(app.session.state.title, None)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.press("ctrl+p", *"switch to run")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        text = screen_text(app)
        assert f"{first} · heypeter-production" in text and f"{second} · heypeter-production" in text
