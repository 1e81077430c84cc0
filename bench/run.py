"""make bench: heypeter-tui against a bare Textual app, side by side in one run, as ratios.

Every start is a real process in a real tmux pane, timed from launch until its first full frame is
on the screen (polled with capture-pane); memory is the process's peak RSS (VmHWM) at that frame.
Runs are interleaved, at least nine of each; the ratio is taken between the fastest runs (noise on a
shared machine only ever adds time) and the medians are shown beside it.

Then a key to the screen while a check floods the dashboard with output, against no check running
(bench/check_bench.py); and the PostgreSQL store against the file store (bench/store_bench.py): appends,
concurrent writers, another process's change to the screen, and the dashboard's start, with a PostgreSQL
server of the bench's own.
"""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import check_bench
import import_bench
import log_bench
import store_bench
import views_bench

HERE = Path(__file__).resolve().parent
PYTHON = sys.executable
HEYPETER = [PYTHON, "-m", "heypeter_tui"]
BARE = [PYTHON, str(HERE / "bare_app.py")]
RUNS = int(os.environ.get("BENCH_RUNS", "9"))
WIDTH, HEIGHT = 250, 70
BUILTIN_MARKS = ("Team Readiness", "Emergency contacts", "] All features tested and approved")
BIG_MARKS = ("Section 50", "Emergency contacts", "] Item 1.1 of the big checklist")
BARE_MARKS = ("bare app ready", "Quit")


