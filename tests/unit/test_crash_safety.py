"""A writer killed with SIGKILL wherever it is loses at most the change in flight.

Killed after its k-th acknowledgement, a writer is somewhere in its next change: building it, writing it,
syncing it. No sleep decides where (tests/unit/test_store_seams.py kills one exactly inside its fsync)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

from heypeter_tui.core.events import Actor
from heypeter_tui.core.store import RunStore
from tests.conftest import REPO, created_event

WRITER = r"""
import sys
from datetime import datetime, timezone
from pathlib import Path
from heypeter_tui.core.events import Actor, new_event
from heypeter_tui.core.store import RunStore
from tests.conftest import REPO, created_event
store = RunStore(Path(sys.argv[1]))
actor = Actor("w", "w", "h")
for n in range(100000):
    event = new_event("item.note", actor, datetime.now(timezone.utc), item="a/b", text="x" * (1 + n % 700))
    store.append(event)
    print(event.id, flush=True)  # acknowledged only once append returned
"""


def test_sigkilled_writers_lose_no_acknowledged_change(tmp_path: Path) -> None:
    path = tmp_path / "run.jsonl"
    RunStore.create(path, created_event(Actor("a", "a", "h"), datetime.now(timezone.utc)))
    acknowledged: list[str] = []
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    for kill_after in (1, 2, 3, 5, 8, 13):
        writer = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, text=True, env=env)
        assert writer.stdout is not None
        lines = [writer.stdout.readline() for _ in range(kill_after)]
        writer.send_signal(signal.SIGKILL)
        rest, _ = writer.communicate()
        assert writer.returncode == -signal.SIGKILL
        acknowledged += [line for line in ("".join(lines) + rest).split() if line]
    reader = RunStore(path)
    ids = [event.id for event in reader.load()]
    assert len(acknowledged) >= 1 + 2 + 3 + 5 + 8 + 13
    assert set(acknowledged) <= set(ids)
    assert len(ids) - 1 - len(acknowledged) <= 6  # at most the change in flight at each of the six kills
    assert all("incomplete last line" in str(p) or "not a valid event" in str(p) for p in reader.problems)
