"""Items that check themselves, in the dashboard: `v`, the trust dialog, the panel, `esc`, the palette, `every`.

Real processes throughout: each check is a real `/bin/sh -c`, and what it did is looked for on disk.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual import events

from heypeter_tui.core import commands
from heypeter_tui.core.loader import load_checklist
from heypeter_tui.core.trust import is_trusted, trust
from heypeter_tui.ui.screens.trust_dialog import TrustDialog
from heypeter_tui.ui.widgets.checks_panel import ChecksPanel
from tests.ui.conftest import workers_done

CHECKLIST = r"""
schema: 1
id: probes
title: Probes
sections:
  - title: Servers
    id: servers
    items:
      - id: health
        text: Health endpoint answers
        check: |
          echo ran >> {marker}; echo healthy; printf '\033]52;c;aGk=\007\033[31mred\n'
      - id: broken
        text: Broken probe
        check: exit 3
      - id: slow
        text: Slow probe
        check: {{run: "echo started; sleep 30", timeout: 1m}}
      - id: noisy
        text: Noisy probe
        check: head -c 10000000 /dev/zero | tr '\0' x; sleep 1
      - id: plain
        text: No probe here
      - id: waits
        text: Waits for its go
        check: {{run: "while [ ! -e {marker}.go ]; do sleep 0.05; done; echo went", timeout: 30s}}
phases:
  - title: Monitor
    id: monitor
    items:
      - id: watch
        text: Monitor for 30 minutes
        timer: 30m
        check: {{run: "echo probe >> {marker}.watch", every: 10s}}
