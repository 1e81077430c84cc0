"""Durability and locking, by behaviour at a seam: a writer held in its fsync by strace, a reader beside it.

SIGKILL loses nothing the kernel holds, and small appends land whole anyway, so neither proves the fsync
or the locks. Here strace delays the writer's fsync (after its write has reached the file): the fsync must be
called, the writer must hold its lock across it, and a reader must wait for that lock, so that it never reads
a change before the change is acknowledged.
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

from heypeter_tui.core.events import Actor
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


def test_a_writer_held_in_its_fsync_keeps_readers_out_until_the_change_is_acknowledged(
    tmp_path: Path, strace: str
) -> None:
    log = tmp_path / "run.jsonl"
    RunStore.create(log, created_event(Actor("a", "a", "h"), datetime.now(timezone.utc)))
    size_before = log.stat().st_size
    acknowledged, trace = tmp_path / "acknowledged", tmp_path / "strace.log"
    delay = f"fsync:delay_enter={int(DELAY_SECONDS * 1_000_000)}"
    writer = subprocess.Popen(
        [strace, "-f", "-qq", "-ttt", "-T", "-o", str(trace), "-e", "trace=fsync", "-e", f"inject={delay}",
         sys.executable, "-c", WRITER, str(log), str(acknowledged)],
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    try:
        deadline = time.monotonic() + 30
        while log.stat().st_size == size_before:  # the write has reached the file; the fsync is being held
            assert writer.poll() is None and time.monotonic() < deadline, "the writer never wrote"
            time.sleep(0.01)
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
