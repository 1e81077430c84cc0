"""`next` and `status --owner` as a person reads them, word for word: what is open, most urgent first, and whose."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from heypeter_tui.cli import main
from heypeter_tui.cli.parser import COMMON_OPTIONS, build_parser
from heypeter_tui.core import commands

SMALL = """\
schema: 1
id: small
title: Small
sections:
  - title: Ready
    owner: QA Lead
    items:
      - {id: r1, text: R1}
      - {id: r2, text: R2, owner: Tech Lead}
      - {id: r3, text: R3}
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
T0 = datetime(2026, 12, 3, 23, 45, tzinfo=timezone.utc)  # Later (T+30m) is due the next day
EARLY_DUE = datetime(2026, 12, 3, 21, 45, 1, tzinfo=timezone.utc)  # a second after Early's due time


@pytest.fixture
def small(tmp_path: Path, context, clock):
    """A run of SMALL (T-0 23:45) with R1 done and E2 blocked; returns its session."""
    path = tmp_path / "small.yaml"
    path.write_text(SMALL)
    context.create_run("Release", str(path), T0)
    session = context.current_session()
    session.record(commands.set_status(session.state, "ready/r1", "done"))
    session.record(commands.set_status(session.state, "early/e2", "blocked", "waiting for the DBA"))
    return session


def cli(context, capsys, *argv: str) -> tuple[int, str]:
    """A command run as main runs it, on the test's context (its clock stands still until moved)."""
    args = build_parser(list(argv)).parse_args(list(argv))
    for name in COMMON_OPTIONS:  # as the CLI's _run leaves them where not given
        setattr(args, name, getattr(args, name, None))
    code = args.handler(context, args)
    return code, capsys.readouterr().out


def test_next_lists_overdue_then_by_due_time_then_the_rest_with_owners(small, context, clock, capsys) -> None:
    clock.now = EARLY_DUE
    assert cli(context, capsys, "next") == (0, (
        "OVERDUE       Early / E1  [Operations Manager]\n"
        "OVERDUE       Early / E2 (blocked)  [Operations Manager]\n"
        "22:45         Soon / S1\n"
        "Dec 04 00:15  Later / L1  [QA Lead]\n"
        "no due        Ready / R2  [Tech Lead]\n"
        "no due        Ready / R3  [QA Lead]\n"))
    assert cli(context, capsys, "next", "--owner", "qa-lead") == (0, (
        "Dec 04 00:15  Later / L1  [QA Lead]\n"
        "no due        Ready / R3  [QA Lead]\n"))


def test_next_before_anything_is_due_shows_the_due_times(small, context, capsys) -> None:
    assert cli(context, capsys, "next", "--owner", "OPERATIONS MANAGER") == (0, (
        "21:45  Early / E1  [Operations Manager]\n"
        "21:45  Early / E2 (blocked)  [Operations Manager]\n"))


def test_next_without_a_t0_says_when_relative_to_it(tmp_path: Path, state_dir: Path, capsys) -> None:
    path = tmp_path / "small.yaml"
    path.write_text(SMALL)
    assert main(["--state-dir", str(state_dir), "new", "Release", "--checklist", str(path)]) == 0
    capsys.readouterr()
    assert main(["--state-dir", str(state_dir), "next"]) == 0
    assert capsys.readouterr().out == (
        "no due  Ready / R1  [QA Lead]\n"
        "no due  Ready / R2  [Tech Lead]\n"
        "no due  Ready / R3  [QA Lead]\n"
        "T-2h    Early / E1  [Operations Manager]\n"
        "T-2h    Early / E2  [Operations Manager]\n"
        "T+30m   Later / L1  [QA Lead]\n"
        "T-1h    Soon / S1\n")


def test_next_shows_ten_and_counts_the_rest_unless_all(tmp_path: Path, context, capsys) -> None:
    path = tmp_path / "many.yaml"
    path.write_text("schema: 1\nid: many\ntitle: Many\nsections:\n  - title: S\n    owner: Ops\n    items: ["
                    + ", ".join(f"{{id: i{n}, text: Item {n}}}" for n in range(1, 14)) + "]\n")
    context.create_run("Many", str(path))
    shown = [f"no due  S / Item {n}  [Ops]\n" for n in range(1, 14)]
    more = "… and 3 more open items (--all lists every one)\n"
    assert cli(context, capsys, "next") == (0, "".join(shown[:10]) + more)
    assert cli(context, capsys, "next", "--all") == (0, "".join(shown))
    session = context.current_session()
    for item in session.state.checklist.sections[0].items:
        session.record(commands.set_status(session.state, f"s/{item.id}", "done" if item.id != "i7" else "na", "x"))
    assert cli(context, capsys, "next") == (0, "no open items\n")
    assert cli(context, capsys, "next", "--owner", "ops") == (0, "no open items owned by Ops\n")


def test_next_json_is_a_list_of_every_open_item(small, context, clock, capsys) -> None:
    clock.now = EARLY_DUE
    code, out = cli(context, capsys, "next", "--json", "--owner", "operations-manager")
    assert code == 0
    assert json.loads(out) == [
        {"key": "early/e1", "group": "Early", "text": "E1", "owner": "Operations Manager",
         "due": "2026-12-03T21:45:00.000Z", "offset": "-2h", "overdue": True, "status": "pending"},
        {"key": "early/e2", "group": "Early", "text": "E2", "owner": "Operations Manager",
         "due": "2026-12-03T21:45:00.000Z", "offset": "-2h", "overdue": True, "status": "blocked"},
    ]
    assert [entry["key"] for entry in json.loads(cli(context, capsys, "next", "--json")[1])] == [
        "early/e1", "early/e2", "soon/s1", "later/l1", "ready/r2", "ready/r3"]