"""


def write_checklist(tmp_path: Path) -> tuple[str, Path]:
    marker = tmp_path / "marker"
    path = tmp_path / "probes.yaml"
    path.write_text(CHECKLIST.format(marker=marker).lstrip())
    return str(path), marker


def trusted(app) -> None:
    trust(app.context.config_dir, app.state.checklist, "test@host", "2026-12-03T09:30:00Z")


async def checks_done(app, pilot) -> None:
    """Every check asked for has ended and its evidence has been taken in."""
    for _ in range(500):
        await workers_done(app, "checks")
        await pilot.pause()
        if not app.cancels:
            await workers_done(app, "flow")
            return
    raise AssertionError("the checks never ended")


def checks_of(app, key: str):
    return [event for event in app.state.events if event.type == "item.check" and event.get("item") == key]


async def open_servers(pilot) -> None:
    await pilot.press("1", "l")


async def test_v_on_an_untrusted_checklist_shows_every_command_and_runs_nothing_until_trusted(make_app, tmp_path):
    path, marker = write_checklist(tmp_path)
    app = make_app(path)
    async with app.run_test(size=(130, 40)) as pilot:
        await open_servers(pilot)
        await pilot.press("v")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, TrustDialog)
        shown = str(dialog.query(".trust-commands Static").first().render())
        for command in ("echo healthy", "exit 3", "sleep 30", "head -c 10000000", "echo probe"):
            assert command in shown  # every command of the checklist, not only this item's
        assert "\\033]52" in shown  # the escape as written in the file, spelled out: not acting on the terminal
        await pilot.press("y")  # no one-key yes: a stray y typed ahead must not trust anything
        await pilot.pause()
        assert isinstance(app.screen, TrustDialog)
        await pilot.press("escape")
        await workers_done(app, "flow")
        assert not marker.exists() and not checks_of(app, "servers/health")
        assert not is_trusted(app.context.config_dir, app.state.checklist)

        await pilot.press("v")
        await pilot.pause()
        await pilot.press("tab", "enter")  # to "Trust and run", and press it
        await workers_done(app, "flow")
        await checks_done(app, pilot)
        assert is_trusted(app.context.config_dir, app.state.checklist)
        assert marker.read_text() == "ran\n"
        (evidence,) = checks_of(app, "servers/health")
        assert evidence.get("outcome") == "passed" and evidence.get("exit") == 0
        assert evidence.get("output") == "healthy\nred\n"  # the clipboard write and the colour are gone
        assert app.state.item("servers/health").status == "done"
        panel = app.query_one(ChecksPanel)
        assert panel.display and "healthy" in str(panel.render())


async def test_a_failing_check_leaves_the_item_as_it_was_and_says_so_on_the_item(make_app, tmp_path):
    path, _ = write_checklist(tmp_path)
    app = make_app(path)
    async with app.run_test(size=(130, 40)) as pilot:
        trusted(app)
        await open_servers(pilot)
        await pilot.press("j", "v")
        await checks_done(app, pilot)
        assert app.state.item("servers/broken").status == "pending"
        (evidence,) = checks_of(app, "servers/broken")
        assert evidence.get("outcome") == "failed" and evidence.get("exit") == 3
        from heypeter_tui.ui.widgets.items import item_prompt

        group, item = app.state.checklist.items_by_key["servers/broken"]
        assert "check failed (exit 3) 09:30" in str(item_prompt(item, app.state.item("servers/broken"), app.now))


async def test_esc_cancels_a_running_check_kills_it_and_records_the_cancel(make_app, tmp_path):
    path, _ = write_checklist(tmp_path)
    app = make_app(path)
    async with app.run_test(size=(130, 40)) as pilot:
        trusted(app)
        await open_servers(pilot)
        await pilot.press("j", "j", "v")
        panel = app.query_one(ChecksPanel)
        for _ in range(500):  # until its first output has come back: the command is running
            await pilot.pause(0.01)
            if "started" in str(panel.render()):
                break
        assert app.cancels and "esc cancels" in str(panel.border_title)
        rows = app.query_one("#items").rows
        assert "checking…" in str(rows[2].prompt) and "checking…" not in str(rows[1].prompt)
        footer = {binding.description for _, binding, enabled, _ in app.screen.active_bindings.values() if enabled}
        assert "Cancel checks" in footer and "Close checks" not in footer
        await pilot.press("escape")
        await checks_done(app, pilot)
        (evidence,) = checks_of(app, "servers/slow")
        assert evidence.get("outcome") == "cancelled" and evidence.get("signal") == "SIGTERM"
        assert evidence.get("duration_ms") < 10_000  # killed, not waited out
        assert app.state.item("servers/slow").status == "pending"
        assert "check cancelled (SIGTERM)" in str(app.query_one("#items").rows[2].prompt)
        footer = {binding.description for _, binding, enabled, _ in app.screen.active_bindings.values() if enabled}
        assert "Close checks" in footer and "Cancel checks" not in footer
        await pilot.press("escape")  # nothing runs now: esc closes the panel
        assert not panel.display


async def test_a_noisy_check_never_freezes_the_dashboard_and_keeps_its_last_64_kib(make_app, tmp_path):
    path, _ = write_checklist(tmp_path)
    app = make_app(path)
    async with app.run_test(size=(130, 40)) as pilot:
        trusted(app)
        await open_servers(pilot)
        await pilot.press("j", "j", "j", "v")
        items = app.query_one("#items")
        await pilot.press("k")  # answered while 10 MB stream through the panel
        assert app.cancels and items.highlighted == 2
        await checks_done(app, pilot)
        (evidence,) = checks_of(app, "servers/noisy")
        assert evidence.get("output_bytes") == 10_000_000 and len(evidence.get("output")) == 64 * 1024
        assert app.state.item("servers/noisy").status == "done"


async def test_the_palette_runs_the_checks_of_the_section_shown(make_app, tmp_path):
    path, marker = write_checklist(tmp_path)
    app = make_app(path)
    async with app.run_test(size=(130, 40)) as pilot:
        trusted(app)
        await open_servers(pilot)
        app.action_run_section_checks()
        await pilot.pause()
        for _ in range(500):  # the slow probe is cancelled once it runs; the others end by themselves
            await pilot.pause(0.01)
            if "servers/slow" in app.cancels and checks_of(app, "servers/broken"):
                break
        await pilot.press("escape")
        await checks_done(app, pilot)
        outcomes = {key: [e.get("outcome") for e in checks_of(app, key)] for key in
                    ("servers/health", "servers/broken", "servers/slow", "servers/noisy", "monitor/watch")}
        assert outcomes["servers/health"] == ["passed"] and outcomes["servers/broken"] == ["failed"]
        assert outcomes["servers/slow"] == ["cancelled"]
        assert outcomes["servers/noisy"] == []  # after a cancel the rest of the section does not even start
        assert outcomes["monitor/watch"] == []  # another group's check: not this section's
        assert marker.read_text() == "ran\n"


async def test_every_repeats_a_check_while_the_timer_this_dashboard_started_runs(make_app, tmp_path, clock):
    path, marker = write_checklist(tmp_path)
    watch = Path(f"{marker}.watch")
    app = make_app(path)
    async with app.run_test(size=(130, 40)) as pilot:
        trusted(app)
        await pilot.press("d", "t")  # the Monitor phase; its timer started here
        await workers_done(app, "flow")
        app.tick()
        await checks_done(app, pilot)
        clock.advance(seconds=5)
        app.tick()  # not yet due
        await checks_done(app, pilot)
        clock.advance(seconds=5)
        app.tick()
        await checks_done(app, pilot)
        assert watch.read_text() == "probe\nprobe\n"
        assert [e.get("outcome") for e in checks_of(app, "monitor/watch")] == ["passed", "passed"]
        assert app.state.item("monitor/watch").status == "pending"  # monitoring is not done at its first probe
        await pilot.press("t")  # stopped: no more probes
        await workers_done(app, "flow")
        clock.advance(seconds=30)
        app.tick()
        await checks_done(app, pilot)
        assert len(checks_of(app, "monitor/watch")) == 2


async def test_a_timer_started_elsewhere_is_not_repeated_here(make_app, tmp_path, clock, context):
    path, marker = write_checklist(tmp_path)
    app = make_app(path)
    async with app.run_test(size=(130, 40)) as pilot:
        trusted(app)
        other = app.context.session(app.state.run_id)
        other.record(commands.toggle_timer(other.state, "monitor/watch"))
        app.session.refresh()
        app.state = app.session.state
        assert app.state.timers["monitor/watch"].stopped_at is None
        app.tick()
        await checks_done(app, pilot)
        assert not Path(f"{marker}.watch").exists()  # the dashboard that started it repeats it, not every one


async def test_the_item_detail_shows_the_command_and_the_output_it_kept(make_app, tmp_path):
    path, _ = write_checklist(tmp_path)
    app = make_app(path)
    async with app.run_test(size=(130, 40)) as pilot:
        trusted(app)
        await open_servers(pilot)
        await pilot.press("v")
        await checks_done(app, pilot)
        await pilot.press("enter")
        await pilot.pause()
        text = str(app.screen.query_one("Static").render())
        assert "$ echo ran >>" in text and "check passed" in text and "healthy" in text
        assert "\x1b" not in text


async def test_a_changed_checklist_is_asked_about_again(make_app, tmp_path):
    path, _ = write_checklist(tmp_path)
    app = make_app(path)
    async with app.run_test(size=(130, 40)):
        trusted(app)
        assert is_trusted(app.context.config_dir, app.state.checklist)
    changed = Path(path).read_text().replace("exit 3", "exit 4")
    Path(path).write_text(changed)
    assert not is_trusted(app.context.config_dir, load_checklist(Path(path)))


async def test_a_result_that_comes_back_while_the_database_is_away_is_recorded_once_it_is_back(make_app, tmp_path):
    from heypeter_tui.ui.messages import StoreReachable

    path, marker = write_checklist(tmp_path)
    app = make_app(path)
    async with app.run_test(size=(130, 40)) as pilot:
        trusted(app)
        await open_servers(pilot)
        await pilot.press(*"jjjjj", "v")
        await pilot.pause()
        assert "servers/waits" in app.cancels
        app.offline = "the database is unreachable"  # it goes away while the check runs
        Path(f"{marker}.go").touch()
        await checks_done(app, pilot)
        assert not checks_of(app, "servers/waits") and len(app.kept) == 1  # ran, not yet recorded, not lost
        assert "(kept here until the database is back)" in str(app.query_one(ChecksPanel).render())
        app.post_message(StoreReachable(True))
        for _ in range(100):
            await pilot.pause()
            if checks_of(app, "servers/waits"):
                break
        (evidence,) = checks_of(app, "servers/waits")
        assert evidence.get("output") == "went\n" and app.state.item("servers/waits").status == "done"


async def test_a_forged_check_result_or_item_text_never_reaches_the_terminal(make_app, tmp_path):
    """Any writer of the log may put escapes in a check's fields or (in the run's first line) an item's text."""
    from heypeter_tui.core.checklist import checklist_from_dict
    from heypeter_tui.core.commands import Change
    from heypeter_tui.core.trust import review_lines
    from heypeter_tui.ui.widgets.items import item_prompt

    path, _ = write_checklist(tmp_path)
    app = make_app(path)
    async with app.run_test(size=(130, 40)):
        app.session.record(Change("item.check", {
            "item": "servers/broken", "command": "exit 3", "outcome": "failed", "exit": None,
            "signal": "\x1b]52;c;cHduZWQ=\x07\x1b]2;T2\x1b\\SIG", "duration_ms": 5, "timeout": 60, "host": "h\x9b2J",
            "output": "", "output_bytes": 0, "started": "2026-12-03T09:30:00Z"}))
        app.state = app.session.state
        _, item = app.state.checklist.items_by_key["servers/broken"]
        row = str(item_prompt(item, app.state.item("servers/broken"), app.now))
        assert "check failed" in row and "\x1b" not in row and "\x07" not in row
    template = app.state.checklist.to_dict()
    template["sections"][0]["items"][1]["text"] = "Broken \x1b]52;c;cHduZWQ=\x07\x1b]2;T2\x07probe"
    review = "\n".join(review_lines(checklist_from_dict(template)))
    assert "Broken" in review and "\x1b" not in review and "\x07" not in review


