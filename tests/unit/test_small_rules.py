"""Small functions the dashboard relies on, each checked where no widget is needed to see it."""

from __future__ import annotations

import errno
import os
from datetime import datetime, timedelta, timezone

import pytest

from heypeter_tui.core import commands
from heypeter_tui.core.clock import format_local
from heypeter_tui.core.errors import UserError
from heypeter_tui.core.item_log import item_history
from heypeter_tui.core.paths import describe_os_error
from heypeter_tui.core.schedule import Window, countdown, running_timers, timer_label, windows
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


@pytest.mark.parametrize(
    ("number", "said"),
    [(errno.ENOSPC, "disk full: free some space and try again"), (errno.EDQUOT, "disk quota exceeded"),
     (errno.EROFS, "read-only file system"), (errno.EACCES, "permission denied"),
     (errno.EPERM, "operation not permitted"), (errno.ENOENT, "no such file or directory"),
     (errno.ENOTDIR, "a part of the path is not a directory"), (errno.EISDIR, "is a directory"),
     (errno.ELOOP, "is a symbolic link (refused)"), (errno.ENXIO, "no process is reading it (or it is a socket)"),
     (errno.EIO, "input/output error"), (errno.EBUSY, "Device or resource busy")],
)
def test_an_os_error_is_said_as_a_person_can_act_on_it(number: int, said: str) -> None:
    assert describe_os_error(OSError(number, os.strerror(number), "/srv/x")) == f"/srv/x: {said}"
    assert describe_os_error(OSError(number, os.strerror(number))) == said
    assert describe_os_error(OSError("no errno at all")) == "no errno at all"


def test_a_window_opens_and_closes_with_its_items_and_a_close_before_the_open_is_no_window(context, clock) -> None:
    enable, disable = "during-deployment/enable-maintenance-mode", "final-steps/disable-maintenance-mode"
    session = context.current_session()
    assert windows(session.state) == [Window("maintenance")]
    session.record(commands.set_status(session.state, disable, "done", override="testing"))
    assert windows(session.state) == [Window("maintenance")]  # closed before it opened: not a window
    session.record(commands.set_status(session.state, disable, "pending"))
    clock.advance(minutes=1)
    session.record(commands.set_status(session.state, enable, "done", override="go"))
    opened = session.state.item(enable).at
    assert windows(session.state) == [Window("maintenance", opened, session.actor)]
    assert (
        windows(session.state)[0].is_open and windows(session.state)[0].seconds(clock() + timedelta(minutes=3)) == 180
    )
    clock.advance(minutes=2)
    session.record(commands.set_status(session.state, disable, "done", override="done"))
    closed = session.state.item(disable).at
    window = windows(session.state)[0]
    assert window == Window("maintenance", opened, session.actor, closed, session.actor) and not window.is_open
    assert window.seconds(clock() + timedelta(hours=5)) == 120
    session.record(commands.set_status(session.state, enable, "na", "no maintenance needed"))
    assert windows(session.state) == [Window("maintenance")]


def test_a_run_is_named_by_its_id_a_unique_prefix_or_its_title(context, clock) -> None:
    first = context.create_run("Release A", None)
    clock.advance(days=1)
    second = context.create_run("Release B", None)
    workspace = context.workspace
    assert first == "20261203-093000-release-a" and second == "20261204-093000-release-b"
    assert workspace.resolve(first) == first and workspace.resolve("20261204") == second
    assert workspace.resolve("release b") == second and workspace.resolve("RELEASE A") == first
    with pytest.raises(UserError, match=r"^no run named: give its id, a unique prefix of it, or its title$"):
        workspace.resolve("  ")
    with pytest.raises(UserError, match=r"^no run 'Release C'; `heypeter-tui runs` lists them$"):
        workspace.resolve("Release C")
    with pytest.raises(UserError) as raised:
        workspace.resolve("2026120")
    assert str(raised.value) == (f"'2026120' names 2 runs ({first}: a prefix of its id; {second}: a prefix of its "
                                 "id); give more of the id of the one you mean")


