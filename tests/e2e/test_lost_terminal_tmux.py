"""A dashboard that loses its terminal at any moment, its first moments included, is gone within seconds; and one
switched from the sign-offs view to a run of another checklist keeps answering.

24 dashboards, each in its own tmux window, each window killed a random 0-0.6 s after it started: before the
bounded shutdown (ui/shutdown.py) some hung for good in Textual's writer-thread stop, orphaned.
"""

from __future__ import annotations

import os
import random
import shlex
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from tests.e2e.test_edges_tmux import ended

DASHBOARDS = 24
SPREAD = float(os.environ.get("HEYPETER_TUI_TEST_KILL_SPREAD", "0.6"))
"""Each pane is killed a random 0-SPREAD s after it started: 0.6 s as in the field; on a slower machine (2 shared
cores) the dashboard may draw its first frame later, and a wider spread reaches it there too."""
GONE_WITHIN = 3.0
"""The watchdog ends a dashboard 2 s after its end began; one more second for a machine under load."""

SMALL = """schema: 1
id: small
title: Small Checklist
sections:
  - title: Only Section
    items: [Lonely item]
signoffs: [Boss]
contacts:
  - role: Pager
"""


def test_dashboards_whose_pane_closes_in_their_first_moments_are_all_gone(installed, home: Path) -> None:
    assert installed.run(home, "new", "Release").returncode == 0  # no first-launch race among them
    sockets = Path(tempfile.mkdtemp(prefix="hp-lost-"))
    tmux = ["tmux", "-S", str(sockets / "s"), "-f", "/dev/null"]
    env_words = " ".join(f"{k}={shlex.quote(v)}" for k, v in installed.env(home).items())
    rng = random.Random(25)
    pids: dict[int, float] = {}
    try:
        subprocess.run([*tmux, "new-session", "-d", "-s", "keep", "-x", "120", "-y", "40", "sleep 600"], check=True)
        kills: list[tuple[float, int]] = []
        for number in range(DASHBOARDS):  # all at once, as a team's panes open: each start is slower, as in the field
            pid_file = sockets / f"pid-{number}"
            # `exec`: the pid the shell writes is the dashboard's own.
            command = f"echo $$ > {pid_file}; exec env -i {env_words} {shlex.quote(str(installed.script))}"
            subprocess.run([*tmux, "new-window", "-d", "-t", "keep", "-n", f"d{number}", command], check=True)
            kills.append((time.monotonic() + rng.uniform(0, SPREAD), number))
        for when, number in sorted(kills):
            time.sleep(max(when - time.monotonic(), 0))
            pid_file = sockets / f"pid-{number}"
            pid = int(pid_file.read_text()) if pid_file.exists() and pid_file.read_text().strip() else None
            subprocess.run([*tmux, "kill-window", "-t", f"keep:d{number}"], check=True)
            if pid is not None:
                pids[pid] = time.monotonic()
        assert len(pids) >= DASHBOARDS // 2, "most windows got as far as starting the dashboard"
        deadline = max(pids.values()) + GONE_WITHIN
        while time.monotonic() < deadline and not all(ended(pid) for pid in pids):
            time.sleep(0.05)
        late = [pid for pid, killed in pids.items() if not ended(pid)]
        assert not late, f"{len(late)} of {len(pids)} dashboards still there {GONE_WITHIN}s after their pane closed"
    finally:
        for pid in pids:
            if not ended(pid):
                os.kill(pid, signal.SIGKILL)  # no pane can reach it any more: do not leave it behind
        subprocess.run([*tmux, "kill-server"], capture_output=True, timeout=10)
        shutil.rmtree(sockets, ignore_errors=True)


def test_switching_from_sign_offs_to_a_run_of_another_checklist_keeps_the_dashboard(open_pane, installed,
                                                                                    home: Path) -> None:
    checklists = home / "config" / "heypeter-tui" / "checklists"
    checklists.mkdir(parents=True)
    (checklists / "small.yaml").write_text(SMALL)
    assert installed.run(home, "new", "Small release", "--checklist", "small").returncode == 0
    assert installed.run(home, "new", "Big release").returncode == 0
    pane = open_pane(width=120, height=40)
    pane.wait_for("Big release", "Emergency contacts")
    pane.send("s")
    pane.wait_for("r Revoke", "Product Manager")  # the sign-off table, its keys in the footer
    pane.send("C-p")
    pane.wait_for("Switch run…")
    pane.send(*"switch to run small")
    pane.wait_for("Switch to run: Small release")
    pane.send("Enter")  # the palette's hit for that run
    pane.wait_for("Small Checklist", "Small release")
    time.sleep(2.5)  # ticks of the clock: the crash came from the tick after the switch
    screen = pane.wait_for("Boss", "Only Section")
    assert "Security Officer" not in screen and not pane.exit_file.exists()
    pane.send("h", "1")
    pane.wait_for("Lonely item")
    pane.send("q")
    assert pane.wait_exit() == 0
    assert not (home / "state" / "heypeter-tui" / "crash").exists()


def test_a_dashboard_whose_terminal_stops_taking_output_ends_within_seconds_of_sighup(installed, home: Path) -> None:
    """Textual's writer thread stuck for good: a terminal nobody reads fills, the writes block, the writer's queue
    fills, and the event loop blocks writing the next frame. Its own signal handlers never run then; the bounded
    shutdown's do, and the watchdog ends the process."""
    import fcntl
    import pty
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 80, 250, 0, 0))  # big frames fill it soon
    process = subprocess.Popen([str(installed.script)], stdin=slave, stdout=slave, stderr=slave,
                               env=installed.env(home), start_new_session=True)
    os.close(slave)
    try:
        time.sleep(4)  # never read: its first frames and a few ticks fill the terminal's buffer
        process.send_signal(signal.SIGHUP)
        try:
            process.wait(GONE_WITHIN)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"still there {GONE_WITHIN}s after SIGHUP, its terminal full") from None
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(master)
