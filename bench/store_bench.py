"""make bench, the PostgreSQL part: the database store beside the file store, measured side by side in one run.

A PostgreSQL server of the bench's own (tests/pgserver.py: initdb, fsync on, a unix socket), its data directory
on the same disk as the file store's logs (both under /tmp). Four figures, each the database against the file:

1. one append: `PgRunStore.append` (one commit) against `RunStore.append` (one fsync), interleaved, p50 and p99;
   beside them a bare one-row INSERT committed on the same server, to tell the commit from the append's statements;
2. four writer processes appending to one run at once: events a second;
3. a change made by another process until a dashboard in tmux shows it (the database notifies; the file store's
   dashboard polls its log every 0.5 s), interleaved, the median;
4. a dashboard's start on the same run in either store, to its first full frame, as bench/run.py times starts.

BENCH_RUNS below 9 lowers every count (the appends and writers' events in proportion).
"""

from __future__ import annotations

import math
import multiprocessing
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # tests/pgserver.py

RUNS = int(os.environ.get("BENCH_RUNS", "9"))
SCALE = min(1.0, RUNS / 9)
APPENDS = max(20, round(300 * SCALE))
WRITERS = 4
WRITER_EVENTS = max(20, round(200 * SCALE))
WRITER_ROUNDS = 3 if RUNS >= 9 else 1
TICK_SAMPLES = RUNS
TOTAL = 83
"""Items in the built-in checklist: the header shows `N/83`."""
MARKS = ("Team Readiness", "Emergency contacts", "] All features tested and approved")


@dataclass
class Figures:
    server: str = ""
    append_file: list[float] = field(default_factory=list)
    append_pg: list[float] = field(default_factory=list)
    bare_commit: list[float] = field(default_factory=list)
    """A one-row INSERT committed alone on the same server: what of an append is the commit itself."""
    rate_file: list[float] = field(default_factory=list)
    rate_pg: list[float] = field(default_factory=list)
    tick_file: list[float] = field(default_factory=list)
    tick_pg: list[float] = field(default_factory=list)
    start_file: list[float] = field(default_factory=list)
    start_pg: list[float] = field(default_factory=list)
    rss_file: list[float] = field(default_factory=list)
    rss_pg: list[float] = field(default_factory=list)
    skipped: str = ""
    """Why nothing was measured: no PostgreSQL here, or a part failed (its traceback on stderr)."""


# -- stores ---------------------------------------------------------------------------------------------


def context(state_dir: Path, store: str | None = None, run: str | None = None):
    """A Context on `state_dir` (and the database `store`), reading no one's config.yaml."""
    from heypeter_tui.context import Context

    return Context(state_dir=state_dir, operator="bench", config_path=state_dir / "no-config.yaml", run=run,
                   store=store)


def status_events(count: int, offset: int = 0) -> list:
    """`count` item.status events over the first sixty items (none gated), done and pending in turn."""
    from heypeter_tui.core.clock import system_clock
    from heypeter_tui.core.events import ITEM_STATUS, Actor, new_event
    from heypeter_tui.core.loader import load_checklist
    from heypeter_tui.core.resources import builtin_checklists

    keys = list(load_checklist(builtin_checklists()["heypeter-production"]).items_by_key)[:60]
    actor, now = Actor("bench", "bench", "host"), system_clock()
    return [new_event(ITEM_STATUS, actor, now, item=keys[(offset + n) % 60], status="done" if n % 2 else "pending")
            for n in range(count)]


def writer(state_dir: str, store: str | None, run_id: str, count: int, offset: int, ready, queue) -> None:
    """One of the concurrent writers, in a process of its own: everything made before the start, then
    `count` appends, one event each; puts (start, end) on `queue` (perf_counter is the system's monotonic
    clock, the same in every process)."""
    space = context(Path(state_dir), store).workspace
    target = space.store(run_id, writer=True)
    if store is not None:
        target.db.run(lambda conn: None)  # connected before the start, as a dashboard is
    events = status_events(count, offset)
    ready.wait()
    started = time.perf_counter()
    for event in events:
        target.append(event)
    queue.put((started, time.perf_counter()))


