"""A dashboard on a long run that resumed from this user's checkpoint, its events held apart: ticks, undo, the side
pane's history and the record are as on a run read from its first line (where a checkpoint meets a view)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from heypeter_tui.core import checkpoint, session
from heypeter_tui.core import events as ev
from heypeter_tui.core.events import Actor, new_event
from heypeter_tui.core.report import to_markdown
from tests.ui.test_search import screen_text

FIRST = "code-readiness/all-features-tested-and-approved"
ACTOR = Actor("mon", "mon", "probe-1")


@pytest.fixture(autouse=True)
def short_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(checkpoint, "CHECKPOINT_AFTER", 50)  # a short run stands for a long one
    monkeypatch.setattr(session, "READ_BLOCK", 4096)


def fill(context, clock) -> None:
    made = []
    for n in range(300):
        at = clock.now + timedelta(seconds=n)
        if n % 3:
            made.append(new_event(ev.ITEM_NOTE, ACTOR, at, item=FIRST, text=f"probe note {n}"))
        else:
            made.append(new_event(ev.ITEM_CHECK, ACTOR, at, item=FIRST, command="true", outcome="passed", exit=0,
                                  output="ok", output_bytes=2, duration_ms=1, host="probe-1"))
    context.current_session().store.append(*made)
    context.existing_session()  # read once: the checkpoint a team's run has


async def test_ticks_undo_and_history_on_a_resumed_run_are_as_on_a_run_read_whole(make_app, context, clock) -> None:
    fill(context, clock)
    app = make_app()
    assert app.session.resumed and app.state.events.prefix is not None
    async with app.run_test(size=(200, 50)) as pilot:
        await pilot.press("1", "space")
        assert app.state.item(FIRST).status == "done"
        await pilot.press("u")  # its target found by id in the log's index, not by a walk of the events held apart
        assert app.state.item(FIRST).status == "pending"
        side = str(app.query_one("#side-detail").render())
        assert "probe note 299" in side and "earlier" in side
        assert app.state.item(FIRST).note_count == 200
        assert app.state.events.prefix.loads == 0  # nothing walked the log held apart
    from tests.unit.test_checkpoint import AS_OF, _from_zero

    whole = _from_zero(context, app.state.run_id)
    assert to_markdown(app.state, app.session.integrity(), now=AS_OF) == to_markdown(
        whole.state, whole.integrity(), now=AS_OF)


async def test_a_line_edited_in_place_under_the_dashboard_is_said_not_shown(make_app, context, clock) -> None:
    """An old note edited in place under a dashboard holding a long run apart, the log grown by another writer at
    once (so the size never shows the edit): the item's detail and search say the log was changed, and show none of
    the edited text as the run's."""
    from heypeter_tui.core.store import RunStore
    from tests.ui.conftest import poll

    fill(context, clock)
    app = make_app()
    log = context.workspace.log_path(app.state.run_id)
    async with app.run_test(size=(200, 50)) as pilot:
        await pilot.press("1")
        data = log.read_bytes()
        with open(log, "r+b") as file:  # a note shown beside the list, not the last line: the size unchanged
            file.write(data.replace(b'"probe note 296"', b'"PROBE note 296"', 1))
        RunStore(log, writer=True).append(new_event(ev.ITEM_NOTE, ACTOR, clock.now, item=FIRST, text="grown"))
        await poll(app, pilot)
        assert app.state.events.prefix is not None  # read on, not again: the edit is not in what grew
        side = str(app.query_one("#side-detail").render())
        assert "changed in place since it was read" in side and "PROBE" not in side
        await pilot.press("slash", *"probe")
        await pilot.pause()
        shown = screen_text(app)
        assert "changed in place since it was read" in shown and "PROBE note" not in shown
