"""The startup figures alone, as make bench takes them, quick to run: `.venv/bin/python bench/startup_bench.py`.

heypeter-tui against the bare Textual app (bench/bare_app.py), interleaved, each start a real process in a real
tmux pane timed until its first full frame (bench/run.py's `start_frame`): an existing run, a first launch (which
creates the run), a 5,000-item checklist, their peak memory, and a key to the screen with 5,000 items against 83;
then `status` against importing what it cannot do without (yaml, json, platformdirs). Each row is
(name, ours, baseline, target): the table takes the ratio of the fastest of each. BENCH_RUNS sets the runs
(default 9; 5 is enough to see a change, on a quiet machine).

bench/run.py times the same starts itself; wired in there, these rows replace its own startup rows, not add to them.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

Row = tuple[str, list[float], list[float], float]


def rows(runs: int | None = None) -> list[Row]:
    import run as bench  # bench/run.py: its tmux driver, start_frame and environments (imported here: it imports us)

    runs = runs or bench.RUNS
    # As make bench does: an editable checkout under PYTHONDONTWRITEBYTECODE would compile on every start.
    subprocess.run([bench.PYTHON, "-m", "compileall", "-q", str(HERE.parent / "heypeter_tui")], check=True)
    root = Path(tempfile.mkdtemp(prefix="hp-startup-bench-"))
    try:
        existing, big_home, bare_home = root / "existing", root / "big", root / "bare"
        for home in (existing, big_home, bare_home):
            home.mkdir()
        bench.cli(existing, "new", "Bench")
        bench.cli(big_home, "new", "Big", "--checklist", str(bench.big_checklist(root / "big.yaml")))
        first_homes = iter(root / f"first-{n}" for n in range(runs))
        tmux = bench.Tmux()
        try:
            bare, hp_existing, hp_first, hp_big = bench.interleave(
                runs,
                lambda: bench.start_frame(tmux, bench.BARE, bare_home, bench.BARE_MARKS),
                lambda: bench.start_frame(tmux, bench.HEYPETER, existing, bench.BUILTIN_MARKS,
                                          ("1", "All features tested and approved")),
                lambda: bench.start_frame(tmux, bench.HEYPETER, next(first_homes), bench.BUILTIN_MARKS),
                lambda: bench.start_frame(tmux, bench.HEYPETER, big_home, bench.BIG_MARKS,
                                          ("1", "Item 1.1 of the big checklist")),
            )
        finally:
            tmux.shutdown()
        bare_time, bare_memory = [r[0] for r in bare], [float(r[1]) for r in bare]
        table: list[Row] = [
            ("startup, existing run, built-in checklist", [r[0] for r in hp_existing], bare_time, 1.15),
            ("first launch (creates the run)", [r[0] for r in hp_first], bare_time, 1.3),
            ("startup, 5,000-item checklist", [r[0] for r in hp_big], bare_time, 1.4),
            ("peak memory, built-in", [float(r[1]) for r in hp_existing], bare_memory, 1.2),
            ("peak memory, 5,000 items", [float(r[1]) for r in hp_big], bare_memory, 1.4),
            ("key to screen, 5,000 vs 83 items", [r[2] for r in hp_big], [r[2] for r in hp_existing], 1.5),
        ]
        small = root / "events-83"
        small.mkdir()
        bench.run_with_events(small, 83)
        environment = {**os.environ, **bench.environment(small)}
        status, imports = bench.interleave(
            runs,
            lambda: bench.timed([*bench.HEYPETER, "status"], environment),
            lambda: bench.timed([bench.PYTHON, "-c", "import yaml, json, platformdirs"], environment),
        )
        table.append(("status vs importing yaml, json, platformdirs", status, imports, 1.5))
        return table
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main() -> int:
    table = rows(int(os.environ.get("BENCH_RUNS", "9")))
    print(f"{'figure':<46} {'fastest':>9} {'median':>9} {'target':>7}  verdict")
    over = 0
    for name, ours, base, target in table:
        fastest, median = min(ours) / min(base), statistics.median(ours) / statistics.median(base)
        over += fastest > target
        print(f"{name:<46} {fastest:>8.2f}x {median:>8.2f}x {target:>6.2f}x  {'ok' if fastest <= target else 'OVER'}")
    return 1 if over else 0


if __name__ == "__main__":
    raise SystemExit(main())