def test_timer_labels_and_the_countdown_at_their_edges(context, clock) -> None:
    session = context.current_session()
    assert countdown(session.state, clock()) is None
    session.record(commands.set_t0("+1h", clock()))
    assert countdown(session.state, clock()) == "T-01:00:00"
    assert countdown(session.state, clock() + timedelta(hours=1)) == "T+00:00:00"
    assert countdown(session.state, clock() + timedelta(hours=1, seconds=-1)) == "T-00:00:01"
    assert countdown(session.state, clock() + timedelta(hours=2, seconds=5)) == "T+01:00:05"
    session.record(commands.toggle_timer(session.state, MONITOR))  # 30 minutes
    timer = session.state.timers[MONITOR]
    assert timer_label(timer, clock() + timedelta(minutes=12)) == "timer 00:18:00 left"
    assert timer_label(timer, clock() + timedelta(minutes=30, seconds=-1)) == "timer 00:00:01 left"
    assert timer_label(timer, clock() + timedelta(minutes=30)) == "time's up: tick it when done"
    clock.advance(minutes=41)
    session.record(commands.toggle_timer(session.state, MONITOR))  # stopped after it ran out
    assert timer_label(session.state.timers[MONITOR], clock()) == "timer stopped with 00:00:00 left"
    session.record(commands.toggle_timer(session.state, MONITOR))
    clock.advance(minutes=5)
    session.record(commands.toggle_timer(session.state, MONITOR))
    assert (
        timer_label(session.state.timers[MONITOR], clock() + timedelta(hours=3)) == "timer stopped with 00:25:00 left"
    )


def test_run_ids_are_named_by_time_and_title_numbered_when_taken_and_sorted_as_numbers(context, clock) -> None:
    workspace = context.workspace
    first = context.create_run("Release: 2.4.0 — hotfix for the very long titled incident of the day", None)
    assert first == "20261203-093000-release-2-4-0-hotfix-for-the-very-long-t"  # the title's first 40
    again = [context.create_run("Release: 2.4.0 — hotfix for the very long titled incident of the day", None)
             for _ in range(10)]
    assert again[0] == f"{first}-2" and again[-1] == f"{first}-11"
    assert [run.id for run in workspace.runs()] == [first, *again]  # -2 ... -11 in number order, not text order
    assert context.create_run("a" * 39 + " b", None) == "20261203-093000-" + "a" * 39  # no dash left at the cut
    assert context.create_run("✓✓✓", None) == "20261203-093000-run"
    assert workspace.current_id() == "20261203-093000-run"


def test_the_current_pointer_is_read_whole_or_refused(context, state_dir) -> None:
    workspace = context.workspace
    run_id = context.create_run("R", None)
    pointer = state_dir / "current"
    pointer.write_bytes(b"  \n")
    assert workspace.current_pointer() is None
    pointer.write_bytes(b"\xff" + b"x" * 100)
    with pytest.raises(UserError) as raised:
        workspace.current_pointer()
    assert str(raised.value) == (f"{pointer}: does not name a run ({('�' + 'x' * 59)!r}); "
                                 "`heypeter-tui open RUN` sets it")
    pointer.write_text("20990101-000000-gone\n")
    assert workspace.current_pointer() == "20990101-000000-gone" and workspace.current_id() is None
    pointer.write_text(run_id)
    assert workspace.current_id() == run_id


def test_the_runs_index_lists_each_run_newest_first_and_says_what_it_could_not_read(context, clock) -> None:
    from heypeter_tui.core.runs_index import RunSummary, summarize_runs

    older = context.create_run("Older", None, clock() + timedelta(hours=2))
    session = context.current_session()
    session.record(commands.set_status(session.state, FIRST, "done"))
    clock.advance(hours=1)
    newer = context.create_run("Newer", None)
    logs = context.workspace.runs_dir
    with open(logs / f"{older}.jsonl", "ab") as log:
        log.write(b"not json\n")
    (logs / "20200101-000000-broken.jsonl").write_bytes(b'{"not": "an event"}\n')
    (logs / "20200101-000000-broken.jsonl").chmod(0o600)
    summaries, problems = summarize_runs(context.workspace)
    assert summaries == [
        RunSummary(newer, "Newer", "heypeter-production", "2026-12-03 10:30 UTC", "0/83", "-", True),
        RunSummary(
            older, "Older", "heypeter-production", "2026-12-03 09:30 UTC", "1/83", "2026-12-03 11:30 UTC", False
        ),
    ]
    assert (
        problems[0] == f"{logs / older}.jsonl:3: not a valid event (Expecting value: line 1 column 1 (char 0)); skipped"
    )
    assert problems[1].startswith(f"{logs}/20200101-000000-broken.jsonl: not a readable run: ")
    assert len(problems) == 2