async def test_at_80x24_no_command_is_trusted_unseen_and_keys_typed_ahead_answer_nothing(make_app, tmp_path):
    from textual.containers import VerticalScroll
    from textual.widgets import Button

    path, marker = write_checklist(tmp_path)
    app = make_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_servers(pilot)
        for key in ("v", "tab", "enter"):  # one burst, all in the queue before the dialog is up
            app.post_message(events.Key(key, key if len(key) == 1 else None))
        for _ in range(20):
            await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, TrustDialog) and not is_trusted(app.context.config_dir, app.state.checklist)
        trust_button = dialog.query_one("#yes", Button)
        assert trust_button.disabled  # the list does not fit: its end has not been seen
        assert "Scroll to the end" in str(dialog.query_one("#trust-hint").render())
        commands = dialog.query_one(".trust-commands", VerticalScroll)
        dialog.set_focus(commands)
        await pilot.press("end")
        await pilot.pause()
        assert commands.scroll_y >= commands.max_scroll_y and not trust_button.disabled
        await pilot.click("#yes")
        await workers_done(app, "flow")
        await checks_done(app, pilot)
        assert is_trusted(app.context.config_dir, app.state.checklist) and marker.read_text() == "ran\n"


async def test_a_changed_command_is_marked_in_the_review(make_app, tmp_path):
    from heypeter_tui.core.trust import change_summary, previous_trust, review_lines

    path, _ = write_checklist(tmp_path)
    app = make_app(path)
    async with app.run_test(size=(130, 40)):
        trusted(app)
    Path(path).write_text(Path(path).read_text().replace("exit 3", "exit 4"))
    changed = load_checklist(Path(path))
    previous = previous_trust(app.context.config_dir, changed)
    assert previous is not None
    assert change_summary(previous, changed).startswith("Since you trusted another version of this checklist")
    assert "1 changed, 0 new, 0 gone" in change_summary(previous, changed)
    marked = [line for line in review_lines(changed, previous) if "CHANGED" in line]
    assert marked == ["servers/broken  (Broken probe; timeout 1m)  <- CHANGED since you trusted it"]


