"""A writer killed with SIGKILL at any moment loses at most the change in flight."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from heypeter_tui.core.events import Actor
from heypeter_tui.core.store import RunStore
from tests.conftest import created_event

WRITER = r"""
import sys
from datetime import datetime, timezone
from pathlib import Path
from heypeter_tui.core.events import Actor, new_event
from heypeter_tui.core.store import RunStore
from tests.conftest import created_event
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
    rng = random.Random(7)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    for _ in range(12):
        writer = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, text=True, env=env)
        assert writer.stdout is not None
        first = writer.stdout.readline()  # it is writing
        time.sleep(rng.uniform(0.0, 0.05))
        writer.send_signal(signal.SIGKILL)
        rest, _ = writer.communicate()
        acknowledged += [line for line in (first + rest).split() if line]
    reader = RunStore(path)
    ids = {event.id for event in reader.load()}
    assert len(acknowledged) > 12
    assert set(acknowledged) <= ids
    assert all("incomplete last line" in str(p) or "not a valid event" in str(p) for p in reader.problems)
