"""A change is made on the item as the person saw it: where another writer changed it after the view (or the dialog)
showed it, the dashboard says who changed it to what and asks before replacing it. Two sessions on one run: the
dashboard, and the command line run in between as a second process. And ticking an item whose check failed asks
why."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from textual.widgets import Static

from heypeter_tui.core import events as ev
from heypeter_tui.core.checks import CheckResult
from heypeter_tui.core.commands import Change
from heypeter_tui.ui import app as app_module
from heypeter_tui.ui.screens.dialog_base import ConfirmDialog
from heypeter_tui.ui.screens.dialogs import ReasonDialog
from tests.ui.test_postgres_dashboard import until

FIRST = "code-readiness/all-features-tested-and-approved"
SECOND = "code-readiness/code-review-completed-for-all-changes"


def mark(state_dir: Path, *args: str) -> None:
    """The QA lead's `heypeter-tui mark`, from a process of its own."""
    subprocess.run([sys.executable, "-m", "heypeter_tui", "--state-dir", str(state_dir), "--operator", "qa", "mark",
                    *args], check=True, capture_output=True)


def question(app) -> str:
    return " ".join(str(notice.render()) for notice in app.screen.query(".dialog-notice").results(Static))


async def test_a_dialog_opened_before_another_writer_changed_the_item_asks_before_replacing_it(
        make_app, state_dir: Path) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("1", "l", "b", *"waiting on the vendor")
        dialog = app.screen
        assert isinstance(dialog, ReasonDialog)
        mark(state_dir, FIRST, "done")  # the QA lead, while the release engineer's dialog is open
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        said = question(app)
        assert said.startswith("All features tested and approved: marked done by qa (")
        assert said.endswith("after this dashboard showed it pending. Replace that with blocked?")
        await pilot.press("n")  # keep theirs
        await until(pilot, lambda: app.screen is not dialog and not isinstance(app.screen, ConfirmDialog))
        assert app.state.item(FIRST).status == "done" and app.state.item(FIRST).actor.operator == "qa"

        await pilot.press("b", *"the vendor's fix is not in")
        mark(state_dir, FIRST, "pending")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        assert "marked pending by qa" in question(app) and "showed it done" in question(app)
        await pilot.press("y")  # replace it, knowingly
        await until(pilot, lambda: app.state.item(FIRST).status == "blocked")
        assert app.state.item(FIRST).actor.operator == "alice"


async def test_space_on_an_item_another_writer_changed_since_the_last_poll_asks_or_leaves_it(
        make_app, state_dir: Path, monkeypatch) -> None:
    monkeypatch.setattr(app_module, "LOG_POLL_SECONDS", 3600)  # the other writer's change is not on the screen yet
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("1", "l", "down")
        mark(state_dir, SECOND, "done")
        events = len(app.state.events) + 1
        await pilot.press("space")  # the row shows it open: a tick was meant, and the QA lead made it meanwhile
        await until(pilot, lambda: len(app.state.events) == events)  # read, and nothing added: not ticked twice
        await app.workers.wait_for_complete()
        assert app.state.item(SECOND).status == "done" and app.state.item(SECOND).actor.operator == "qa"
        assert len(app.state.events) == events  # nor unticked, as space on the log as it is now would have

        mark(state_dir, FIRST, "blocked", "--reason", "staging is down")
        await pilot.press("up", "space")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        assert "marked blocked by qa" in question(app) and ": staging is down, after this dashboard showed it " \
            "pending. Replace that with done?" in question(app)
        await pilot.press("n")
        await until(pilot, lambda: not isinstance(app.screen, ConfirmDialog))
        assert app.state.item(FIRST).status == "blocked"


async def test_ticking_an_item_whose_check_failed_asks_why_and_the_reason_is_kept(make_app) -> None:
    app = make_app()
    failed = CheckResult("curl -fsS https://staging/health", "failed", 22, None, 80, "503", 3, 60, "ci-host",
                         "2026-12-03T09:30:00Z")
    app.session.record(Change(ev.ITEM_CHECK, failed.to_data(FIRST)))
    app.state = app.session.state
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("1", "l", "space")
        dialog = app.screen
        assert isinstance(dialog, ReasonDialog)
        assert "Its latest check failed (exit 22) 09:30 UTC. Tick it anyway?" in question(app)
        await pilot.press("enter")  # a reason is required
        assert app.screen is dialog and app.state.item(FIRST).status == "pending"
        await pilot.press(*"flapping; checked by hand", "enter")
        await until(pilot, lambda: app.state.item(FIRST).status == "done")
        assert app.state.item(FIRST).reason == "flapping; checked by hand"
