"""The checks panel in the dashboard, as a check runs: what it says of a command that prints nothing."""

from __future__ import annotations

from heypeter_tui.ui.widgets.checks_panel import ChecksPanel
from tests.ui.test_checks_ui import checks_done, open_servers, trusted


async def test_a_silent_check_shows_running_and_its_time_counting_before_any_output(make_app, tmp_path):
    path = tmp_path / "silent.yaml"
    path.write_text("schema: 1\nid: silent\ntitle: Silent\nsections:\n  - title: Servers\n    items:\n"
                    "      - {id: quiet, text: Quiet probe, check: {run: sleep 30, timeout: 1m}}\n")
    app = make_app(str(path))
    async with app.run_test(size=(130, 40)) as pilot:
        trusted(app)
        await open_servers(pilot)
        await pilot.press("v")
        panel = app.query_one(ChecksPanel)
        for _ in range(300):  # it prints nothing: "running", not "waiting", once the worker started it
            await pilot.pause(0.01)
            if "running" in str(panel.render()):
                break
        assert "▶ running 0." in str(panel.render()) and "waiting" not in str(panel.render())
        panel.jobs["servers/quiet"].began -= 5  # five seconds on, with still no output: the panel's own count
        assert "▶ running 5." in str(panel.render())
        await pilot.press("escape")
        await checks_done(app, pilot)


async def test_commands_too_long_to_show_whole_cannot_be_trusted_from_the_dialog(make_app, tmp_path) -> None:
    from textual.containers import VerticalScroll
    from textual.widgets import Button

    from heypeter_tui.ui.screens.trust_dialog import REVIEW_SHOWN, TrustDialog

    items = "".join(f"      - {{id: i{n}, text: Item {n}, check: \"echo {'x' * 16000}\"}}\n"
                    for n in range(REVIEW_SHOWN // 16000 + 1))
    path = tmp_path / "long.yaml"
    path.write_text("schema: 1\nid: long\ntitle: Long\nsections:\n  - id: s\n    title: S\n    items:\n" + items
                    + "      - {id: last, text: Last, check: echo PWNED}\n")
    app = make_app(str(path))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("1", "l", "v")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, TrustDialog)
        commands = dialog.query_one(".trust-commands", VerticalScroll)
        dialog.set_focus(commands)
        await pilot.press("end")
        await pilot.pause()
        assert dialog.query_one("#yes", Button).disabled  # its end was cut: never trusted from here
        assert "review and trust them with `heypeter-tui trust`" in str(dialog.query_one("#trust-hint").render())


async def test_the_panel_and_the_item_never_show_a_secret_of_the_environment(make_app, tmp_path, monkeypatch):
    monkeypatch.setenv("DEPLOY_TOKEN", "tok-Secret-7777")  # the environment the dashboard started with
    path = tmp_path / "env.yaml"
    path.write_text("schema: 1\nid: envp\ntitle: Env\nsections:\n  - title: Servers\n    items:\n"
                    "      - {id: env, text: Env probe, check: {run: 'echo \"token=$DEPLOY_TOKEN\"; sleep 30', "
                    "timeout: 1m}}\n")
    app = make_app(str(path))
    async with app.run_test(size=(130, 40)) as pilot:
        trusted(app)
        await open_servers(pilot)
        await pilot.press("v")
        panel = app.query_one(ChecksPanel)
        for _ in range(500):  # the panel shows the output while the check still runs
            await pilot.pause(0.01)
            if "token=" in str(panel.render()):
                break
        shown = str(panel.render())
        assert "token=[redacted $DEPLOY_TOKEN]" in shown and "tok-Secret-7777" not in shown
        await pilot.press("escape")
        await checks_done(app, pilot)
        kept = [event.get("output") for event in app.state.events if event.type == "item.check"]
        assert kept and "tok-Secret-7777" not in str(kept) and "[redacted $DEPLOY_TOKEN]" in str(kept)


async def test_a_sections_checks_leave_the_failures_output_in_the_panel(make_app, tmp_path):
    """A failure, then a pass: once they ended the panel shows the failure's output (it showed the last pass's)."""
    path = tmp_path / "two.yaml"
    path.write_text("schema: 1\nid: two\ntitle: Two\nsections:\n  - title: Servers\n    items:\n"
                    "      - {id: broken, text: Broken probe, check: 'echo connection refused on 5432; exit 3'}\n"
                    "      - {id: fine, text: Fine probe, check: 'printf \"all %s\\\\n\" good'}\n")
    app = make_app(str(path))
    async with app.run_test(size=(130, 40)) as pilot:
        trusted(app)
        await open_servers(pilot)
        app.action_run_section_checks()
        await checks_done(app, pilot)
        shown = str(app.query_one(ChecksPanel).render())
        assert "check failed (exit 3)" in shown and "connection refused on 5432" in shown
        assert "output of servers/broken" in shown and "all good" not in shown
