"""The log is followed off the event loop: read in a worker thread, taken in by a message. Another writer's change
shows within a poll unasked, and a read stuck on a slow disk leaves the dashboard answering keys and recording."""

from __future__ import annotations

import asyncio
import threading
import time

from heypeter_tui.core import commands
from heypeter_tui.core.events import Actor
from heypeter_tui.core.session import Catchup, RunSession
from heypeter_tui.ui.app import LOG_POLL_SECONDS
from heypeter_tui.ui.widgets.items import ItemList
from tests.ui.conftest import poll

FIRST = "code-readiness/all-features-tested-and-approved"
SECOND = "code-readiness/code-review-completed-for-all-changes"
THIRD = "code-readiness/no-critical-bugs-in-issue-tracker"


def bob_on(app, clock) -> RunSession:
    return RunSession(app.session.store.__class__(app.session.store.path), Actor("bob", "bob", "laptop"), clock)


async def test_another_writers_change_shows_within_a_poll_unasked(make_app, clock) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        bob = bob_on(app, clock)
        bob.record(commands.toggle_done(bob.state, FIRST))
        began = time.monotonic()
        while app.state.item(FIRST).status != "done" and time.monotonic() - began < 3 * LOG_POLL_SECONDS:
            await pilot.pause(0.02)
        assert app.state.item(FIRST).status == "done"  # by the interval's own poll, within one (and some slack)
        assert app.query_one(ItemList).rows[0].prompt.plain.endswith("done · bob · 09:30")


async def test_a_read_stuck_on_the_disk_leaves_the_dashboard_answering(make_app, clock, monkeypatch) -> None:
    app = make_app()
    readers: list[threading.Thread] = []
    started, release = threading.Event(), threading.Event()
    read = Catchup.run

    def slow_disk(catchup: Catchup) -> Catchup:
        read(catchup)
        if threading.current_thread() is not threading.main_thread():  # the event loop's own reads stay quick
            readers.append(threading.current_thread())
            started.set()
            release.wait(10)  # read bob's change, then slow to finish
        return catchup

    monkeypatch.setattr(Catchup, "run", slow_disk)
    async with app.run_test(size=(120, 40)) as pilot:
        shown: list[str] = []  # the second item's status in every state the dashboard showed
        app.watch(app, "state", lambda state: shown.append(state.item(SECOND).status), init=False)
        await pilot.press("1", "l")
        bob = bob_on(app, clock)
        bob.record(commands.toggle_done(bob.state, FIRST))
        app.follow_log()
        for _ in range(200):
            if started.is_set():
                break
            await asyncio.sleep(0.01)
        assert readers and all(reader is not threading.main_thread() for reader in readers)
        assert app.log_read_pending  # the read is stuck in its thread ...
        await pilot.press("down", "down")  # ... and the keys are answered meanwhile
        assert app.query_one(ItemList).highlighted_key == THIRD
        await pilot.press("up", "space")  # a change made here meanwhile is recorded and shown at once
        assert app.state.item(SECOND).status == "done"
        release.set()  # the read, older than that change, comes back: not taken, or it would undo it on screen
        await poll(app, pilot)
        assert (app.state.item(FIRST).status, app.state.item(SECOND).status) == ("done", "done")
        assert shown[shown.index("done"):] == ["done"] * len(shown[shown.index("done"):])  # never undone on screen
        assert [event.type for event in app.state.events] == ["run.created", "item.status", "item.status"]


async def test_trouble_reading_is_said_once_and_so_is_the_recovery(make_app, monkeypatch) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        said: list[str] = []
        monkeypatch.setattr(app, "notify", lambda message, **_: said.append(message))
        path = app.session.store.path
        path.chmod(0o666)  # refused: others may write it
        await poll(app, pilot)
        await poll(app, pilot)
        assert [m for m in said if m.startswith("cannot read the run log:")] == [
            f"cannot read the run log: {path}: the run's log may be written by others (mode 0666); refused: "
            f"`chmod 600 {path}` if that was a mistake"
        ]
        path.chmod(0o600)
        await poll(app, pilot)
        await poll(app, pilot)
        assert said.count("the run log can be read again") == 1 and len(said) == 2
