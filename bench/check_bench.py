"""make bench, the checks part: a key's way to the screen while a check floods the dashboard with output, against
the same key with no check running, side by side in one run.

One dashboard in tmux on a run whose checklist (trusted beforehand with `trust --yes`, as a pipeline would) has a
noisy check: a shell loop printing megabytes a second for as long as it is let. Each round times `j` then `k`
(the highlight moving off the check's item and back, read from the pane's colours: tests/pane_colours.py) with
nothing running; then `v` starts the check and, once its output streams into the panel, `j` and `k` are timed
again; `esc` cancels it. Between keys a random pause, so the samples meet the panel's ten redraws a second at
every phase. The check's own rate is taken from its recorded evidence (`output_bytes` over `duration_ms`).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # tests/pane_colours.py

RUNS = int(os.environ.get("BENCH_RUNS", "9"))
NOISE = "while :; do yes 'a line of a noisy check, printed again and again' | head -c 4000000; sleep 0.05; done"
"""About 4 MB at a time, twenty times a second at most: what a verbose test suite or a `curl -v` loop prints."""
CHECKLIST = f"""\
schema: 1
id: noisy
title: Noisy
sections:
  - title: Probes
    id: probes
    items:
      - id: noisy
        text: Noisy probe
        check: {{run: "{NOISE}", timeout: 30m}}
      - Quiet item two
      - Quiet item three
"""
FIRST, SECOND = "Noisy probe", "Quiet item two"
NAME = "key to screen, a noisy check running vs none"
TARGET = 1.5
"""As for 5,000 items against 83: a check flooding the panel may cost a key half again, never a frozen screen."""
MARKS = ("Noisy", "Emergency contacts", "] Noisy probe")


@dataclass
class Figures:
    idle: list[float] = field(default_factory=list)
    """Seconds from a key to the highlight moved on the screen, no check running."""
    busy: list[float] = field(default_factory=list)
    """The same, while the noisy check streams into the panel."""
    rate: float = 0.0
    """The check's output while it ran, bytes a second (from its evidence)."""
    skipped: str = ""


def measure(tmux_class, environment: Callable[[Path], dict[str, str]], argv: list[str]) -> Figures:
    """Every sample, in a dashboard of its own that is gone when this returns."""
    from tests.pane_colours import highlighted_item

    figures = Figures()
    root = Path(tempfile.mkdtemp(prefix="hp-bench-checks-"))
    home = root / "home"
    home.mkdir()
    env = {**os.environ, **environment(home)}
    checklist = root / "noisy.yaml"
    checklist.write_text(CHECKLIST)
    tmux = window = None
    try:
        for command in (["new", "Checks", "--checklist", str(checklist)], ["trust", "--yes"]):
            subprocess.run([*argv, *command], env=env, check=True, capture_output=True)
        tmux = tmux_class()
        window, _ = tmux.start(argv, environment(home))
        tmux.wait(window, MARKS)
        pause = random.Random(16)

        def highlight() -> str:
            return highlighted_item(tmux.screen(window, colours=True))

        def key(name: str, expected: str) -> float:
            """Seconds from `name` pressed to the highlight on `expected`."""
            time.sleep(pause.uniform(0.1, 0.3))
            pressed = time.perf_counter()
            tmux.run("send-keys", "-t", window, name)
            deadline = pressed + 20
            while highlight() != expected:
                if time.perf_counter() > deadline:
                    raise RuntimeError(f"the highlight never reached {expected!r}:\n{tmux.screen(window)}")
                time.sleep(0.002)
            return time.perf_counter() - pressed

        def check(running: bool) -> None:
            """`v` until its output streams into the panel, or `esc` until it is cancelled."""
            tmux.run("send-keys", "-t", window, "v" if running else "Escape")
            tmux.wait(window, ("output of probes/noisy", "▶ running") if running else ("✗ check cancelled",))
            if running:
                time.sleep(0.3)  # in full flow

        tmux.run("send-keys", "-t", window, "1", "l")
        tmux.wait(window, ("] Quiet item three",))
        while highlight() != FIRST:
            time.sleep(0.01)
        check(True)  # once untimed: the panel is up in every sample after, and the code it runs is warm
        check(False)
        for _ in range(RUNS):
            figures.idle += [key("j", SECOND), key("k", FIRST)]
            check(True)
            figures.busy += [key("j", SECOND), key("k", FIRST)]
            check(False)
        figures.rate = check_rate(argv, env)
    except Exception as error:  # the rest of make bench's table is still printed
        import traceback

        traceback.print_exc()
        figures.skipped = f"failed: {str(error).splitlines()[0] if str(error) else type(error).__name__}"
    finally:
        if tmux is not None:
            if window is not None:
                tmux.close(window)
            tmux.shutdown()
        shutil.rmtree(root, ignore_errors=True)
    return figures


def check_rate(argv: list[str], env: dict[str, str]) -> float:
    """Bytes a second the noisy check printed, over every run of it the record holds."""
    exported = subprocess.run([*argv, "export", "--format", "json"], env=env, check=True, capture_output=True)
    record = json.loads(exported.stdout)
    checks = [c for section in record["sections"] for item in section["items"] for c in item.get("checks", [])]
    return sum(c["output_bytes"] for c in checks) / max(sum(c["duration_ms"] for c in checks) / 1000, 0.001)


def row(figures: Figures) -> tuple[str, list[float], list[float], float]:
    """The figure for make bench's table (bench/run.py): the samples with the check running against those without."""
    return NAME, figures.busy, figures.idle, TARGET


def note(figures: Figures) -> str:
    """The absolute figures behind the ratio, or why there are none."""
    if figures.skipped:
        return f"(key to screen with a check running: not measured, {figures.skipped})"
    idle, busy = figures.idle, figures.busy
    return (f"(key to screen, n={len(idle)} each: with no check running, then while one prints "
            f"{figures.rate / 1e6:.0f} MB/s into the panel: fastest {min(idle) * 1000:.0f} and {min(busy) * 1000:.0f} "
            f"ms, median {statistics.median(idle) * 1000:.0f} and {statistics.median(busy) * 1000:.0f} ms, slowest "
            f"{max(idle) * 1000:.0f} and {max(busy) * 1000:.0f} ms)")


if __name__ == "__main__":  # this part alone: python bench/check_bench.py
    import run

    figures = measure(run.Tmux, run.environment, run.HEYPETER)
    if not figures.skipped:
        fastest, median = run.ratio(figures.busy, figures.idle)
        print(f"{NAME}: fastest {fastest:.2f}x, median {median:.2f}x (target {TARGET:.2f}x)")
    print(note(figures))