def test_is_go_agrees_with_the_gate_on_optional_and_open_items(context) -> None:
    from heypeter_tui.core.rules import gate, is_go

    session = context.current_session()
    optional = "infrastructure-setup/load-balancer-configured-if-applicable"
    for section in session.state.checklist.sections:
        for item in section.items:
            if section.key(item) not in (optional, FIRST):
                session.record(commands.set_status(session.state, section.key(item), "done"))
    for role in session.state.checklist.signoffs:
        session.record(commands.sign(session.state, role, role))
    assert not is_go(session.state) and not gate(session.state).go  # one readiness item is open
    session.record(commands.set_status(session.state, FIRST, "done"))
    for role in session.state.checklist.signoffs:
        session.record(commands.sign(session.state, role, role))
    assert is_go(session.state) and gate(session.state).go  # the optional one may stay open
    session.record(commands.set_status(session.state, MONITOR, "blocked", "waiting"))
    assert not is_go(session.state) and not gate(session.state).go  # anything blocked holds it, any phase


def test_a_checklist_with_several_mistakes_names_the_first_and_counts_the_rest(tmp_path) -> None:
    from heypeter_tui.core.loader import ChecklistError, load_checklist

    path = tmp_path / "bad.yaml"
    path.write_text("schema: 2\nid: 'a b'\ntitle: T\nsections: []\n")
    with pytest.raises(ChecklistError) as raised:
        load_checklist(path)
    assert str(raised.value) == (
        f"{path}:1:9: schema 2 is not supported; this heypeter-tui reads schema 1 (and 1 more; "
        "run `heypeter-tui validate` to see all)"
    )
    path.write_text("schema: 2\nid: a\ntitle: T\nsections: [{title: S, items: [x]}]\n")
    with pytest.raises(ChecklistError) as raised:
        load_checklist(path)
    assert str(raised.value) == f"{path}:1:9: schema 2 is not supported; this heypeter-tui reads schema 1"


def test_a_window_whose_closing_item_comes_first_in_the_checklist(context, clock, tmp_path) -> None:
    path = tmp_path / "reversed.yaml"
    path.write_text("schema: 1\nid: rev\ntitle: R\nsections:\n  - {title: A, items: [{text: Close, closes: w}]}\n"
                    "  - {title: B, items: [{text: Open, opens: w}]}\n")
    context.create_run("R", str(path))
    session = context.current_session()
    session.record(commands.set_status(session.state, "b/open", "done"))
    opened = session.state.item("b/open").at
    clock.advance(minutes=4)
    session.record(commands.set_status(session.state, "a/close", "done"))
    closed = session.state.item("a/close").at
    assert windows(session.state) == [Window("w", opened, session.actor, closed, session.actor)]


def test_who_acts_is_the_operator_given_else_the_login_name_else_unknown(monkeypatch) -> None:
    import getpass

    from heypeter_tui.core.events import Actor, login_name

    monkeypatch.setattr(getpass, "getuser", lambda: "dana\x1b[2J")
    assert Actor.here() == Actor("dana", "dana", os.uname().nodename)
    assert Actor.here(" carol\n").operator == "carol"
    monkeypatch.setattr(getpass, "getuser", lambda: "")
    assert Actor.here().user == "unknown" and Actor.here().operator == "unknown"

    def no_user() -> str:
        raise KeyError("uid 12345 has no name")

    monkeypatch.setattr(getpass, "getuser", no_user)
    assert login_name() == "unknown"


def test_a_log_whose_first_line_is_not_an_event_is_passed_over_when_runs_are_named(context, state_dir) -> None:
    from heypeter_tui.core.workspace import read_header

    run_id = context.create_run("Named", None)
    odd = state_dir / "runs" / "20200101-000000-odd.jsonl"
    odd.write_bytes(b"[1, 2]\n")
    odd.chmod(0o600)
    assert read_header(odd) == {} and read_header(state_dir / "runs" / f"{run_id}.jsonl")["title"] == "Named"
    assert context.workspace.resolve("named") == run_id
    assert context.current_session("heypeter-production").state.run_id == run_id


def test_a_log_time_is_read_from_1970_up_to_but_not_at_the_year_9000() -> None:
    from heypeter_tui.core.clock import parse_timestamp

    assert parse_timestamp("1970-01-01T00:00:00Z") == datetime(1970, 1, 1, tzinfo=timezone.utc)
    assert parse_timestamp("8999-12-31T23:59:59Z").year == 8999
    for outside in ("1969-12-31T23:59:59Z", "9000-01-01T00:00:00Z"):
        with pytest.raises(ValueError):
            parse_timestamp(outside)
