"""The record, word for word: one run that uses every feature a record shows, exported as Markdown and JSON
and compared with the files in tests/data/golden. The record goes into change tickets; any change to it is
a change people see, so it shows here as a diff. After a deliberate change, `UPDATE_GOLDEN=1 make unit`
rewrites the files (refused under CI), and the diff is reviewed with the commit."""

from __future__ import annotations

import itertools
import json
import os
import re
import time
import uuid
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace

import pytest

from heypeter_tui.core import commands
from heypeter_tui.core.errors import UserError
from heypeter_tui.core.events import Actor, new_event
from heypeter_tui.core.loader import load_checklist_source
from heypeter_tui.core.report import integrity_line, to_json, to_markdown
from heypeter_tui.core.rules import gate, summary
from heypeter_tui.core.run import fold
from heypeter_tui.core.session import Integrity, RunSession
from heypeter_tui.core.store import RunStore
from heypeter_tui.core.workspace import Workspace
from tests.conftest import GOLDEN, check_golden

DANA = Actor("dana", "dana", "bastion")
SAM = Actor("sam", "ops", "jump-2")


@pytest.fixture
def fixed_ids(monkeypatch) -> None:
    counter = itertools.count(1)
    monkeypatch.setattr(uuid, "uuid4", lambda: SimpleNamespace(hex=f"e{next(counter):03d}"))


AS_OF = datetime(2026, 12, 3, 12, 45, tzinfo=timezone.utc)
"""The golden record's export time: After T-0 (12:31), so During is overdue with Deploy blocked."""


def a_whole_run(tmp_path: Path, clock) -> RunSession:
    """A deployment told through every kind of event and every exception the record sums up (N/A, blocked,
    overrides, a revoke and a re-sign, a stale sign-off, an overdue phase, an item left open on deployment day),
    a damaged line and a torn last line included."""
    workspace = Workspace(tmp_path / "state")
    checklist, source = load_checklist_source(GOLDEN / "checklist.yaml")
    run_id = workspace.create_run(checklist, "Release 2.4.0 | *hotfix*", DANA, clock(), source=source)
    dana = RunSession(workspace.store(run_id, writer=True), DANA, clock)
    sam = RunSession(workspace.store(run_id, writer=True), SAM, clock)

    def step(session: RunSession, change) -> None:
        clock.advance(minutes=1)
        session.refresh()
        session.record(change(session.state))

    step(dana, lambda s: commands.set_t0("+3h", clock()))
    step(dana, lambda s: commands.set_status(s, "code/tested", "done"))
    step(
        dana,
        lambda s: commands.add_note(
            s, "code/tested", "green on staging\n- not a list\n2. not ordered\n# no heading\n> no quote | no cell <b>"
        ),
    )
    step(sam, lambda s: commands.set_status(s, "code/lb", "na", "single node"))
    step(sam, lambda s: commands.set_status(s, "code/docs", "blocked", "waiting for <legal> & [review]"))
    step(dana, lambda s: commands.sign(s, "Tech Lead", "Dana Lee", "DL"))
    step(sam, lambda s: commands.set_status(s, "code/docs", "done"))  # Tech Lead's signature is now stale
    step(dana, lambda s: commands.set_status(s, "security/scan", "done"))
    step(sam, lambda s: commands.sign(s, "QA Lead", "Sam Quinn"))
    step(sam, lambda s: commands.sign(s, "Ops", "Sam Quinn", "SQ"))
    step(dana, lambda s: commands.revoke(s, "Ops", "signed for the wrong team"))
    step(dana, lambda s: commands.set_contact(s, "DBA", "Ann", "", "ann@example.com"))
    step(dana, lambda s: commands.set_contact(s, "DevOps", "", "", ""))
    step(sam, lambda s: commands.set_status(s, "pre/backup", "done"))
    step(sam, lambda s: commands.set_status(s, "during/on", "done", override="CTO approved the window"))
    step(sam, lambda s: commands.set_status(s, "during/deploy", "done", override="hotfix"))
    clock.advance(minutes=1)
    sam.record(sam.undo_change())
    step(sam, lambda s: commands.set_status(s, "during/off", "done", override="rolled back"))
    step(sam, lambda s: commands.set_status(s, "during/deploy", "blocked", "waiting for the DB\n| migration lock"))
    step(dana, lambda s: commands.sign(s, "Ops", "Olga Park", "OP"))  # Ops again, after its revoke: current
    step(dana, lambda s: commands.toggle_timer(s, "after/watch"))
    clock.advance(minutes=9)
    step(dana, lambda s: commands.toggle_timer(s, "after/watch"))
    step(dana, lambda s: commands.toggle_timer(s, "after/soak"))
    clock.advance(minutes=1)
    dana.store.append(new_event("undo", DANA, clock(), target="e999"), new_event("some.future.type", DANA, clock()))
    with open(dana.store.path, "ab") as log:
        log.write(b'{"id": "damaged", "type": 5}\n')
    clock.advance(minutes=1)
    dana.record(commands.set_status(dana.state, "after/watch", "done"))
    with open(dana.store.path, "ab") as log:
        log.write(b'{"id": "torn", "ts": "2026-')
    return RunSession(workspace.store(run_id), DANA, clock)


