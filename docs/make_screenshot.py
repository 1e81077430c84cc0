"""Saves docs/screenshot.svg: the dashboard on a demo run, as the app itself draws it (`make screenshot`)."""

from __future__ import annotations

import asyncio
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

from heypeter_tui.context import Context
from heypeter_tui.core import commands
from heypeter_tui.ui.app import HeyPeterApp

MOMENT = datetime(2026, 12, 3, 11, 42, tzinfo=timezone.utc)


async def save(target: Path) -> None:
    with tempfile.TemporaryDirectory() as state_dir:
        context = Context(state_dir=Path(state_dir), operator="dana", clock=lambda: MOMENT)
        context.create_run("Release 2.4.0", None, MOMENT + timedelta(hours=2, minutes=18))
        session = context.current_session()
        state = session.state
        for section in state.checklist.sections[:4]:
            for item in section.items:
                session.record(commands.set_status(session.state, section.key(item), "done"))
        lb = "infrastructure-setup/load-balancer-configured-if-applicable"
        session.record(commands.set_status(session.state, lb, "na", "single app node behind the CDN"))
        rls = "database-preparation/rls-policies-reviewed-and-tested"
        session.record(commands.set_status(session.state, rls, "pending"))
        session.record(commands.sign(session.state, "Tech Lead", "Dana Lee", "DL"))
        session.record(
            commands.set_contact(session.state, "DevOps", "Sam Ortiz", "+1 555 0142", "sam@heypeter.example")
        )
        app = HeyPeterApp(context, session)
        async with app.run_test(size=(120, 34)) as pilot:
            await pilot.press("3", "l", "down", "down")
            await pilot.pause()
            app.save_screenshot(target.name, path=str(target.parent))


if __name__ == "__main__":
    asyncio.run(save(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshot.svg")))
