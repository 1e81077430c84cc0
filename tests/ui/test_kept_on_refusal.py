"""A change refused at save time keeps its dialog open with everything typed, and says why in place: the database
stopped while the dialog was open, a full disk, a rule another writer changed meanwhile. A second save, once the
cause is gone, records it. A real PostgreSQL server, a real tmpfs, a second writer on the same log."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Static, TextArea

from heypeter_tui.context import Context
from heypeter_tui.core.commands import revoke, sign
from heypeter_tui.ui.app import HeyPeterApp
from heypeter_tui.ui.screens.dialogs import NoteDialog, ReasonDialog
from tests.conftest import FakeClock, init_store
from tests.pgserver import PgServer
from tests.ui.test_postgres_dashboard import header, host, until
from tests.unit.test_full_disk import fill, mounted_tmpfs

FIRST = "code-readiness/all-features-tested-and-approved"


def said_in_place(dialog) -> str:
    return str(dialog.query_one(".dialog-error", Static).render())


async def test_a_note_saved_while_the_database_is_stopped_stays_typed_and_saves_once_it_is_back(
        pg_restartable: PgServer, tmp_path: Path) -> None:
    pg_restartable.create_database("runs")
    store = init_store(pg_restartable.conninfo("runs"))
    alice = host(store, tmp_path, "alice")
    run_id = alice.create_run("Release", None)
    app = HeyPeterApp(alice, alice.session(run_id))
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause(0.3)
        await pilot.press("1", "l", "n")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, NoteDialog)
        await pilot.press(*"db migrated, 42 rows")
        pg_restartable.stop()
        await until(pilot, lambda: "OFFLINE" in header(app))
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "OFFLINE" in said_in_place(dialog))
        assert app.screen is dialog and dialog.query_one(TextArea).text == "db migrated, 42 rows"
        assert "nothing was changed" in said_in_place(dialog)

        pg_restartable.start_again()
        await until(pilot, lambda: "OFFLINE" not in header(app), seconds=15)
        await pilot.press("ctrl+s")  # the same dialog, saved again
        await until(pilot, lambda: bool(app.state.item(FIRST).notes), seconds=5)
        assert app.screen is not dialog
    reread = host(store, tmp_path, "carol").session(run_id).state
    assert [note.text for note in reread.item(FIRST).notes] == ["db migrated, 42 rows"]


async def test_a_note_saved_on_a_full_disk_stays_typed_and_saves_once_there_is_room(tmp_path: Path) -> None:
    log_of_the_day = "\n".join(f"{n:04} deploy step output line" for n in range(400))  # more than a page's slack
    with mounted_tmpfs(tmp_path / "tmpfs", "size=2m,mode=0700") as disk:
        context = Context(state_dir=disk / "state", operator="alice", clock=FakeClock(),
                          config_path=tmp_path / "cfg" / "config.yaml")
        app = HeyPeterApp(context, context.current_session())
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("1", "l", "n", *"pasted: ")
            dialog = app.screen
            assert isinstance(dialog, NoteDialog)
            dialog.query_one(TextArea).insert(log_of_the_day)  # as a paste lands
            fill(disk)
            await pilot.press("ctrl+s")
            await until(pilot, lambda: "disk full" in said_in_place(dialog))
            assert app.screen is dialog and dialog.query_one(TextArea).text == "pasted: " + log_of_the_day
            assert not app.state.item(FIRST).notes

            (disk / "filler").unlink()
            await pilot.press("ctrl+s")
            await until(pilot, lambda: bool(app.state.item(FIRST).notes))
            assert app.screen is not dialog
        reread = Context(state_dir=disk / "state", clock=FakeClock()).current_session().state
        assert [note.text for note in reread.item(FIRST).notes] == ["pasted: " + log_of_the_day]


async def test_a_revoke_refused_by_a_change_meanwhile_stays_typed_and_saves_once_it_applies(make_app,
                                                                                          state_dir: Path) -> None:
    app = make_app()
    app.session.record(sign(app.state, "Tech Lead", "Dana"))
    app.state = app.session.state
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("s", "l", "r", *"signed the wrong build")
        dialog = app.screen
        assert isinstance(dialog, ReasonDialog)
        bob = Context(state_dir=state_dir, operator="bob", clock=FakeClock()).current_session()
        bob.record(revoke(bob.state, "Tech Lead", "bob's own reason"))  # another writer, while the dialog is open
        await pilot.press("enter")
        await until(pilot, lambda: "Tech Lead has not signed" in said_in_place(dialog))
        assert app.screen is dialog and dialog.query_one(Input).value == "signed the wrong build"

        bob.record(sign(bob.state, "Tech Lead", "Dana"))  # signed again: there is a sign-off to revoke
        await pilot.press("enter")
        await until(pilot, lambda: "Tech Lead" not in app.state.signoffs)
        assert app.screen is not dialog
        assert app.state.events[-1].data["reason"] == "signed the wrong build"
