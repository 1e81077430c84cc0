"""make bench, the long-log part: a deployment day of 200,000 events against a run of 1,000, side by side in one run.

Both runs are built here from valid, chained events appended through the file store: monitoring checks repeating on
five items (seven events in ten), notes (two in ten), ticks (one in ten). Each is read once first, as a team's runs
are (that read leaves its checkpoint in the user's cache dir, core/checkpoint.py); then, interleaved:
- `status`, timed as a process;
- `export --format json`, its peak memory (the process's maximum RSS);
- the dashboard's first full frame in a real tmux pane.

Usage: python bench/log_bench.py (prints its rows); bench/run.py calls rows().
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

RUNS = int(os.environ.get("BENCH_RUNS", "9"))
SMALL, BIG = 1000, int(os.environ.get("BENCH_LOG_EVENTS", "200000"))


def environment(home: Path) -> dict[str, str]:
    return {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / "config"),
            "XDG_STATE_HOME": str(home / "state"), "XDG_CACHE_HOME": str(home / "cache"), "LANG": "C.UTF-8"}


def make_day(home: Path, count: int) -> None:
    """A run of the built-in checklist holding `count` events of a monitoring day (views_bench's: gen.py's mix)."""
    from views_bench import make_run

    make_run(home / "state" / "heypeter-tui", "day", count - 1)


def timed(argv: list[str], env: dict[str, str]) -> float:
    """Seconds of one process."""
    started = time.perf_counter()
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - started


def peak_kib(args: list[str], env: dict[str, str]) -> int:
    """Peak RSS (KiB) of `heypeter-tui ARGS`, as the process itself saw it (bench/peak.py)."""
    import peak

    _, kib, code = peak.run(args, env)
    if code:
        raise RuntimeError(f"heypeter-tui {' '.join(args)} failed")
    return kib


def rows(tmux_class=None, start_frame=None, heypeter: list[str] | None = None, marks=None) -> list[tuple]:
    heypeter = heypeter or [sys.executable, "-m", "heypeter_tui"]
    root = Path(tempfile.mkdtemp(prefix="hp-bench-log-"))
    homes = {count: root / f"events-{count}" for count in (SMALL, BIG)}
    for count, home in homes.items():
        home.mkdir()
        make_day(home, count)
        timed([*heypeter, "status"], environment(home))  # the read a team's run has had before
    status = {count: [] for count in homes}
    memory = {count: [] for count in homes}
    for run in range(RUNS):
        for count, home in homes.items():
            status[count].append(timed([*heypeter, "status"], environment(home)))
            if run < 3:  # memory varies little, and a record of 200,000 events takes half a minute to write
                memory[count].append(float(peak_kib(["export", "--format", "json", "-o", str(home / "r.json")],
                                                    environment(home))))
    found = [
        (f"status, {BIG:,} events vs {SMALL:,}", status[BIG], status[SMALL], 3.0),
        (f"export --format json peak memory, {BIG:,} events vs {SMALL:,}", memory[BIG], memory[SMALL], 4.0),
    ]
    if tmux_class is not None and start_frame is not None:
        tmux = tmux_class()
        screens = {count: [] for count in homes}
        try:
            for _ in range(RUNS):
                for count, home in homes.items():
                    screens[count].append(start_frame(tmux, heypeter, home, marks)[0])
        finally:
            tmux.shutdown()
        found.append((f"dashboard's first screen, {BIG:,} events vs {SMALL:,}", screens[BIG], screens[SMALL], 2.0))
    print(f"(long log: status {min(status[BIG]) * 1000:.0f} ms on {BIG:,} events, {min(status[SMALL]) * 1000:.0f} ms "
          f"on {SMALL:,}; export --format json at most {max(memory[BIG]) / 1024:.0f} MB and "
          f"{max(memory[SMALL]) / 1024:.0f} MB)")
    return found


if __name__ == "__main__":
    import run as bench_run

    for name, ours, base, target in rows(bench_run.Tmux, bench_run.start_frame, bench_run.HEYPETER,
                                         bench_run.BUILTIN_MARKS):
        print(f"{name:<60} {min(ours) / min(base):>6.2f}x (target {target}x)")
