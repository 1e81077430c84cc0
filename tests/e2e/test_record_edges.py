"""A writer that can append to a run cannot reach a watcher's terminal; a replaced log is shown as it is now."""

from __future__ import annotations

import os
import time
from pathlib import Path

FIRST = "code-readiness/all-features-tested-and-approved"


def run_log(home: Path) -> Path:
    return next((home / "state" / "heypeter-tui" / "runs").glob("*.jsonl"))


def test_a_hostile_operator_from_a_pipeline_reaches_no_watching_terminal(open_pane, installed, home: Path) -> None:
    pane = open_pane(width=160, height=40)
    pane.wait_for("[ ] All features tested and approved")
    title_before = pane.tmux("display-message", "-p", "-t", "main", "#{pane_title}")
    hostile = "op\x1b]0;pwned-title\x07\x1b]52;c;cHduZWQ=\x07\x1b]2;pwned2\x1b\\\u202eevil\nline-two"
    result = installed.run(home, "--operator", hostile, "mark", FIRST, "done", "--note", "note \x1b]52;c;cHduZWQ=\x07")
    assert result.returncode == 0, result.stderr
    screen = pane.wait_for("[x] All features tested and approved", "done · op")
    assert "pwned" not in screen
    pane.send("l", "Enter")  # the item's history, with the note and the operator
    pane.wait_for("History", "note")
    pane.send("Escape")
    assert pane.tmux("list-buffers") == ""  # no OSC 52 reached tmux's paste buffers
    title_after = pane.tmux("display-message", "-p", "-t", "main", "#{pane_title}")
    assert title_after == title_before and "pwned" not in title_after
    # The control: this tmux does take a clipboard write when a program really sends one.
    pane.tmux("new-window", "-d", "printf '\\033]52;c;Y29udHJvbA==\\007'; sleep 5")
    deadline = time.monotonic() + 5
    while pane.tmux("list-buffers") == "":
        assert time.monotonic() < deadline, "the control OSC 52 never arrived: this test could not see a leak"
        time.sleep(0.05)


def test_a_log_restored_under_an_open_dashboard_is_shown_as_it_is_now(open_pane, installed, home: Path) -> None:
    pane = open_pane(width=160, height=40)
    pane.wait_for("[ ] All features tested and approved")
    log = run_log(home)
    backup = log.read_bytes()
    assert installed.run(home, "--operator", "bob", "mark", FIRST, "done").returncode == 0
    pane.wait_for("[x] All features tested and approved")
    restored = log.with_name("restored.tmp")
    restored.write_bytes(backup)
    restored.chmod(0o600)
    os.replace(restored, log)  # a backup put back while the dashboard runs
    screen = pane.wait_for("[ ] All features tested and approved", "replaced or cut short")
    assert "[x] All features tested and approved" not in screen
    assert (
        installed.run(home, "--operator", "carol", "mark", "Code review completed for all changes", "done").returncode
        == 0
    )
    pane.wait_for("[x] Code review completed for all changes")  # and it follows the new file from there
    pane.send("q")
    assert pane.wait_exit() == 0


def test_a_byte_that_is_not_utf8_does_not_end_the_dashboard(open_pane) -> None:
    """A Latin-1 terminal or an 8-bit Meta key: Textual's strict decoder used to kill the app with a traceback."""
    pane = open_pane(width=120, height=40)
    pane.wait_for("[ ] All features tested and approved")
    pane.tmux("send-keys", "-t", "main", "-H", "9b", "ff", "e9", "41")
    pane.send("1", "l", "Space")  # and it still takes keys
    pane.wait_for("[x] All features tested and approved")
    pane.send("q")
    assert pane.wait_exit() == 0
    assert "Traceback" not in pane.screen()