def concurrent_rate(state_dir: Path, store: str | None, run_id: str) -> float:
    """Events a second while WRITERS processes append WRITER_EVENTS each to one run, from the first start to
    the last end."""
    spawn = multiprocessing.get_context("spawn")  # nothing of this process (its database connection) is shared
    ready, queue = spawn.Barrier(WRITERS), spawn.Queue()
    processes = [spawn.Process(target=writer, args=(str(state_dir), store, run_id, WRITER_EVENTS, n * 7, ready,
                                                    queue)) for n in range(WRITERS)]
    for process in processes:
        process.start()
    spans = [queue.get(timeout=600) for _ in processes]
    for process in processes:
        process.join()
        if process.exitcode != 0:
            raise RuntimeError(f"a writer on {store or 'the file store'} failed (exit {process.exitcode})")
    return WRITERS * WRITER_EVENTS / (max(end for _, end in spans) - min(start for start, _ in spans))


def append_latencies(file_store, pg_store, conninfo: str) -> list[list[float]]:
    """APPENDS single-event appends to each store, and as a reference APPENDS bare one-row INSERTs committed on
    the same server, taking turns (which goes first rotates), after a few of each untimed."""
    import psycopg

    events = iter(status_events(3 * APPENDS + 30))
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute("CREATE TABLE bench_commit (n int)")
        works = [lambda: file_store.append(next(events)), lambda: pg_store.append(next(events)),
                 lambda: conn.execute("INSERT INTO bench_commit VALUES (1)")]
        for work in works * 10:
            work()
        timings: list[list[float]] = [[] for _ in works]
        for n in range(APPENDS):
            for index in [(n + k) % len(works) for k in range(len(works))]:
                started = time.perf_counter()
                works[index]()
                timings[index].append(time.perf_counter() - started)
    return timings


# -- dashboards ---------------------------------------------------------------------------------------


def tick_samples(tmux, argv: list[str], environment: Callable[[Path], dict[str, str]], root: Path, url: str,
                 file_run: str, pg_run: str) -> tuple[list[float], list[float]]:
    """Seconds from just before another process's append until the dashboard's pane shows it: the header's
    `N/83` flips between 0 and 1 (one item done, then pending again). The file and the database dashboards run
    side by side and take turns; between samples a random pause, so the file store's 0.5 s poll is met at
    every phase."""
    from heypeter_tui.core import commands

    file_home, pg_home = root / "tick-file", root / "tick-pg"
    sessions = {
        "file": context(file_home / "state" / "heypeter-tui", run=file_run).existing_session(writer=True),
        "pg": context(root / "tick-writer", url, pg_run).existing_session(writer=True),
    }
    windows = {
        "file": tmux.start([*argv, "--run", file_run], environment(file_home))[0],
        "pg": tmux.start([*argv, "--store", url, "--run", pg_run], environment(pg_home))[0],
    }

    pause = random.Random(83)
    times: dict[str, list[float]] = {"file": [], "pg": []}
    try:
        for window in windows.values():
            tmux.wait(window, (*MARKS, f" 0/{TOTAL}"))
            tmux.settle(window)
        for n in range(TICK_SAMPLES):
            for name in ("pg", "file") if n % 2 == 0 else ("file", "pg"):
                session, window = sessions[name], windows[name]
                key = next(iter(session.state.checklist.items_by_key))
                done = session.state.item(key).status != "done"
                change = commands.toggle_done(session.state, key)
                started = time.perf_counter()
                session.record(change)
                times[name].append(tmux.wait(window, (f" {int(done)}/{TOTAL}",), timeout=20) - started)
                time.sleep(pause.uniform(0.25, 0.75))
    finally:
        for window in windows.values():
            tmux.close(window)
        sessions["pg"].store.db.close()
    return times["file"], times["pg"]


