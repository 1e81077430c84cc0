from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from heypeter_tui.context import Context
from heypeter_tui.ui.app import HeyPeterApp


@pytest.fixture
def make_app(state_dir: Path, tmp_path: Path, clock) -> Callable[..., HeyPeterApp]:
    """A fresh app on the test's state dir, as a new process would start it; the clock is injected."""

    def make(checklist: str | None = None, operator: str = "alice", theme: str | None = None) -> HeyPeterApp:
        context = Context(
            state_dir=state_dir, operator=operator, clock=clock, config_path=tmp_path / "cfg" / "config.yaml"
        )
        return HeyPeterApp(context, context.current_session(checklist), theme=theme)

    return make


async def poll(app: HeyPeterApp, pilot) -> None:
    """One poll of the log, as the interval makes it, and waited for until it is taken in: the read runs in a
    worker thread and comes back as a message. A poll the interval started meanwhile is waited for too."""
    app.follow_log()
    for _ in range(200):  # a few milliseconds each, normally once
        if not app.log_read_pending:
            return
        await workers_done(app, "follow")
        await pilot.pause()
    raise AssertionError("the log's read never came back")


async def workers_done(app: HeyPeterApp, group: str) -> None:
    """The app's workers of `group` finished. Not every worker: a flow's waits for its dialog to close."""
    workers = [worker for worker in app.workers if worker.group == group]
    if workers:  # wait_for_complete([]) would wait for every worker
        await app.workers.wait_for_complete(workers)
