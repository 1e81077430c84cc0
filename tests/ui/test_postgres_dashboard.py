"""The dashboard on a PostgreSQL store: another host's change shows without a poll, the database going away shows
OFFLINE and refuses changes, and its return is said and caught up. A real server of the test's own."""

from __future__ import annotations

import time
from pathlib import Path

import psycopg
import pytest
from textual.widgets import OptionList

from heypeter_tui.context import Context
from heypeter_tui.core.commands import add_note, set_status
from heypeter_tui.ui.app import HeyPeterApp
from heypeter_tui.ui.screens.run_picker import RunPicker
from heypeter_tui.ui.widgets.header import RunHeader
from tests.conftest import FakeClock, init_store
from tests.pgserver import PgServer
from tests.ui.conftest import workers_done

FIRST = "code-readiness/all-features-tested-and-approved"


@pytest.fixture
def store(pg_restartable: PgServer) -> str:
    pg_restartable.create_database("runs")
    return init_store(pg_restartable.conninfo("runs"))


def host(store: str, tmp_path: Path, name: str) -> Context:
    """A context as on a machine of its own: its own state dir and config, one shared database."""
    return Context(state_dir=tmp_path / name / "state", operator=name, clock=FakeClock(), store=store,
                   config_path=tmp_path / name / "config" / "config.yaml")


async def until(pilot, condition, seconds: float = 10.0) -> float:
    """Waits on the event loop (the listener is a real thread on a real connection) until `condition()`; returns
    how long it took. Fails after `seconds`."""
    start = time.monotonic()
    while not condition():
        if time.monotonic() - start > seconds:
            raise AssertionError(f"not within {seconds} s")
        await pilot.pause(0.02)
    return time.monotonic() - start


def header(app: HeyPeterApp) -> str:
    return app.query_one(RunHeader).render().plain


async def test_a_change_on_another_host_shows_within_a_second_without_the_poll(store: str, tmp_path: Path) -> None:
    alice = host(store, tmp_path, "alice")
    run_id = alice.create_run("Release", None)
    app = HeyPeterApp(alice, alice.session(run_id))
    async with app.run_test(size=(120, 30)) as pilot:
        await until(pilot, lambda: not app.offline and app.workers and any(
            w.group == "listen" for w in app.workers))
        bob = host(store, tmp_path, "bob").session(run_id)
        await pilot.pause(0.3)  # the listener's LISTEN is in place
        bob.record(set_status(bob.state, FIRST, "done"))
        took = await until(pilot, lambda: app.state.item(FIRST).status == "done", seconds=5)
        assert took < 1.0  # the poll is every 5 s on a database: only the notification can have done it
        assert "bob" in app.activity().render().plain


async def test_the_database_away_shows_offline_refuses_changes_and_catches_up_when_back(
        pg_restartable: PgServer, store: str, tmp_path: Path, monkeypatch) -> None:
    alice = host(store, tmp_path, "alice")
    run_id = alice.create_run("Release", None)
    app = HeyPeterApp(alice, alice.session(run_id))
    said: list[tuple[str, str]] = []
    monkeypatch.setattr(app, "notify", lambda message, title="", **_: said.append((title, message)))
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause(0.3)
        await pilot.press("1", "l", "n")  # a note's dialog open as the database goes away
        await pilot.pause()
        assert len(app.screen_stack) == 2
        pg_restartable.stop()
        await until(pilot, lambda: "OFFLINE" in header(app))
        await pilot.press(*"lost?", "ctrl+s")  # saved while away: refused in place, never shown as done
        await until(pilot, lambda: "nothing was changed" in str(app.screen.query_one(".dialog-error").render()))
        assert not app.state.item(FIRST).notes and len(app.screen_stack) == 2  # still typed (tests/ui/test_kept_*)
        await pilot.press("escape", "y")  # discarded, by choice
        await workers_done(app, "flow")
        await pilot.press("h")
        await until(pilot, lambda: "OFFLINE" in header(app))
        assert any(title == "OFFLINE" for title, _ in said)
        await pilot.press("1", "l", "space")  # tick the first item
        await workers_done(app, "flow")
        assert app.state.item(FIRST).status == "pending"
        assert any("OFFLINE" in message and "nothing was changed" in message for _, message in said)
        said.clear()
        await pilot.press("n")  # a note: refused before its dialog opens, so nothing typed is lost
        await pilot.pause()
        assert len(app.screen_stack) == 1  # no dialog (waiting on the flow first would wait on an open dialog)
        await workers_done(app, "flow")
        assert any("nothing was changed" in message for _, message in said)

        pg_restartable.start_again()
        await until(pilot, lambda: "OFFLINE" not in header(app), seconds=15)
        assert any(title == "Online" for title, _ in said)
        bob = host(store, tmp_path, "bob").session(run_id)
        bob.record(add_note(bob.state, FIRST, "written after the restart"))
        await until(pilot, lambda: bool(app.state.item(FIRST).notes), seconds=5)
        await pilot.press("space")  # and changes are taken again
        await until(pilot, lambda: app.state.item(FIRST).status == "done", seconds=5)
    reread = host(store, tmp_path, "carol").session(run_id).state
    assert reread.item(FIRST).status == "done" and [n.text for n in reread.item(FIRST).notes] == [
        "written after the restart"]