def startup_samples(tmux, start_frame: Callable, argv: list[str], root: Path, url: str, run_id: str):
    """Starts on the same run (83 events, copied event for event) from its state dir and from the database,
    interleaved: (seconds, peak RSS) of each."""
    file_home, pg_home = root / "start-file", root / "start-pg"
    results: tuple[list, list] = ([], [])
    for _ in range(RUNS):
        results[0].append(start_frame(tmux, [*argv, "--run", run_id], file_home, MARKS))
        results[1].append(start_frame(tmux, [*argv, "--store", url, "--run", run_id], pg_home, MARKS))
    return results


# -- the whole ----------------------------------------------------------------------------------------


def measure(tmux_class, start_frame: Callable, environment: Callable[[Path], dict[str, str]],
            argv: list[str]) -> Figures:
    """Every figure, with a server of its own that is gone when this returns. Without PostgreSQL installed the
    figures are empty and `skipped` says why."""
    from tests.pgserver import PgServer

    figures = Figures()
    root = Path(tempfile.mkdtemp(prefix="hp-bench-store-", dir="/tmp"))  # the disk the server's data is on
    server = PgServer()
    try:
        server.start()
    except RuntimeError as error:
        figures.skipped = str(error).splitlines()[0]
        shutil.rmtree(root, ignore_errors=True)
        return figures
    tmux = None
    try:
        server.create_database("bench")
        url = server.url("bench")
        version, fsync, commit = (server.psql(f"SHOW {name}", "bench")[0][0]
                                  for name in ("server_version", "fsync", "synchronous_commit"))
        if fsync != "on":
            raise RuntimeError(f"the bench's server runs with fsync={fsync}: its commits would measure nothing")
        figures.server = f"PostgreSQL {version.split()[0]}, fsync {fsync}, synchronous_commit {commit}"
        subprocess.run([*argv, "--store", url, "store", "init"], env={**os.environ, **environment(root / "init")},
                       check=True, capture_output=True)

        # 1. one append against one append
        file_dir, pg_dir = root / "append-file", root / "append-pg"
        file_context, pg_context = context(file_dir), context(pg_dir, url)
        file_run, pg_run = file_context.create_run("Appends", None), pg_context.create_run("Appends", None)
        figures.append_file, figures.append_pg, figures.bare_commit = append_latencies(
            file_context.workspace.store(file_run, writer=True), pg_context.workspace.store(pg_run, writer=True),
            server.conninfo("bench"))
        pg_context.workspace.db.close()

        # 2. four writers at once
        for round_ in range(WRITER_ROUNDS):
            file_dir, pg_dir = root / f"writers-file-{round_}", root / f"writers-pg-{round_}"
            file_run = context(file_dir).create_run("Writers", None)
            pg_context = context(pg_dir, url)
            pg_run = pg_context.create_run(f"Writers {round_}", None)
            pg_context.workspace.db.close()
            figures.rate_file.append(concurrent_rate(file_dir, None, file_run))
            figures.rate_pg.append(concurrent_rate(pg_dir, url, pg_run))

        # 4. starts on one run in either store (before 3: nothing else running meanwhile)
        tmux = tmux_class()
        start_dir = root / "start-file" / "state" / "heypeter-tui"
        start_context = context(start_dir)
        start_run = start_context.create_run("Start", None)
        session = start_context.session(start_run)
        session.store.append(*status_events(82))
        from heypeter_tui.core.store_copy import copy_run

        copy_space = context(root / "copier", url).workspace
        copy_run(start_context.workspace, start_run, copy_space)
        copy_space.db.close()
        files, pgs = startup_samples(tmux, start_frame, argv, root, url, start_run)
        figures.start_file, figures.rss_file = [r[0] for r in files], [float(r[1]) for r in files]
        figures.start_pg, figures.rss_pg = [r[0] for r in pgs], [float(r[1]) for r in pgs]

        # 3. another process's change, to the screen
        tick_file = context(root / "tick-file" / "state" / "heypeter-tui").create_run("Ticks", None)
        tick_context = context(root / "tick-writer", url)
        tick_pg = tick_context.create_run("Ticks", None)
        tick_context.workspace.db.close()
        figures.tick_file, figures.tick_pg = tick_samples(tmux, argv, environment, root, url, tick_file, tick_pg)
    except Exception as error:  # the rest of make bench's table is still printed
        traceback.print_exc()
        figures.skipped = f"failed: {str(error).splitlines()[0] if str(error) else type(error).__name__}"
    finally:
        if tmux is not None:
            tmux.shutdown()
        server.cleanup()
        shutil.rmtree(root, ignore_errors=True)
    return figures


