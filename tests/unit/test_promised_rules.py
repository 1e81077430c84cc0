"""Rules a skeptic once broke, one at a time, without a test going red (issue 12). Each test here is red
on a build with its bug; `python tests/reintroduce.py` puts each bug back and runs the suite to prove it."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from heypeter_tui.cli import main
from heypeter_tui.core import commands, nodes
from heypeter_tui.core.clock import parse_when
from heypeter_tui.core.errors import UserError
from heypeter_tui.core.events import Actor, new_event
from heypeter_tui.core.loader import validate_text
from heypeter_tui.core.report import to_json, to_markdown
from heypeter_tui.core.rules import gate
from heypeter_tui.core.run import fold
from heypeter_tui.core.store import RunStore
from heypeter_tui.core.workspace import Workspace
from tests.conftest import REPO, created_event
from tests.unit.test_deployment_day import complete_readiness_and_sign

PRE = "pre-deployment/final-code-review"
POST = "post-deployment-validation/application-loads-correctly"
FIRST = "code-readiness/all-features-tested-and-approved"
NOW = datetime(2026, 12, 3, 12, 0, tzinfo=timezone.utc)


def test_deployment_day_ticks_leave_every_signature_standing(session) -> None:
    complete_readiness_and_sign(session)
    for key in (PRE, POST):
        session.record(commands.set_status(session.state, key, "done"))
        session.record(commands.set_status(session.state, key, "na", "not today"))
    assert gate(session.state).go  # sign-offs vouch for readiness, not for the day's own steps
    session.record(commands.set_status(session.state, FIRST, "blocked", "regression"))
    assert sum(reason.startswith("stale: ") for reason in gate(session.state).reasons) == 5


def test_undoing_a_t0_brings_back_the_one_before(session, clock) -> None:
    created_t0 = session.state.t0
    assert created_t0 == "2026-12-03T12:30:00.000Z"
    session.record(commands.set_t0("14:00", clock()))
    session.record(commands.set_t0("15:00", clock()))
    session.record(session.undo_change())
    assert session.state.t0 == "2026-12-03T14:00:00.000Z"
    session.record(session.undo_change())
    assert session.state.t0 == created_t0  # the one the run was created with, not none


def test_a_revocation_needs_a_reason_and_a_note_needs_text(session) -> None:
    session.record(commands.sign(session.state, "QA Lead", "Quinn"))
    for blank in ("", "   ", "\n\t", "\x1b[2J"):
        with pytest.raises(UserError, match="revoking a sign-off needs a reason"):
            commands.revoke(session.state, "QA Lead", blank)
        with pytest.raises(UserError, match="a note needs some text"):
            commands.add_note(session.state, FIRST, blank)
    assert "QA Lead" in session.state.signoffs and session.state.item(FIRST).notes == ()


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("08:15", "2026-12-04T08:15:00+00:00"), ("09:30", "2026-12-04T09:30:00+00:00"),
     ("09:31", "2026-12-03T09:31:00+00:00"), ("00:00", "2026-12-04T00:00:00+00:00")],
)
def test_a_time_of_day_already_past_means_tomorrow(clock, typed: str, expected: str) -> None:
    assert parse_when(typed, clock()).isoformat() == expected  # the clock reads 2026-12-03 09:30 UTC


def test_both_records_say_a_signature_is_stale(session) -> None:
    complete_readiness_and_sign(session)
    session.record(commands.set_status(session.state, FIRST, "na", "descoped"))
    signoffs = {entry["role"]: entry for entry in to_json(session.state)["signoffs"]}
    assert {role: entry["stale"] for role, entry in signoffs.items()} == dict.fromkeys(signoffs, True)
    session.record(commands.sign(session.state, "QA Lead", "Quinn again"))
    signoffs = {entry["role"]: entry for entry in to_json(session.state)["signoffs"]}
    assert signoffs["QA Lead"]["stale"] is False and signoffs["Tech Lead"]["stale"] is True
    table = to_markdown(session.state).split("## Sign-offs")[1].split("##")[0]
    rows = {line.split(" | ")[0].strip("| "): line for line in table.splitlines() if line.startswith("| ")}
    assert rows["Tech Lead"].endswith(" | stale: signed before the latest readiness change |")
    assert rows["QA Lead"].endswith(" | current |")


def test_the_fold_ignores_a_status_it_does_not_know(session, clock) -> None:
    """The validator keeps such lines out of a log; the fold does not trust that alone."""
    events = [*session.state.events]
    events.append(new_event("item.status", session.actor, clock(), item=FIRST, status="finished"))
    events.append(new_event("item.status", session.actor, clock(), item=FIRST, status=["done"]))
    state = fold(events)
    assert state.item(FIRST).status == "pending"
    assert json.dumps(to_json(state))  # and the record still writes


def test_a_state_dir_made_wide_by_someone_else_is_narrowed(tmp_path: Path) -> None:
    """Contacts hold names and phone numbers: a state dir that exists with wider rights is made private."""
    state = tmp_path / "state"
    (state / "runs").mkdir(parents=True)
    for level in (state, state / "runs"):
        level.chmod(0o777)
    assert main(["--state-dir", str(state), "new", "Release"]) == 0
    for level in (state, state / "runs"):
        assert stat.S_IMODE(level.stat().st_mode) == 0o700, level


def test_a_checklist_named_at_start_reopens_its_latest_run(context, tmp_path: Path) -> None:
    ours = context.create_run("Ours", None)
    other = tmp_path / "other.yaml"
    other.write_text("schema: 1\nid: other\ntitle: Other\nsections:\n  - title: S\n    items: [x]\n")
    theirs = context.create_run("Theirs", str(other))
    assert context.workspace.current_id() == theirs
    assert context.current_session("heypeter-production").state.run_id == ours
    assert context.workspace.current_id() == ours  # and it is the current run again
    assert context.current_session(str(other)).state.run_id == theirs
    assert len(context.workspace.runs()) == 2  # neither start made a run


def test_a_prefix_of_two_runs_names_neither(context) -> None:
    first, second = context.create_run("Release A", None), context.create_run("Release B", None)
    shared = next(i for i, (a, b) in enumerate(zip(first, second)) if a != b)
    with pytest.raises(UserError, match=r"names 2 runs"):
        context.workspace.resolve(first[:shared])
    assert context.workspace.resolve(first[: shared + 1]) == first


@pytest.mark.parametrize("key", ["id", "ts", "actor", "type"])
def test_a_line_without_its_envelope_is_skipped_naming_what_is_missing(tmp_path: Path, key: str) -> None:
    path = tmp_path / "run.jsonl"
    RunStore.create(path, created_event(Actor("a", "a", "h"), NOW))
    line = {"id": "e1", "ts": "2026-12-03T12:00:00.000Z", "actor": {"operator": "b"}, "type": "item.note",
            "item": "a/b", "text": "hello"}
    del line[key]
    with open(path, "a") as file:
        file.write(json.dumps(line) + "\n")
    store = RunStore(path)
    assert len(store.load()) == 1
    assert [str(problem) for problem in store.problems] == [f"{path}:2: not a valid event (missing {key}); skipped"]


def test_the_node_cap_stops_aliases_that_make_no_mistake_until_the_end(monkeypatch) -> None:
    """Each copy of an aliased section is read whole before its id is found twice: without the node cap,
    twenty copies of a large section are read (the error cap comes too late to matter)."""
    monkeypatch.setattr(nodes, "MAX_NODES", 5_000)
    items = "".join(f"      - item {n}\n" for n in range(1_000))
    copies = "".join("  - *s\n" for _ in range(30))
    bomb = f"schema: 1\nid: x\ntitle: T\nsections:\n  - &s\n    title: S\n    items:\n{items}{copies}"
    errors = [str(problem) for problem in validate_text(bomb, "f.yaml").errors]
    assert any("more than 5,000 values (aliases expanding?)" in error for error in errors), errors[:3]


FIRST_LAUNCH = """
import sys
from pathlib import Path
from heypeter_tui.context import Context
context = Context(state_dir=Path(sys.argv[1]), operator="x", config_path=Path(sys.argv[2]))
print(context.current_session().state.run_id)
"""


def lock_waiters(path: Path) -> int:
    """Processes waiting for the flock of `path`, as the kernel lists them (`->` lines of /proc/locks)."""
    inode = f":{path.stat().st_ino} "
    return sum("->" in line and inode in line for line in Path("/proc/locks").read_text().splitlines())


def test_dashboards_started_at_once_on_an_empty_state_dir_share_one_first_run(tmp_path: Path) -> None:
    """While the workspace is locked, each first launch waits for the lock (the kernel says so) rather
    than choosing a run; released, they all open the one first run."""
    state = tmp_path / "state"
    workspace = Workspace(state)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    args = [sys.executable, "-c", FIRST_LAUNCH, str(state), str(tmp_path / "config.yaml")]
    with workspace.locked():
        launches = [subprocess.Popen(args, stdout=subprocess.PIPE, text=True, env=env) for _ in range(4)]
        deadline = time.monotonic() + 60
        while lock_waiters(state / "lock") < len(launches):
            assert not any(launch.poll() is not None for launch in launches), "a launch went on without the lock"
            assert time.monotonic() < deadline, "the launches never reached the workspace lock"
            time.sleep(0.01)
        assert workspace.runs() == []
    opened = {launch.communicate(timeout=60)[0].strip() for launch in launches}
    assert [run.id for run in workspace.runs()] == list(opened)