async def test_a_run_cut_short_by_a_restore_is_read_again_and_said_on_the_dashboard(store: str, tmp_path: Path,
                                                                                   monkeypatch) -> None:
    alice = host(store, tmp_path, "alice")
    run_id = alice.create_run("Release", None)
    app = HeyPeterApp(alice, alice.session(run_id))
    said: list[tuple[str, str]] = []
    monkeypatch.setattr(app, "notify", lambda message, title="", **_: said.append((title, message)))
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause(0.3)
        bob = host(store, tmp_path, "bob").session(run_id)
        bob.record(set_status(bob.state, FIRST, "done"))
        await until(pilot, lambda: app.state.item(FIRST).status == "done")
        with psycopg.connect(store, autocommit=True) as conn, conn.transaction():  # a restore: triggers off
            conn.execute("SET LOCAL session_replication_role = replica")
            conn.execute("DELETE FROM events WHERE seq > 1")
        bob = host(store, tmp_path, "carol").session(run_id)
        bob.record(add_note(bob.state, FIRST, "after the restore"))  # seq 2 again: another line
        await until(pilot, lambda: bool(app.state.item(FIRST).notes))
        assert app.state.item(FIRST).status == "pending"  # the deleted tick is not shown as if still there
        assert any(title == "Run log" and "the row at seq 2 is not the one read before: read again from its first "
                   "line" in message for title, message in said)


async def test_a_run_id_with_escape_codes_in_the_runs_table_is_skipped_by_switch_run(store: str, tmp_path: Path,
                                                                                    monkeypatch) -> None:
    alice = host(store, tmp_path, "alice")
    run_id = alice.create_run("Release", None)
    other = alice.create_run("Hotfix", None)
    alice.workspace.set_current(run_id)
    with psycopg.connect(store, autocommit=True) as conn:  # anyone with the README's INSERT on runs
        conn.execute("INSERT INTO runs (id, title, checklist, created) VALUES (%s, 't', 'c', now())",
                     ("evil\x1b]0;pwned\x07",))
    app = HeyPeterApp(alice, alice.session(run_id))
    said: list[tuple[str, str]] = []
    monkeypatch.setattr(app, "notify", lambda message, title="", **_: said.append((title, message)))
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause(0.3)
        await pilot.press("ctrl+p", *"switch run")
        await until(pilot, lambda: "Switch run" in str(app.screen.query_one(OptionList).get_option_at_index(0).prompt)
                    if app.screen.query(OptionList) else False)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, RunPicker))
        titles = [option.prompt.plain.splitlines()[0].strip() for option in app.screen.query_one(OptionList).options]
        assert sorted(title.lstrip("● ") for title in titles) == ["Hotfix", "Release"]
        details = [option.prompt.plain.splitlines()[1] for option in app.screen.query_one(OptionList).options]
        assert all(f"{run} · " in " ".join(details) for run in (run_id, other))  # each run's id, and who made it
        assert all(" by " in detail for detail in details)
        assert any("a run whose id is not a run id" in message and "\x1b" not in message for _, message in said)
        app.screen.query_one(OptionList).highlighted = titles.index("Hotfix")
        await pilot.press("enter")
        await until(pilot, lambda: app.state.run_id == other)
