"""Edges in a real tmux pane: keys under the "too small" notice, and SIGTERM / SIGHUP ending the dashboard cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

# Each changes the run or opens something at a usable size (tmux key names). Escape comes last: Esc and
# the key after it read as one alt+key.
KEYS = ["9", "Space", "x", "?", "C-p", "u", "C-z", "o", "T", "Tab", "Enter", "Escape"]


def run_log(home: Path) -> Path:
    logs = sorted((home / "state" / "heypeter-tui" / "runs").glob("*.jsonl"))
    assert len(logs) == 1, logs
    return logs[0]


def pane_flag(pane, name: str) -> str:
    return pane.tmux("display-message", "-p", "-t", "main", f"#{{{name}}}").strip()


def poll(condition, what: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"never happened: {what}"
        time.sleep(0.05)


def test_no_key_acts_while_the_terminal_is_too_small(open_pane, home: Path) -> None:
    pane = open_pane(width=120, height=40)
    pane.wait_for("Emergency contacts", "[ ] All features tested and approved")
    log = run_log(home)
    before = log.read_bytes()
    pane.resize(30, 10)
    pane.wait_for("Terminal too small", "quits.")
    pane.send(*KEYS)
    # The notice answers each ignored key: once it names the last one, every key before it was read here.
    screen = pane.wait_for("(ignored: escape)")
    assert log.read_bytes() == before
    assert "Keys" not in screen and "🔎" not in screen  # neither help nor the palette opened
    pane.resize(120, 40)
    screen = pane.wait_for("Emergency contacts", "Code Readiness")
    assert "Terminal too small" not in screen and log.read_bytes() == before
    pane.send("9", "Space")  # the same keys act again: one tick, on the first item of Testing
    poll(lambda: log.read_bytes() != before, "the tick reached the log")
    assert len(log.read_bytes().splitlines()) == len(before.splitlines()) + 1
    pane.send("?")
    pane.wait_for("Keys", "Anywhere", "command palette")
    pane.send("Escape")  # alone: Esc and q sent together read as alt+q
    poll(lambda: "Anywhere" not in pane.screen(), "help closed")
    pane.send("q")
    assert pane.wait_exit() == 0


def app_pid(pane) -> int:
    """The app: the one child of the pane's shell, which runs it and then records its exit status."""
    shell = pane_flag(pane, "pane_pid")
    children: list[str] = []

    def started() -> bool:
        children[:] = subprocess.run(["pgrep", "-P", shell], capture_output=True, text=True).stdout.split()
        return len(children) == 1

    poll(started, "the app is the shell's one child")
    return int(children[0])


def ended(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[-1].startswith("Z")  # a zombie has ended
    except FileNotFoundError:
        return True


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_signal_ends_the_dashboard_as_q_does(open_pane, number: signal.Signals) -> None:
    pane = open_pane(width=120, height=40)
    pane.wait_for("Emergency contacts")
    # The control: while it runs, the pane is in the alternate screen with mouse tracking on.
    poll(lambda: pane_flag(pane, "alternate_on") == "1" and pane_flag(pane, "mouse_any_flag") == "1",
         "the dashboard took the alternate screen and the mouse")
    app = app_pid(pane)
    os.kill(app, number)
    assert pane.wait_exit() == 0  # handled: the app ends as `q` ends it, status 0
    assert pane_flag(pane, "alternate_on") == "0"
    assert pane_flag(pane, "mouse_any_flag") == "0"
    assert pane_flag(pane, "mouse_all_flag") == "0" and pane_flag(pane, "mouse_sgr_flag") == "0"


def test_a_closed_pane_ends_the_dashboard(open_pane) -> None:
    # A real hang-up: tmux sends SIGHUP and the terminal is gone, so nothing can be restored or written;
    # handling the signal must not leave the app running without a terminal.
    pane = open_pane(width=120, height=40)
    pane.wait_for("Emergency contacts")
    app = app_pid(pane)
    pane.tmux("new-window", "-d", "sleep 60")  # keeps this tmux server up once the pane is gone
    pane.tmux("kill-pane", "-t", "main:0")
    try:
        poll(lambda: ended(app), "the app ended after its pane closed")
    finally:
        if not ended(app):
            os.kill(app, signal.SIGKILL)  # no pane can reach it any more: do not leave it behind
