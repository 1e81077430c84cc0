"""Durability and locking, by behaviour at a seam: a writer held, failed or killed in its fsync by strace.

SIGKILL loses nothing the kernel holds, and Linux never interleaves two O_APPEND writes to a file, so neither
proves the fsync or the locks. Here strace acts at the one moment that matters, after a change's write has
reached the file and before its fsync returns:
- held there, the fsync must be called, the writer must hold its lock across it, and a reader must wait for
  that lock, so that it never reads a change before the change is acknowledged;
- failed there, the writer takes its change back, and only its own: another writer waits for the lock rather
  than append behind a change about to be cut off;
- killed there, a writer loses that change at most, and the next writer goes on.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from heypeter_tui.core.events import Actor, new_event
from heypeter_tui.core.store import RunStore
from tests.conftest import REPO, created_event

WRITER = r"""
import sys
from datetime import datetime, timezone
from pathlib import Path
from heypeter_tui.core.events import Actor, new_event
from heypeter_tui.core.store import RunStore
store = RunStore(Path(sys.argv[1]), writer=True)
event = new_event("item.note", Actor("w", "w", "h"), datetime.now(timezone.utc), item="a/b", text="x" * 300_000)
store.append(event)
Path(sys.argv[2]).write_text(event.id)  # acknowledged: only now may anyone rely on it
"""
DELAY_SECONDS = 1.5


@pytest.fixture
def strace() -> str:
    path = shutil.which("strace")
    if path is None:
        pytest.skip("strace is not installed (.ci/run installs it with apt-get)")
    return path


def under_strace(strace: str, inject: str, script: str, *args: str, trace: Path | None = None) -> subprocess.Popen:
    """`script` run by Python under strace, which does `inject` (strace's -e inject=) to its fsync calls."""
    return subprocess.Popen(
        [strace, "-f", "-qq", "-ttt", "-T", "-o", str(trace or os.devnull), "-e", "trace=fsync",
         "-e", f"inject=fsync:{inject}", sys.executable, "-c", script, *args],
        env={**os.environ, "PYTHONPATH": str(REPO)}, stdout=subprocess.PIPE, text=True,
    )


def wait_for_growth(log: Path, size: int, writer: subprocess.Popen) -> None:
    """Until the writer's write has reached the file (the fsync after it is then being held)."""
    deadline = time.monotonic() + 30
    while log.stat().st_size == size:
        assert writer.poll() is None and time.monotonic() < deadline, "the writer never wrote"
        time.sleep(0.01)


def test_a_writer_held_in_its_fsync_keeps_readers_out_until_the_change_is_acknowledged(
    tmp_path: Path, strace: str
) -> None:
    log = tmp_path / "run.jsonl"
    RunStore.create(log, created_event(Actor("a", "a", "h"), datetime.now(timezone.utc)))
    size_before = log.stat().st_size
    acknowledged, trace = tmp_path / "acknowledged", tmp_path / "strace.log"
    delay = f"delay_enter={int(DELAY_SECONDS * 1_000_000)}"
    writer = under_strace(strace, delay, WRITER, str(log), str(acknowledged), trace=trace)
    try:
        wait_for_growth(log, size_before, writer)
        read: list[tuple[list, float]] = []
        reader = threading.Thread(target=lambda: read.append((RunStore(log).load(), time.time())))
        reader.start()
        reader.join(timeout=60)
        assert writer.wait(timeout=60) == 0
    finally:
        if writer.poll() is None:
            writer.kill()
    events, read_at = read[0]
    synced = re.search(r"^(?:\d+ +)?(\d+\.\d+) fsync\(\d+\)\s+= 0 \(DELAYED\) <(\d+\.\d+)>", trace.read_text(), re.M)
    assert synced, trace.read_text()  # the change was synced, not just written
    synced_at = float(synced[1]) + float(synced[2])  # strace's clock is ours: the moment the fsync returned
    assert read_at >= synced_at  # the reader waited for the writer's lock, held across the fsync
    assert [event.id for event in events][1:] == [acknowledged.read_text()]  # and then read the whole change


FAILING_WRITER = r"""
import sys
from datetime import datetime, timezone
from pathlib import Path
from heypeter_tui.core.events import Actor, new_event
from heypeter_tui.core.store import RunStore
store = RunStore(Path(sys.argv[1]), writer=True)
try:
    now = datetime.now(timezone.utc)
    store.append(new_event("item.note", Actor("f", "f", "h"), now, item="a/b", text="f" * 300_000))
except OSError as error:
    print(error.strerror)
"""


def test_a_writer_whose_fsync_fails_takes_back_its_change_and_no_one_elses(tmp_path: Path, strace: str) -> None:
    log = tmp_path / "run.jsonl"
    RunStore.create(log, created_event(Actor("a", "a", "h"), datetime.now(timezone.utc)))
    size_before = log.stat().st_size
    failing = under_strace(strace, f"error=EIO:delay_enter={int(DELAY_SECONDS * 1_000_000)}:when=1", FAILING_WRITER,
                           str(log))
    try:
        wait_for_growth(log, size_before, failing)  # its change is in the file, its fsync held, then failed
        other = new_event("item.note", Actor("o", "o", "h"), datetime.now(timezone.utc), item="a/b", text="o" * 300_000)
        RunStore(log, writer=True).append(other)  # acknowledged once this returns
        assert failing.communicate(timeout=60)[0].strip() == "Input/output error"
    finally:
        if failing.poll() is None:
            failing.kill()
    reader = RunStore(log)
    assert [event.id for event in reader.load()][1:] == [other.id]  # the failed change gone, the other whole
    assert reader.problems == []


KILLED_WRITER = r"""
import sys
from datetime import datetime, timezone
from pathlib import Path
from heypeter_tui.core.events import Actor, new_event
from heypeter_tui.core.store import RunStore
store = RunStore(Path(sys.argv[1]), writer=True)
for n in range(int(sys.argv[2])):
    now = datetime.now(timezone.utc)
    event = new_event("item.note", Actor("w", "w", "h"), now, item="a/b", text="x" * (1 + n * 997))
    store.append(event)
    print(event.id, flush=True)  # acknowledged only once append returned
"""


@pytest.mark.parametrize("killed_at", [1, 2, 7, 30])
def test_a_writer_killed_before_its_fsync_returns_loses_that_change_at_most(
    tmp_path: Path, strace: str, killed_at: int
) -> None:
    log = tmp_path / "run.jsonl"
    RunStore.create(log, created_event(Actor("a", "a", "h"), datetime.now(timezone.utc)))
    writer = under_strace(strace, f"signal=SIGKILL:when={killed_at}", KILLED_WRITER, str(log), str(killed_at + 5))
    acknowledged = writer.communicate(timeout=60)[0].split()
    assert writer.returncode != 0, "the writer was never killed in an fsync"
    assert len(acknowledged) == killed_at - 1  # each change before the killed one was acknowledged
    after = new_event("item.note", Actor("n", "n", "h"), datetime.now(timezone.utc), item="a/b", text="next")
    RunStore(log, writer=True).append(after)
    reader = RunStore(log)
    ids = [event.id for event in reader.load()][1:]
    assert ids[: killed_at - 1] == acknowledged and ids[-1] == after.id  # nothing acknowledged lost; the next goes on
    assert len(ids) - len(acknowledged) - 1 in (0, 1)  # the killed change: in the file whole, or not at all
    assert reader.problems == []