def test_status_owner_lists_that_owners_open_items_after_the_status(small, context, clock, capsys) -> None:
    clock.now = EARLY_DUE
    code, out = cli(context, capsys, "status", "--owner", "qa lead")
    assert code == 0
    assert out == (
        "Release (20261203-093000-release)\n"
        "checklist: Small [small]\n"
        "T-0: 2026-12-03 23:45 UTC\n"
        "progress: 1/7 complete, 1 blocked\n"
        "verdict: NO-GO\n"
        "  - open: Ready / R2\n"
        "  - open: Ready / R3\n"
        "  - blocked: Early / E2: waiting for the DBA\n"
        "  - not signed: QA Lead\n"
        "  - not signed: Tech Lead\n"
        "  - not signed: Operations Manager\n"
        "2 open items owned by QA Lead\n"
        "  Dec 04 00:15  Later / L1  [QA Lead]\n"
        "  no due        Ready / R3  [QA Lead]\n")
    data = json.loads(cli(context, capsys, "status", "--json", "--owner", "tech-lead")[1])
    assert data["owner"] == {"name": "Tech Lead", "open_items": [
        {"key": "ready/r2", "group": "Ready", "text": "R2", "owner": "Tech Lead", "due": None, "offset": None,
         "overdue": False, "status": "pending"}]}
    assert "owner" not in json.loads(cli(context, capsys, "status", "--json")[1])


@pytest.mark.parametrize("command", ["next", "status"])
def test_an_unknown_owner_is_one_line_and_exit_2(small, state_dir: Path, capsys, command: str) -> None:
    assert main(["--state-dir", str(state_dir), command, "--owner", "Release\nCaptain"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""  # said before anything else: no status printed above the error
    assert captured.err == ("heypeter-tui: no owner 'Release\\nCaptain'; the owners are: QA Lead, Tech Lead, "
                            "Operations Manager\n")


def test_checklist_text_in_a_log_prints_on_one_line_with_no_escapes(small, context, clock, capsys) -> None:
    """A log's checklist is not cleaned when it is read (any writer may have put anything there): `next`
    cleans every part it prints, so a text cannot forge a line or move the cursor."""
    log = next(context.workspace.runs_dir.glob("*.jsonl"))
    lines = log.read_text().splitlines(keepends=True)
    created = json.loads(lines[0])
    created["template"]["phases"][0]["owner"] = "Ops\r\nOVERDUE  Forged / line"
    created["template"]["phases"][0]["items"][0]["text"] = "E1\x1b[2J\x1b]0;title\x07\nno due  Forged / too"
    lines[0] = json.dumps(created) + "\n"
    log.write_text("".join(lines))
    clock.now = EARLY_DUE
    code, out = cli(context, capsys, "next", "--owner", "ops overdue  forged / line")  # named as it is shown
    assert (code, out) == (0, "OVERDUE  Early / E1 no due  Forged / too  [Ops OVERDUE  Forged / line]\n"
                              "OVERDUE  Early / E2 (blocked)  [Ops OVERDUE  Forged / line]\n")


def test_next_and_status_owner_never_write(small, context, state_dir: Path, capsys) -> None:
    """Not even to set aside a torn last line, as a writer would."""

    def snapshot() -> dict[str, tuple[bytes, int]]:
        return {str(p): (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(state_dir.rglob("*")) if p.is_file()}

    with next(context.workspace.runs_dir.glob("*.jsonl")).open("a") as log:
        log.write('{"id": "torn", "ts": "2026-12')
    before = snapshot()
    for argv in (["next"], ["next", "--all", "--json"], ["next", "--owner", "qa-lead"], ["next", "--owner", "x"],
                 ["status", "--owner", "QA Lead"], ["status", "--json", "--owner", "qa-lead"]):
        main(["--state-dir", str(state_dir), *argv])
    capsys.readouterr()
    assert snapshot() == before


def test_an_undated_phase_takes_its_place_in_the_day_among_the_dated(tmp_path: Path, capsys) -> None:
    """During Deployment has no due time of its own: it comes after Pre-Deployment and before Post-Deployment, as the
    checklist places it, never after every dated phase (it was listed after Post-Deployment)."""
    (tmp_path / "day.yaml").write_text(
        "schema: 1\nid: day\ntitle: Day\nsections:\n  - {id: ready, title: Ready, items: [Ready one]}\nphases:\n"
        "  - {id: prep, title: Preparation, items: [Prep one]}\n"
        "  - {id: pre, title: Pre-Deployment, due: -2h, items: [Pre one]}\n"
        "  - {id: during, title: During Deployment, items: [During one]}\n"
        "  - {id: post, title: Post-Deployment, due: +1h, items: [Post one]}\n")
    state = ["--state-dir", str(tmp_path / "s")]
    assert main([*state, "new", "Day", "--checklist", str(tmp_path / "day.yaml"), "--t0", "+3h"]) == 0
    capsys.readouterr()
    assert main([*state, "next", "--all", "--json"]) == 0
    order = [item["group"] for item in json.loads(capsys.readouterr().out)]
    assert order == ["Preparation", "Pre-Deployment", "During Deployment", "Post-Deployment", "Ready"]
