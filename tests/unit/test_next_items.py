"""What's next: the open items of a run, overdue first, then by due time, then in checklist order."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from heypeter_tui.core import commands
from heypeter_tui.core.errors import UserError
from heypeter_tui.core.next_items import NextItem, find_owner, next_items

NEXT = """\
schema: 1
id: nx
title: Next
sections:
  - title: Ready
    owner: QA Lead
    items:
      - {id: r1, text: R1}
      - {id: r2, text: R2, owner: Tech Lead}
      - {id: r3, text: R3}
      - {id: r4, text: R4}
phases:
  - title: Early
    due: -2h
    owner: Operations Manager
    items: [{id: e1, text: E1}, {id: e2, text: E2}]
  - title: Later
    due: +30m
    items: [{id: l1, text: L1, owner: QA Lead}]
  - title: Soon
    due: -1h
    items: [{id: s1, text: S1}]
signoffs: [QA Lead, Tech Lead, Operations Manager]
"""
T0 = datetime(2026, 12, 3, 12, 30, tzinfo=timezone.utc)  # three hours after the clock's start
EARLY_DUE = T0 - timedelta(hours=2)


@pytest.fixture
def state_of(tmp_path: Path, context):
    """A run of NEXT (T-0 `t0`), with R1 done, R3 N/A and E2 blocked; a function, to read its latest state."""

    def start(t0: datetime | None = T0):
        path = tmp_path / "next.yaml"
        path.write_text(NEXT)
        context.create_run("Release", str(path), t0)
        session = context.current_session()
        for key, status, reason in [("ready/r1", "done", ""), ("ready/r3", "na", "not here"),
                                    ("early/e2", "blocked", "waiting for the DBA")]:
            session.record(commands.set_status(session.state, key, status, reason))
        return session.state

    return start


def keys(entries: list[NextItem]) -> list[str]:
    return [entry.key for entry in entries]


def test_overdue_first_then_by_due_time_then_the_rest_in_checklist_order(state_of, clock) -> None:
    state = state_of()
    clock.advance(hours=1, seconds=1)  # Early (due 10:30) is overdue; Soon (11:30) and Later (13:00) are not
    entries = next_items(state, clock())
    # Soon is due before Later though it comes after it; done R1 and N/A R3 are not open; blocked E2 is.
    assert keys(entries) == ["early/e1", "early/e2", "soon/s1", "later/l1", "ready/r2", "ready/r4"]
    assert entries[1] == NextItem("early/e2", "Early", "E2", "Operations Manager", EARLY_DUE, True, "blocked", -7200)
    assert entries[2] == NextItem("soon/s1", "Soon", "S1", None, T0 - timedelta(hours=1), False, "pending", -3600)
    assert entries[4] == NextItem("ready/r2", "Ready", "R2", "Tech Lead", None, False, "pending", None)
    assert entries[1].to_dict() == {"key": "early/e2", "group": "Early", "text": "E2", "owner": "Operations Manager",
                                    "due": "2026-12-03T10:30:00.000Z", "offset": "-2h", "overdue": True,
                                    "status": "blocked"}


def test_an_item_is_overdue_from_the_second_after_its_group_is_due(state_of, clock) -> None:
    state = state_of()
    clock.now = EARLY_DUE
    assert [entry.overdue for entry in next_items(state, clock())][:2] == [False, False]  # due now: not late
    clock.advance(seconds=1)
    assert [entry.overdue for entry in next_items(state, clock())][:2] == [True, True]


def test_without_a_t0_nothing_is_due_and_everything_open_is_in_checklist_order(state_of, clock) -> None:
    entries = next_items(state_of(None), clock() + timedelta(days=2))
    assert keys(entries) == ["ready/r2", "ready/r4", "early/e1", "early/e2", "later/l1", "soon/s1"]
    assert all(entry.due is None and not entry.overdue for entry in entries)
    assert [entry.offset for entry in entries] == [None, None, -7200, -7200, 1800, -3600]  # still shown as T-2h


def test_a_limit_keeps_the_most_urgent(state_of, clock) -> None:
    state = state_of()
    assert keys(next_items(state, clock(), limit=3)) == ["early/e1", "early/e2", "soon/s1"]
    assert next_items(state, clock(), limit=0) == []
    assert len(next_items(state, clock(), limit=99)) == 6


@pytest.mark.parametrize("reference", ["QA Lead", "qa lead", "QA LEAD", "qa-lead", "  qa-lead "])
def test_an_owner_is_named_in_any_case_or_with_hyphens(state_of, clock, reference: str) -> None:
    state = state_of()
    assert keys(next_items(state, clock(), owner=reference)) == ["later/l1", "ready/r4"]  # own and inherited
    assert find_owner(state.checklist, reference) == "QA Lead"


def test_an_owner_filter_matches_whole_names_only(state_of, clock) -> None:
    state = state_of()
    assert keys(next_items(state, clock(), owner="Tech Lead")) == ["ready/r2"]  # its own, not its section's
    assert keys(next_items(state, clock(), owner="operations-manager")) == ["early/e1", "early/e2"]
    assert next_items(state, clock(), owner="qa") == [] and next_items(state, clock(), owner="lead") == []


def test_an_unknown_owner_is_one_line_naming_the_owners(state_of, tmp_path: Path, context) -> None:
    state = state_of()
    with pytest.raises(UserError) as raised:
        find_owner(state.checklist, "Release Captain")
    assert str(raised.value) == ("no owner 'Release Captain'; the owners are: QA Lead, Tech Lead, "
                                 "Operations Manager")
    path = tmp_path / "none.yaml"
    path.write_text("schema: 1\nid: bare\ntitle: Bare\nsections:\n  - {title: S, items: [{id: a, text: A}]}\n")
    context.create_run("Bare", str(path))
    with pytest.raises(UserError) as raised:
        find_owner(context.current_session().state.checklist, "QA Lead")
    assert str(raised.value) == "no owner 'QA Lead': checklist 'bare' names no owners"