class Tmux:
    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="hp-bench-"))
        conf = self.dir / "tmux.conf"
        conf.write_text("set -g status off\nset -g remain-on-exit off\n")
        self.base = ["tmux", "-S", str(self.dir / "s"), "-f", str(conf)]
        self.run("new-session", "-d", "-s", "bench", "-x", str(WIDTH), "-y", str(HEIGHT), "sleep 100000")

    def run(self, *args: str) -> str:
        return subprocess.run([*self.base, *args], check=True, capture_output=True, text=True).stdout

    def start(self, argv: list[str], env: dict[str, str]) -> tuple[str, float]:
        words = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        command = f"exec env {words} {shlex.join(argv)}"
        started = time.perf_counter()
        window = self.run("new-window", "-d", "-P", "-F", "#{window_id}", "-t", "bench", command).strip()
        return window, started

    def screen(self, window: str, colours: bool = False) -> str:
        return self.run("capture-pane", "-p", *(["-e"] if colours else []), "-t", window)

    def settle(self, window: str, quiet: float = 0.3, timeout: float = 10.0) -> None:
        """Wait until the pane (colours included: focus moves show only in colour) has stopped changing
        for `quiet` seconds, so what is timed next is one key on an idle app, not the tail of its start."""
        deadline = time.perf_counter() + timeout
        last, since = self.screen(window, colours=True), time.perf_counter()
        while time.perf_counter() < deadline:
            time.sleep(0.02)
            screen = self.screen(window, colours=True)
            if screen != last:
                last, since = screen, time.perf_counter()
            elif time.perf_counter() - since >= quiet:
                return

    def wait(self, window: str, marks: tuple[str, ...], timeout: float = 60.0) -> float:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            screen = self.screen(window)
            if all(mark in screen for mark in marks):
                return time.perf_counter()
            time.sleep(0.005)
        raise RuntimeError(f"no first frame within {timeout}s; missing {marks}:\n{self.screen(window)}")

    def pane_pid(self, window: str) -> int:
        return int(self.run("display-message", "-p", "-t", window, "#{pane_pid}").strip())

    def peak_rss_kib(self, window: str) -> int:
        pid = self.pane_pid(window)
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
        return 0

    def close(self, window: str) -> None:
        """SIGTERM first, the terminal still there (the app ends as `q` does), then the window. Killing the window
        alone hangs up on an app that may still be drawing its first frames, and most such dashboards then never
        end (stuck in Textual's shutdown, writing to the terminal that is gone): each start left one running,
        polling, for the rest of the bench."""
        try:
            pid = self.pane_pid(window)
            os.kill(pid, signal.SIGTERM)
        except (subprocess.CalledProcessError, ValueError, ProcessLookupError):  # gone already
            pid = None
        deadline = time.perf_counter() + 5
        while pid is not None and running(pid) and time.perf_counter() < deadline:
            time.sleep(0.01)
        subprocess.run([*self.base, "kill-window", "-t", window], capture_output=True)
        if pid is not None and running(pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    def shutdown(self) -> None:
        subprocess.run([*self.base, "kill-server"], capture_output=True)
        shutil.rmtree(self.dir, ignore_errors=True)


def running(pid: int) -> bool:
    """Whether PID runs: a zombie (ended, not yet reaped by tmux) does not."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def environment(home: Path) -> dict[str, str]:
    return {
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_STATE_HOME": str(home / "state"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "TERM": "screen-256color",
        "LANG": "C.UTF-8",
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": os.environ.get("PYTHONPATH", ""),
    }


def big_checklist(path: Path) -> Path:
    lines = ["schema: 1", "id: big", "title: Big checklist", "product: Bench", "sections:"]
    for section in range(1, 51):
        lines += [f"  - title: Section {section}", "    items:"]
        lines += [f"      - Item {section}.{item} of the big checklist" for item in range(1, 101)]
    lines += ["signoffs: [Tech Lead, QA Lead]", "contacts: [DevOps]"]
    path.write_text("\n".join(lines) + "\n")
    return path


def cli(home: Path, *args: str) -> None:
    subprocess.run([*HEYPETER, *args], env={**os.environ, **environment(home)}, check=True, capture_output=True)


# -- measurements -----------------------------------------------------------------------------------


def start_frame(tmux: Tmux, argv: list[str], home: Path, marks: tuple[str, ...], keys: tuple[str, str] | None = None):
    """Seconds to the first full frame, peak RSS in KiB, and with `keys` (a key that moves into the first
    section, the item's text) the seconds from space on that item until the pane shows it changed,
    pressed once the app has settled (its start's last redraws would otherwise be timed with it)."""
    window, started = tmux.start(argv, environment(home))
    try:
        shown = tmux.wait(window, marks)
        rss = tmux.peak_rss_kib(window)
        key_time = None
        if keys:
            into, text = keys
            tmux.run("send-keys", "-t", window, into)
            tmux.settle(window)
            screen = tmux.screen(window)
            expected = f"[ ] {text}" if f"[x] {text}" in screen else f"[x] {text}"
            pressed = time.perf_counter()
            tmux.run("send-keys", "-t", window, "Space")
            key_time = tmux.wait(window, (expected,)) - pressed
        return shown - started, rss, key_time
    finally:
        tmux.close(window)


def timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def interleave(runs: int, *measures: Callable[[], object]) -> list[list[object]]:
    results: list[list[object]] = [[] for _ in measures]
    for _ in range(runs):
        for index, measure in enumerate(measures):
            results[index].append(measure())
    return results


def fold_seconds(count: int, undo: bool = False) -> float:
    """The best of five folds of `count` status changes (with `undo`, each then undone, newest first:
    what made the old fold quadratic)."""
    from heypeter_tui.core.events import Actor, new_event
    from heypeter_tui.core.loader import load_checklist
    from heypeter_tui.core.resources import builtin_checklists
    from heypeter_tui.core.run import fold

    checklist = load_checklist(builtin_checklists()["heypeter-production"])
    actor = Actor("bench", "bench", "host")
    now = datetime.now(timezone.utc)
    keys = list(checklist.items_by_key)
    events = [
        new_event("run.created", actor, now, run="r", title="t", checklist=checklist.id, template=checklist.to_dict())
    ]
    for n in range(count):
        events.append(
            new_event("item.status", actor, now, item=keys[n % len(keys)], status="done" if n % 2 else "pending")
        )
    if undo:
        events += [new_event("undo", actor, now, target=event.id) for event in reversed(events[1:])]
    return best_of(5, lambda: fold(events))


def best_of(times: int, work: Callable[[], object]) -> float:
    """The fastest of `times` runs of `work`, in seconds."""
    best = float("inf")
    for _ in range(times):
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    return best


def import_seconds(lines: int) -> float:
    """The best of three imports of a Markdown list of `lines` equal tasks (each id numbered: -2, -3…)."""
    from heypeter_tui.core.markdown import import_markdown

    text = "# Same\n## Steps\n" + "- [ ] the same step\n" * lines
    return best_of(3, lambda: import_markdown(text))


def run_with_events(home: Path, count: int) -> None:
    """A run of the built-in checklist holding `count` events."""
    sys.path.insert(0, str(HERE.parent))
    from heypeter_tui.context import Context
    from heypeter_tui.core import commands

    context = Context(state_dir=home / "state" / "heypeter-tui", operator="bench")
    session = context.current_session()
    keys = list(session.state.checklist.items_by_key)
    for n in range(count - 1):
        session.record(commands.set_status(session.state, keys[n % 60], "done" if n % 2 else "pending"))


# -- the table --------------------------------------------------------------------------------------


def ratio(ours: list[float], base: list[float]) -> tuple[float, float]:
    return min(ours) / min(base), statistics.median(ours) / statistics.median(base)


def main() -> int:
    if shutil.which("tmux") is None:
        print("make bench needs tmux (apt-get install tmux)", file=sys.stderr)
        return 2
    # Installing a wheel compiles its bytecode; an editable checkout under PYTHONDONTWRITEBYTECODE never
    # would, and every start would compile heypeter_tui from source while Textual starts compiled.
    subprocess.run([PYTHON, "-m", "compileall", "-q", str(HERE.parent / "heypeter_tui"), str(HERE)], check=True)
    root = Path(tempfile.mkdtemp(prefix="hp-bench-homes-"))
    existing, big_home, bare_home = root / "existing", root / "big", root / "bare"
    for home in (existing, big_home, bare_home):
        home.mkdir()
    cli(existing, "new", "Bench")  # the run later starts resume (commands other than new never create one)
    big_file = big_checklist(root / "big.yaml")
    cli(big_home, "new", "Big", "--checklist", str(big_file))
    first_launch_homes = iter(root / f"first-{n}" for n in range(RUNS))
    tmux = Tmux()
    rows = []
    try:
        bare, hp_existing, hp_first, hp_big = interleave(
            RUNS,
            lambda: start_frame(tmux, BARE, bare_home, BARE_MARKS),
            lambda: start_frame(tmux, HEYPETER, existing, BUILTIN_MARKS, ("1", "All features tested and approved")),
            lambda: start_frame(tmux, HEYPETER, next(first_launch_homes), BUILTIN_MARKS),
            lambda: start_frame(tmux, HEYPETER, big_home, BIG_MARKS, ("1", "Item 1.1 of the big checklist")),
        )
        bare_t = [r[0] for r in bare]
        rows.append(("startup, existing run, built-in checklist", [r[0] for r in hp_existing], bare_t, 1.15))
        rows.append(("first launch (creates the run)", [r[0] for r in hp_first], bare_t, 1.3))
        rows.append(("startup, 5,000-item checklist", [r[0] for r in hp_big], bare_t, 1.4))
        rows.append(("peak memory, built-in", [float(r[1]) for r in hp_existing], [float(r[1]) for r in bare], 1.2))
        rows.append(("peak memory, 5,000 items", [float(r[1]) for r in hp_big], [float(r[1]) for r in bare], 1.4))
        rows.append(("key to screen, 5,000 vs 83 items", [r[2] for r in hp_big], [r[2] for r in hp_existing], 1.5))
    finally:
        tmux.shutdown()
    checks = check_bench.measure(Tmux, environment, HEYPETER)
    if not checks.skipped:
        rows.append(check_bench.row(checks))

    small, large = root / "events-83", root / "events-5000"
    for home, count in ((small, 83), (large, 5000)):
        home.mkdir()
        run_with_events(home, count)
    status = [*HEYPETER, "status"]
    imports = [PYTHON, "-c", "import yaml, json, platformdirs"]
    status_small, status_large, baseline = interleave(
        RUNS,
        lambda: timed(status, {**os.environ, **environment(small)}),
        lambda: timed(status, {**os.environ, **environment(large)}),
        lambda: timed(imports, {**os.environ, **environment(small)}),
    )
    rows.append(("status, 5,000 events vs 83", status_large, status_small, 2.0))
    rows.append(("status vs importing yaml, json, platformdirs", status_small, baseline, 1.5))
    fold_small, fold_large = interleave(3, lambda: fold_seconds(10_000), lambda: fold_seconds(100_000))
    rows.append(("folding 100,000 events vs 10,000", fold_large, fold_small, 12.0))
    # Linear is 10x; the collector's passes over twice as many objects add noise. Quadratic, as it was, is 100x.
    undo_small, undo_large = interleave(
        5, lambda: fold_seconds(2_000, undo=True), lambda: fold_seconds(20_000, undo=True)
    )
    rows.append(("folding 20,000 changes undone vs 2,000", undo_large, undo_small, 15.0))
    import_small, import_large = interleave(3, lambda: import_seconds(2_000), lambda: import_seconds(20_000))
    rows.append(("import-md, 20,000 equal task lines vs 2,000", import_large, import_small, 12.0))

    probe_script = (
        "import json, sys\n"
        "from heypeter_tui.cli import main\n"
        "main(['status'])\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] == 'textual')))\n"
    )
    probe = subprocess.run(
        [PYTHON, "-c", probe_script],
        env={**os.environ, **environment(small)},
        capture_output=True,
        text=True,
        check=True,
    )
    textual_loaded = json.loads(probe.stdout.strip().splitlines()[-1])
    stores = store_bench.measure(Tmux, start_frame, environment, HEYPETER)
    rows += log_bench.rows(Tmux, start_frame, HEYPETER, BUILTIN_MARKS)
    rows += views_bench.rows()
    rows += import_bench.rows()

    print(f"heypeter-tui benchmark: {RUNS} interleaved runs each, {WIDTH}x{HEIGHT} tmux pane, "
          f"Python {sys.version.split()[0]}, {os.cpu_count()} cores")
    width = max(46, *(len(name) for name, *_ in rows))
    print(f"{'figure':<{width}} {'fastest':>9} {'median':>9} {'target':>7}  verdict")
    failures = 0
    for name, ours, base, target in rows:
        fastest, median = ratio(ours, base)
        verdict = "ok" if fastest <= target else "OVER"
        failures += verdict != "ok"
        print(f"{name:<{width}} {fastest:>8.2f}x {median:>8.2f}x {target:>6.2f}x  {verdict}")
    print(f"{'status imports textual':<46} {'no' if not textual_loaded else 'YES: ' + ', '.join(textual_loaded[:3])}")
    absolute = {name: (min(ours), min(base)) for name, ours, base, _ in rows}
    first = absolute["startup, existing run, built-in checklist"]
    print(
        f"(fastest bare Textual app: {first[1] * 1000:.0f} ms to its first frame; "
        f"heypeter-tui: {first[0] * 1000:.0f} ms)"
    )
    keys = absolute["key to screen, 5,000 vs 83 items"]
    print(f"(fastest key to screen: {keys[1] * 1000:.0f} ms with 83 items, {keys[0] * 1000:.0f} ms with 5,000)")
    print(check_bench.note(checks))
    failures += bool(checks.skipped)
    failures += store_bench.report(stores)
    shutil.rmtree(root, ignore_errors=True)
    return 1 if failures or textual_loaded else 0


if __name__ == "__main__":
    raise SystemExit(main())
