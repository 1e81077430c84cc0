"""The header in a real terminal at every width, while a pipeline works the run: nothing that matters hidden."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest

COUNTDOWN = re.compile(r"T-00:\d\d:\d\d")


def header(screen: str) -> list[str]:
    return screen.splitlines()[:2]


@pytest.mark.parametrize("width", [80, 100, 120, 250])
def test_window_timer_countdown_and_verdict_at_every_width(open_pane, installed, home: Path, width: int) -> None:
    assert installed.run(home, "new", "Release 2.4.0", "--t0", "+1h").returncode == 0
    pane = open_pane(width=width, height=30)
    pane.wait_for("NO-GO")
    # Changes from the command line, under the open dashboard: the header follows them, no resize needed.
    marked = installed.run(home, "--operator", "ci", "mark", "Enable maintenance mode", "done", "--override", "drill")
    assert marked.returncode == 0, marked.stderr
    assert installed.run(home, "--operator", "ci", "timer", "Monitor for 30 minutes", "start").returncode == 0
    # The window, the writer's line above the footer, and (where there is room) the timer: the two changes may be
    # read in two polls, so each is waited for, never assumed from the other.
    screen = pane.wait_for("MAINTENANCE 00:00:", "ci (", *(["timer 00:"] if width >= 100 else []))
    first, second = header(screen)
    assert COUNTDOWN.search(second) and second.rstrip().endswith("NO-GO")
    assert "operator " in first and "next Final code review" in first
    if width >= 100:
        assert "timer 00:" in second
    if width >= 120:
        assert "Release 2.4.0" in second and "HeyPeter Academy LMS" in first
    assert all(len(line) <= width for line in (first, second))


def test_fifty_pipeline_changes_leave_the_header_readable_throughout(open_pane, installed, home: Path) -> None:
    assert installed.run(home, "new", "Release 2.4.0", "--t0", "+1h").returncode == 0
    listed = installed.run(home, "next", "--all", "--json").stdout
    keys = re.findall(r'"key": "([^"]+)"', listed)[:50]
    assert len(keys) == 50
    pane = open_pane(width=100, height=24)
    pane.wait_for("NO-GO")
    done = threading.Event()
    failures: list[str] = []

    def pipeline() -> None:
        for key in keys:
            result = installed.run(home, "--operator", "pipeline", "mark", key, "done")
            if result.returncode != 0:
                failures.append(result.stderr)
        done.set()

    worker = threading.Thread(target=pipeline)
    worker.start()
    seen = 0
    while not done.is_set() or seen < 3:
        first, second = header(pane.screen())
        assert "operator " in first, first  # never covered by a notification
        assert COUNTDOWN.search(second) and "NO-GO" in second, second
        seen += 1
    worker.join()
    assert failures == []
    screen = pane.wait_for("50/83", "pipeline (")
    assert "50 changes" in screen  # one line for the writer, counted, not fifty notifications
