"""A dashboard shows what the log holds now: a replaced log is read again, bad lines are said, and
a current run moved elsewhere is said, never followed silently. Hostile writers reach no widget."""

from __future__ import annotations

import json
import os

from heypeter_tui.core import commands
from heypeter_tui.core.events import Actor
from heypeter_tui.core.session import RunSession
from heypeter_tui.ui.widgets.items import ItemList
from tests.ui.conftest import poll

FIRST = "code-readiness/all-features-tested-and-approved"


def said_by(app, monkeypatch) -> list[tuple[str, str]]:
    said: list[tuple[str, str]] = []
    monkeypatch.setattr(app, "notify", lambda message, title="", **_: said.append((title, message)))
    return said


async def test_a_log_restored_under_the_dashboard_is_read_again_and_said(make_app, clock, monkeypatch) -> None:
    app = make_app()
    path = app.session.store.path
    backup = path.read_bytes()
    bob = RunSession(app.session.store.__class__(path), Actor("bob", "bob", "laptop"), clock)
    async with app.run_test(size=(120, 40)) as pilot:
        said = said_by(app, monkeypatch)
        bob.record(commands.toggle_done(bob.state, FIRST))
        await poll(app, pilot)
        assert app.state.item(FIRST).status == "done"
        restored = path.with_name("restored")  # the backup, put back by renaming over the log
        restored.write_bytes(backup)
        restored.chmod(0o600)
        os.replace(restored, path)
        await poll(app, pilot)
        assert app.state.item(FIRST).status == "pending"  # what the log holds now, not what it held
        assert app.query_one(ItemList).rows[0].prompt.plain.startswith("[ ] All features tested")
        assert any("replaced or cut short" in message for _, message in said)


async def test_bad_lines_appended_while_it_runs_are_said(make_app, monkeypatch) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        said = said_by(app, monkeypatch)
        with open(app.session.store.path, "ab") as file:
            file.write(b'{"id":"x","ts":"2026-12-03T12:00:00Z","actor":{},"type":"run.t0","t0":5}\n')
        await poll(app, pilot)
        assert [(title, message) for title, message in said if ":2: not a valid event" in message]
        await poll(app, pilot)
        assert len([m for _, m in said if "not a valid event" in m]) == 1  # said once, not every poll


async def test_the_current_run_moved_elsewhere_is_said_and_not_followed(make_app, monkeypatch) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        said = said_by(app, monkeypatch)
        await poll(app, pilot)
        mine = app.state.run_id
        other = app.context.create_run("Hotfix 2.4.1", None)  # someone's `new`
        await poll(app, pilot)
        assert app.state.run_id == mine
        assert any("Hotfix 2.4.1" in message and other in message for _, message in said)


async def test_a_hostile_writer_reaches_no_widget(make_app, monkeypatch) -> None:
    app = make_app()
    hostile = "op\x1b]0;TITLE\x07\x1b]52;c;cHduZWQ=\x07\u202e" + "x" * 100_000
    line = {
        "id": "h1",
        "ts": "2026-12-03T12:00:00.000Z",
        "actor": {"operator": hostile[:250], "user": "u", "host": "h"},
        "type": "item.status",
        "item": FIRST,
        "status": "blocked",
        "reason": hostile,
    }
    with open(app.session.store.path, "a") as file:
        file.write(json.dumps(line) + "\n")
    async with app.run_test(size=(120, 40)) as pilot:
        await poll(app, pilot)
        await pilot.press("1", "l")
        row = app.query_one(ItemList).rows[0].prompt.plain
        assert "\x1b" not in row and "\x07" not in row and "\u202e" not in row
        assert "blocked · op" in row and len(row) < 700  # 100 KB of reason does not flood the list
        await pilot.press("enter")  # the item's history
        await pilot.pause()
        screen = app.export_screenshot()
        assert "\x1b]" not in screen and "cHduZWQ" not in screen and "\u202e" not in screen
