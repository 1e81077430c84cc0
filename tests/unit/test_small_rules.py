"""Small functions the dashboard relies on, each checked where no widget is needed to see it."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from heypeter_tui.core import commands
from heypeter_tui.core.clock import format_local
from heypeter_tui.core.run import item_history
from heypeter_tui.core.schedule import running_timers
from heypeter_tui.core.text import shorten

FIRST = "code-readiness/all-features-tested-and-approved"
MONITOR = "final-steps/monitor-for-30-minutes"


def test_format_local_gives_the_time_today_and_the_date_on_another_day() -> None:
    now = datetime(2026, 12, 3, 9, 30, tzinfo=timezone.utc)  # tests run in UTC: local is UTC
    assert format_local(datetime(2026, 12, 3, 14, 2, tzinfo=timezone.utc), now) == "14:02"
    assert format_local(datetime(2026, 12, 3, 0, 0, tzinfo=timezone.utc), now) == "00:00"
    assert format_local(datetime(2026, 12, 4, 14, 2, tzinfo=timezone.utc), now) == "Dec 04 14:02"
    assert format_local(datetime(2025, 12, 3, 14, 2, tzinfo=timezone.utc), now) == "Dec 03 14:02"


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [("abc", 3, "abc"), ("abcd", 3, "ab…"), ("abcd", 1, "…"), ("abcd", 0, "…"), ("", 0, ""), ("ab", 5, "ab")],
)
def test_shorten_cuts_with_an_ellipsis_only_what_does_not_fit(text: str, limit: int, expected: str) -> None:
    assert shorten(text, limit) == expected


def test_item_history_lists_the_items_changes_and_notes_with_what_was_undone(context, clock) -> None:
    session = context.current_session()
    session.record(commands.set_status(session.state, FIRST, "done"))
    session.record(commands.add_note(session.state, FIRST, "green"))
    session.record(commands.set_status(session.state, MONITOR, "done"))  # another item: not in its history
    session.record(commands.sign(session.state, "QA Lead", "Q"))
    session.record(session.undo_change())  # the sign-off
    session.record(commands.set_status(session.state, FIRST, "blocked", "regression"))
    first_done = session.state.events[1]
    session.record(commands.set_status(session.state, FIRST, "done"))
    history = item_history(session.state, FIRST)
    assert [(event.type, event.get("status"), undone) for event, undone in history] == [
        ("item.status", "done", False), ("item.note", None, False), ("item.status", "blocked", False),
        ("item.status", "done", False),
    ]
    assert history[0][0] is first_done
    session.record(session.undo_change())
    assert [undone for _, undone in item_history(session.state, FIRST)] == [False, False, False, True]


def test_running_timers_are_those_started_and_not_stopped(context, clock) -> None:
    session = context.current_session()
    assert running_timers(session.state) == []
    session.record(commands.toggle_timer(session.state, MONITOR))
    assert [timer.key for timer in running_timers(session.state)] == [MONITOR]
    clock.advance(minutes=5)
    session.record(commands.toggle_timer(session.state, MONITOR))
    assert running_timers(session.state) == [] and session.state.timers[MONITOR].stopped_at is not None


def test_a_group_is_found_by_its_id_and_an_unknown_one_is_a_key_error(context) -> None:
    checklist = context.current_session().state.checklist
    assert checklist.group("final-steps").title == "Final Steps"
    assert checklist.group("code-readiness") is checklist.sections[0]
    with pytest.raises(KeyError):
        checklist.group("no-such-group")