def test_the_markdown_and_json_records_of_a_whole_run_are_word_for_word(tmp_path: Path, clock, fixed_ids) -> None:
    session = a_whole_run(tmp_path, clock)
    integrity = session.integrity()
    assert not integrity.whole
    record = to_markdown(session.state, integrity, now=AS_OF)
    check_golden("record.md", record)
    record_json = to_json(session.state, integrity, now=AS_OF)
    check_golden("record.json", json.dumps(record_json, indent=2, ensure_ascii=False) + "\n")
    with_ids = to_markdown(session.state, integrity, now=AS_OF, ids=True)
    check_golden("record-ids.md", with_ids)  # tests/unit/test_markdown_import.py reads it back
    assert re.sub(r" <!-- [^>]* -->", "", with_ids) == record  # --ids adds its comments and changes nothing else
    assert with_ids.count("<!--") == 1 + 5 + 10 and "<!--" not in record  # the title, each group, each item


def test_a_whole_record_has_every_line_counted(tmp_path: Path, clock, fixed_ids) -> None:
    workspace = Workspace(tmp_path / "state")
    checklist, source = load_checklist_source(GOLDEN / "checklist.yaml")
    run_id = workspace.create_run(checklist, "Quiet", DANA, clock(), clock() + timedelta(hours=1), source)
    session = RunSession(workspace.store(run_id, writer=True), DANA, clock)
    markdown = to_markdown(session.state, session.integrity())
    assert "- **Integrity:** 1 event read; every line of the log is part of this record\n" in markdown
    assert "- **Verdict:** NO-GO: 3 readiness items open, 3 roles not signed\n" in markdown
    assert "| T-0 | 2026-12-03 10:30:00 UTC |  |\n| Pre-Deployment due | 2026-12-03 08:30:00 UTC | T-2h |" in markdown


@pytest.mark.parametrize(
    ("integrity", "said"),
    [
        (Integrity(1), "1 event read; every line of the log is part of this record"),
        (Integrity(1_234, (7,)), "1,234 events read; 1 line skipped (7)"),
        (Integrity(2, (), (3, 9)), "2 events read; 2 lines set aside (3, 9)"),
        (Integrity(2, (), (), 1), "2 events read; 1 event not applied"),
        (
            Integrity(0, tuple(range(1, 23)), (40,), 3),
            "0 events read; 22 lines skipped (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, "
            "11, 12, 13, 14, 15, 16, 17, 18, 19, 20, …); 1 line set aside (40); 3 events not applied",
        ),
        (
            Integrity(5, tuple(range(1, 21))),
            "5 events read; 20 lines skipped (" + ", ".join(map(str, range(1, 21))) + ")",
        ),
    ],
)
def test_the_integrity_line_counts_what_was_read_skipped_set_aside_and_not_applied(integrity, said: str) -> None:
    assert integrity_line(integrity) == said


def test_the_summary_of_a_whole_run_is_word_for_word(tmp_path: Path, clock, fixed_ids) -> None:
    """What `status --json` and the runs table show."""
    check_golden("summary.json", json.dumps(summary(a_whole_run(tmp_path, clock).state), indent=2) + "\n")


