"""An exception escaping anywhere in the dashboard ends it with a crash file, one line naming it, and status 70.

The app runs as `heypeter-tui` runs it (cli/crash.py, run_dashboard), headless: a real app whose timer, message
handler or worker raises. Never exit 0 after a crash; the traceback goes to a 0600 file in the state dir, not the
terminal, with the environment's secrets redacted.
"""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from textual import work

import heypeter_tui.ui.app as app_module
from heypeter_tui.cli.crash import CRASH_EXIT, run_dashboard
from heypeter_tui.context import Context
from heypeter_tui.ui.app import HeyPeterApp

CSS = str(Path(app_module.__file__).parent / "app.tcss")  # a subclass elsewhere would look for it beside itself


class TimerBreaks(HeyPeterApp):
    CSS_PATH = CSS

    def tick(self) -> None:
        raise KeyError("code-readiness")


class HandlerBreaks(HeyPeterApp):
    CSS_PATH = CSS

    def take_in(self, read) -> None:  # on_log_read, the message handler of every poll
        raise ValueError("a handler broke")


class WorkerBreaks(HeyPeterApp):
    CSS_PATH = CSS

    @work(thread=True, group="io")
    def summarise_runs(self):
        raise RuntimeError("a worker broke")


async def switch_run(pilot) -> None:
    pilot.app.action_switch_run()
    await pilot.pause(5)  # the crash ends it long before


async def quit_at_once(pilot) -> None:
    await pilot.press("q")


@pytest.fixture
def crash_context(state_dir: Path, tmp_path: Path, clock, monkeypatch) -> Context:
    monkeypatch.setenv("DEPLOY_TOKEN", "s3cr3t-token-value")
    monkeypatch.delenv("HEYPETER_TUI_DEBUG", raising=False)
    return Context(state_dir=state_dir, operator="alice", clock=clock, config_path=tmp_path / "cfg" / "config.yaml")


@pytest.mark.parametrize(("broken", "pilot", "cause"), [
    (TimerBreaks, None, "KeyError: 'code-readiness'"),
    (HandlerBreaks, None, "ValueError: a handler broke"),
    (WorkerBreaks, switch_run, "RuntimeError: a worker broke"),
], ids=["timer", "message-handler", "worker"])
def test_an_escaping_exception_writes_a_crash_file_and_exits_70(broken, pilot, cause, crash_context, state_dir,
                                                                capfd) -> None:
    app = broken(crash_context, crash_context.current_session())
    code = run_dashboard(app, crash_context, headless=True, size=(120, 40), auto_pilot=pilot)
    assert code == CRASH_EXIT
    files = list((state_dir / "crash").iterdir())
    assert len(files) == 1 and files[0].name.startswith("crash-") and files[0].suffix == ".txt"
    assert stat.S_IMODE(files[0].stat().st_mode) == 0o600
    assert stat.S_IMODE((state_dir / "crash").stat().st_mode) == 0o700
    text = files[0].read_text()
    assert cause in text and "Traceback" in text
    assert "s3cr3t-token-value" not in text  # the environment's secrets stay out of it, should a local hold one
    err = capfd.readouterr().err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err  # one line, naming the file, not the traceback
    assert str(files[0]) in lines[0] and cause in lines[0]


def test_a_quit_is_no_crash(crash_context, state_dir, capfd) -> None:
    app = HeyPeterApp(crash_context, crash_context.current_session())
    assert run_dashboard(app, crash_context, headless=True, size=(120, 40), auto_pilot=quit_at_once) == 0
    assert not (state_dir / "crash").exists()
    assert capfd.readouterr().err == ""


def test_debug_shows_the_traceback_as_well(crash_context, state_dir, capfd, monkeypatch) -> None:
    monkeypatch.setenv("HEYPETER_TUI_DEBUG", "1")
    app = TimerBreaks(crash_context, crash_context.current_session())
    assert run_dashboard(app, crash_context, headless=True, size=(120, 40)) == CRASH_EXIT
    err = capfd.readouterr().err
    assert "Traceback" in err and "in tick" in err
