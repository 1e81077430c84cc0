"""One "as of" for the whole record (issue 25, case 5): every duration and state in the record (timers, windows,
overdue phases) is judged at the record's As of, the time the export was made, never at the log's last event; a
timer that ran out says so ("ran out at 14:32, not stopped")."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from heypeter_tui.core import commands
from heypeter_tui.core.events import Actor
from heypeter_tui.core.loader import validate_text
from heypeter_tui.core.report import to_json, to_markdown
from heypeter_tui.core.session import RunSession
from heypeter_tui.core.workspace import Workspace

TIMED = """\
schema: 1
id: timed
title: Timed
sections:
  - id: ready
    title: Ready
    items: [{id: tested, text: Tested}]
phases:
  - id: during
    title: During
    due: 0m
    items:
      - {id: on, text: Maintenance on, opens: maintenance}
      - {id: smoke, text: Smoke test, timer: 3s}
      - {id: soak, text: Soak, timer: 30m}
      - {id: off, text: Maintenance off, closes: maintenance}
"""
DANA = Actor("dana", "dana", "bastion")


def a_run(tmp_path: Path, clock) -> RunSession:
    checklist = validate_text(TIMED, "timed.yaml").checklist
    workspace = Workspace(tmp_path / "state")
    run_id = workspace.create_run(checklist, "Timed", DANA, clock(), clock() + timedelta(seconds=5),
                                  TIMED.encode())
    return RunSession(workspace.store(run_id, writer=True), DANA, clock)


def row(markdown: str, start: str) -> str:
    return next(line for line in markdown.splitlines() if line.startswith(start))


def test_timers_windows_and_overdue_phases_are_judged_at_the_records_as_of(tmp_path: Path, clock) -> None:
    session = a_run(tmp_path, clock)
    session.record(commands.set_status(session.state, "during/on", "done"))  # 09:30:00: the window opens
    session.record(commands.toggle_timer(session.state, "during/smoke"))
    session.record(commands.toggle_timer(session.state, "during/soak"))
    clock.advance(seconds=7)  # nothing written since: the log's last event is 7 s before the export
    markdown = to_markdown(session.state, now=clock())
    assert "- **As of:** 2026-12-03 09:30:07 UTC" in markdown
    assert row(markdown, "| Timer: Smoke test |") == (
        "| Timer: Smoke test | started 2026-12-03 09:30:00 UTC, ran out at 2026-12-03 09:30:03 UTC, not stopped | "
        "ran 3s of 3s |")
    assert row(markdown, "| Timer: Soak |") == "| Timer: Soak | started 2026-12-03 09:30:00 UTC, still running | " \
                                               "ran 7s of 30m |"
    assert row(markdown, "| Window: maintenance |") == ("| Window: maintenance | opened 2026-12-03 09:30:00 UTC, "
                                                        "still open | open for 7s |")
    assert "- Overdue: During, due 2026-12-03 09:30:05 UTC (T-0), 3 of 4 items open" in markdown  # at 09:30:07 too
    record = to_json(session.state, now=clock())
    assert record["summary"]["as_of"] == "2026-12-03T09:30:07.000Z"
    timers = {timer["item"]: timer for timer in record["timers"]}
    assert (timers["during/smoke"]["ran_seconds"], timers["during/smoke"]["ran_out_at"]) == \
        (3, "2026-12-03T09:30:03.000Z")
    assert (timers["during/soak"]["ran_seconds"], timers["during/soak"]["ran_out_at"]) == (7, None)
    assert record["windows"][0]["seconds"] == 7


def test_a_record_without_an_as_of_is_as_of_its_last_event_throughout(tmp_path: Path, clock) -> None:
    session = a_run(tmp_path, clock)
    session.record(commands.set_status(session.state, "during/on", "done"))
    session.record(commands.toggle_timer(session.state, "during/soak"))
    clock.advance(seconds=2)
    session.record(commands.set_status(session.state, "during/off", "done"))
    clock.advance(minutes=5)
    markdown = to_markdown(session.state)  # the same log gives the same record, whenever it is made
    assert "- **As of:** 2026-12-03 09:30:02 UTC" in markdown
    assert row(markdown, "| Timer: Soak |").endswith("still running | ran 2s of 30m |")
    assert row(markdown, "| Window: maintenance |").endswith("closed 2026-12-03 09:30:02 UTC | lasted 2s |")
    assert "Overdue" not in markdown  # due at 09:30:05, after the record's As of
