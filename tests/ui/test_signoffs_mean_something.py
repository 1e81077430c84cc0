"""Sign-offs that mean something, in the dashboard (issue 25, case 4): the table and the sign dialog say what each
role covers; signing a key-signed role by name asks first; `u` on the revoke of a key signature is refused with the
reason; `i` opens a sign-off's history (who signed, with which key, verified or not, who revoked and why). Real
ssh-keygen keys; the injected clock."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from heypeter_tui.cli import main
from heypeter_tui.ui.screens.dialog_base import ConfirmDialog
from heypeter_tui.ui.screens.dialogs import SignDialog
from heypeter_tui.ui.screens.signoff_history import SignoffHistoryScreen
from heypeter_tui.ui.widgets.tables import SignoffTable
from tests.ui.conftest import poll, workers_done
from tests.unit.test_covers import COVERED
from tests.unit.test_signed_signoffs import CHECKLIST, keygen, with_keys


def keyed_run(state_dir: Path, tmp_path: Path) -> None:
    """A run whose Security Officer must be key-signed, signed by Sam with a key the checklist names."""
    key = keygen(tmp_path / "sec", "sec")
    line = f"sec@heypeter.example {' '.join((tmp_path / 'sec.pub').read_text().split()[:2])}"
    (tmp_path / "guarded.yaml").write_text(with_keys(CHECKLIST, line))
    base = ["--state-dir", str(state_dir), "--operator", "sam"]
    assert main([*base, "new", "Guarded", "--checklist", str(tmp_path / "guarded.yaml")]) == 0
    assert main([*base, "sign", "Security Officer", "--name", "Sam Reyes", "--ssh-key", str(key)]) == 0


def notice(app) -> str:
    return " ".join(str(widget.render()) for widget in app.screen.query(".dialog-notice"))


async def test_the_table_and_the_sign_dialog_say_what_each_role_covers(make_app, state_dir, tmp_path) -> None:
    (tmp_path / "covered.yaml").write_text(COVERED)
    assert main(["--state-dir", str(state_dir), "new", "Release", "--checklist", str(tmp_path / "covered.yaml")]) == 0
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.press("s", "l")
        table = app.query_one(SignoffTable)
        assert [column.label.plain for column in table.columns.values()][-1] == "Covers"
        assert table.get_row("Tech Lead")[-1].plain == "Code Readiness"
        assert table.get_row("Operations Manager")[-1].plain == "Documentation, Post-Deployment"
        assert table.get_row("QA Lead")[-1].plain == "all readiness"
        await pilot.press("enter")  # Tech Lead
        assert isinstance(app.screen, SignDialog)
        said = notice(app)
        assert "Vouches for Code Readiness: a change to Code Readiness makes this sign-off stale." in said
        assert "1 item of Code Readiness still open." in said


async def test_signing_a_key_signed_role_by_name_asks_before_it_replaces_the_key_signature(make_app, state_dir,
                                                                                          tmp_path) -> None:
    keyed_run(state_dir, tmp_path)
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await poll(app, pilot)
        assert "Security Officer" in app.state.verified
        await pilot.press("s", "l", "down", "enter")
        assert isinstance(app.screen, SignDialog)
        assert "Sam Reyes's verified key signature stands; signing by name replaces it. This role counts only " \
               "key-signed: signed by name, it holds the gate NO-GO." in notice(app)
        await pilot.press(*"Dana", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)  # one enter no longer replaces a verified key signature
        await pilot.press("enter")  # the safe answer has the focus
        await workers_done(app, "flow")
        assert app.state.signoffs["Security Officer"].name == "Sam Reyes"
        await pilot.press("enter", *"Dana", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await workers_done(app, "flow")
        assert app.state.signoffs["Security Officer"].name == "Dana"


async def test_undoing_the_revoke_of_a_key_signature_is_refused_with_the_reason(make_app, state_dir,
                                                                                tmp_path) -> None:
    keyed_run(state_dir, tmp_path)
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await poll(app, pilot)
        await pilot.press("s", "l", "down", "r", *"pentest finding open", "enter")
        await workers_done(app, "flow")
        assert "Security Officer" not in app.state.signoffs
        events = len(app.state.events)
        await pilot.press("u")
        await workers_done(app, "flow")
        assert len(app.state.events) == events and "Security Officer" not in app.state.signoffs
        said = [notification.message for notification in app._notifications]
        assert any("cannot be undone: a revoke is undone only by a new signature; sign again" in text
                   for text in said), said


async def test_a_sign_offs_history_is_one_key_away_with_its_key_verdict_and_revoke_reason(make_app, state_dir,
                                                                                           tmp_path) -> None:
    keyed_run(state_dir, tmp_path)
    app = make_app(operator="dana")
    async with app.run_test(size=(160, 40)) as pilot:
        await poll(app, pilot)
        await pilot.press("s", "l", "down", "r", *"pentest finding open", "enter")
        await workers_done(app, "flow")
        await pilot.press("enter", *"Dana", "enter")  # signed again by name: the row no longer shows the revoke
        await workers_done(app, "flow")
        assert "pentest" not in " ".join(cell.plain for cell in app.query_one(SignoffTable).get_row("Security Officer"))
        await pilot.press("i")
        assert isinstance(app.screen, SignoffHistoryScreen)
        await workers_done(app, "signoff-history")
        await pilot.pause()
        shown = str(app.screen.query_one("#signoff-history", Static).render())
        assert "covers: all readiness" in shown
        assert "signed by Sam Reyes with ssh-ed25519 key SHA256:" in shown
        assert ": verified, signed by sec@heypeter.example" in shown
        assert "revoked: pentest finding open" in shown and "dana (" in shown
        assert "signed by Dana, by name (no key)" in shown
        await pilot.press("escape")
        assert not isinstance(app.screen, SignoffHistoryScreen)