async def test_v_tab_enter_typed_in_one_burst_does_not_trust(make_app, tmp_path):
    path, marker = write_checklist(tmp_path)
    app = make_app(path)
    async with app.run_test(size=(130, 40)) as pilot:
        await open_servers(pilot)
        for key in ("v", "tab", "enter"):  # one burst, all in the queue before the dialog is up
            app.post_message(events.Key(key, key if len(key) == 1 else None))
        for _ in range(20):
            await pilot.pause()
        assert isinstance(app.screen, TrustDialog)
        assert not is_trusted(app.context.config_dir, app.state.checklist) and not marker.exists()


async def test_a_signal_ending_the_dashboard_records_the_cancel_of_a_running_check(make_app, tmp_path):
    path, _ = write_checklist(tmp_path)
    app = make_app(path)
    async with app.run_test(size=(130, 40)) as pilot:
        trusted(app)
        await open_servers(pilot)
        await pilot.press("j", "j", "v")
        await pilot.pause()
        assert "servers/slow" in app.cancels
        app.end_by_signal()  # what SIGTERM and SIGHUP call
        for _ in range(500):  # the check is killed, its cancel recorded, then the dashboard ends
            if not app.is_running:
                break
            await asyncio.sleep(0.01)
    assert not app.is_running
    (evidence,) = checks_of(app, "servers/slow")
    assert evidence.get("outcome") == "cancelled" and app.return_code in (0, None)