def test_the_record_is_in_utc_wherever_it_is_written(tmp_path: Path, clock, fixed_ids, monkeypatch) -> None:
    """Its times are labelled UTC: a machine in Kathmandu (UTC+05:45) must not write local times under it."""
    session = a_whole_run(tmp_path, clock)
    expected = to_markdown(session.state)
    monkeypatch.setenv("TZ", "Asia/Kathmandu")
    time.tzset()
    try:
        assert to_markdown(RunSession(RunStore(session.store.path), DANA, clock).state) == expected
        assert "| 2026-12-03 09:30:00 UTC | dana@bastion | created run" in expected
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_an_optional_item_left_open_holds_nothing_and_a_window_left_open_says_so(
    tmp_path: Path, clock, fixed_ids
) -> None:
    workspace = Workspace(tmp_path / "state")
    checklist, source = load_checklist_source(GOLDEN / "checklist.yaml")
    run_id = workspace.create_run(checklist, "Open", DANA, clock(), source=source)
    session = RunSession(workspace.store(run_id, writer=True), DANA, clock)
    for key in ("code/tested", "code/docs", "security/scan"):  # lb, optional, stays open
        session.record(commands.set_status(session.state, key, "done"))
    for role in ("Tech Lead", "QA Lead", "Ops"):
        session.record(commands.sign(session.state, role, role))
    assert gate(session.state).go
    session.record(commands.set_status(session.state, "during/on", "done"))
    clock.advance(minutes=7)
    session.record(commands.add_note(session.state, "code/lb", "later"))
    markdown = to_markdown(session.state)
    assert "| Window: maintenance | opened 2026-12-03 09:30:00 UTC, still open | open for 7m |" in markdown
    assert "- [ ] Load balancer\n  - Note by dana@bastion" in markdown
    assert "- **Verdict:** GO: every required readiness item done or N/A, nothing blocked, every sign-off" in markdown
    blocked = new_event("item.status", SAM, clock(), item="code/lb", status="blocked")  # a log line with no reason
    session.store.append(blocked)
    session.refresh()
    assert gate(session.state).reasons[0] == "blocked: Code & <review> / Load balancer"  # no ": " with no reason
    assert "  - blocked, by sam (ops@jump-2), 2026-12-03 09:37:00 UTC" in to_markdown(session.state)


def test_the_timeline_describes_what_older_or_other_writers_left(tmp_path: Path, clock, fixed_ids) -> None:
    """Lines another writer may leave: an item this checklist no longer has, a run with no title, a revoke with
    no reason, a contact with a phone alone, an undo of itself."""
    from heypeter_tui.core.report import describe

    session = a_whole_run(tmp_path, clock)
    state = session.state
    created = replace(
        state.created, data={k: v for k, v in state.created.data.items() if k not in ("title", "checklist")}
    )
    events = [
        new_event("item.status", SAM, clock(), item="code/gone", status="na", reason="removed"),
        new_event("timer.start", SAM, clock(), item="code/gone", seconds=60),
        new_event("signoff.revoke", SAM, clock(), role="QA Lead"),
        new_event("contact.set", SAM, clock(), role="DBA", phone="+1 555 0100"),
        replace(new_event("undo", SAM, clock(), target="self"), id="self"),
    ]
    folded = fold([created, *events])
    assert [describe(folded, event) for event in [created, *events]] == [
        "created run '' from checklist ",
        "code/gone: N/A (removed)",
        "timer started: code/gone",
        "QA Lead sign-off revoked: ",
        "contact DBA: +1 555 0100",
        "undid nothing (no earlier change of that id)",
    ]


def test_a_session_follows_its_log_through_a_restore_and_refuses_a_log_replaced_by_junk(tmp_path: Path, clock) -> None:
    workspace = Workspace(tmp_path / "state")
    checklist, source = load_checklist_source(GOLDEN / "checklist.yaml")
    run_id = workspace.create_run(checklist, "Plain", DANA, clock(), source=source)
    session = RunSession(workspace.store(run_id, writer=True), DANA, clock)
    backup = session.store.path.read_bytes()
    session.record(commands.set_status(session.state, "code/tested", "done"))
    assert "| T-0 | not set |  |" in to_markdown(session.state)
    restored = tmp_path / "restored"
    restored.write_bytes(backup)
    restored.chmod(0o600)
    os.replace(restored, session.store.path)
    assert [event.type for event in session.refresh()] == ["run.created"]
    assert session.state.item("code/tested").status == "pending" and session.integrity().events == 1
    junk = tmp_path / "junk"
    junk.write_bytes(b'{"id": "x"}\n')
    junk.chmod(0o600)
    os.replace(junk, session.store.path)
    with pytest.raises(UserError, match=r": replaced by something that is not a readable run: "):
        session.refresh()