# -- the table ----------------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile: p99 of 300 is the 297th fastest."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(len(ordered) * share) - 1)]


def shown(value: float, unit: str) -> str:
    if unit == "ms":
        return f"{value * 1000:.1f} ms"
    if unit == "KiB":
        return f"{value / 1024:.0f} MiB"
    return f"{value:,.0f}/s"


def report(figures: Figures) -> int:
    """Prints the table; returns how many targets were missed (a skipped section is one)."""
    print()
    if figures.skipped:
        print(f"PostgreSQL store: not measured ({figures.skipped})")
        return 1
    print(f"PostgreSQL store vs file store: {figures.server}, a unix socket; the file store fsyncs on the same disk")
    print(f"{'figure':<44} {'file':>11} {'PostgreSQL':>11} {'ratio':>8} {'target':>18}  verdict")
    misses = 0

    def row(name: str, file: float, pg: float, unit: str, target: str = "", ok: bool | None = None) -> None:
        nonlocal misses
        verdict = "" if ok is None else "ok" if ok else "OVER"
        misses += ok is False
        print(f"{name:<44} {shown(file, unit):>11} {shown(pg, unit):>11} {pg / file:>7.2f}x {target:>18}  {verdict}")

    af, ap = figures.append_file, figures.append_pg
    p50f, p50p = statistics.median(af), statistics.median(ap)
    row(f"one append, p50 (n={len(af)} each)", p50f, p50p, "ms", "PG <= 2x file", p50p <= 2 * p50f)
    row(f"one append, p99 (n={len(af)} each)", percentile(af, 0.99), percentile(ap, 0.99), "ms")
    row("  PG: a bare one-row INSERT commit, p50", p50f, statistics.median(figures.bare_commit), "ms")
    rf, rp = statistics.median(figures.rate_file), statistics.median(figures.rate_pg)
    row(f"{WRITERS} writers x {WRITER_EVENTS} events, one run", rf, rp, "/s")
    tf, tp = figures.tick_file, figures.tick_pg
    mf, mp = statistics.median(tf), statistics.median(tp)
    row(f"remote change to screen, median (n={len(tf)})", mf, mp, "ms", "PG < 200 ms, < file", mp < 0.2 and mp < mf)
    row("remote change to screen, slowest", max(tf), max(tp), "ms")
    sf, sp = figures.start_file, figures.start_pg
    row(f"dashboard start, fastest (n={len(sf)})", min(sf), min(sp), "ms", "PG <= 1.3x file", min(sp) <= 1.3 * min(sf))
    row("dashboard start, median", statistics.median(sf), statistics.median(sp), "ms")
    row("dashboard peak memory, median", statistics.median(figures.rss_file),
        statistics.median(figures.rss_pg), "KiB")
    rounds = len(figures.rate_file)
    print(f"(the writers' rates: the median of {rounds} round{'s' if rounds > 1 else ''}, a ratio above 1x the "
          "database ahead; the file store's dashboard polls its log every 0.5 s, the database's is notified)")
    return misses
