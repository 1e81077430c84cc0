"""`mark ITEM STATUS --if-status S`: a pipeline changes the item only as it last saw it, on either store; and `mark
ITEM done` on an item whose latest check failed needs `--reason`, which the record keeps."""

from __future__ import annotations

from pathlib import Path

import pytest

from heypeter_tui.cli import main
from heypeter_tui.context import Context
from heypeter_tui.core import events as ev
from heypeter_tui.core.checks import CheckResult
from heypeter_tui.core.commands import Change

FIRST = "code-readiness/all-features-tested-and-approved"


def cli(capsys, state: Path, operator: str, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["--state-dir", str(state), "--operator", operator, *args])
    out, err = capsys.readouterr()
    return code, out, err


def events(state: Path, store: list[str]) -> int:
    return len(Context(state_dir=state, store=store[1] if store else None).current_session().state.events)


@pytest.mark.parametrize("where", ["file", "postgres"])
def test_if_status_changes_the_item_only_as_the_pipeline_saw_it(where: str, request, tmp_path: Path,
                                                               capsys) -> None:
    store = ["--store", request.getfixturevalue("pg_store")] if where == "postgres" else []
    state = tmp_path / "state"
    assert cli(capsys, state, "ci", *store, "new", "Release")[0] == 0
    assert cli(capsys, state, "qa", *store, "mark", FIRST, "done", "--if-status", "pending")[:2] == (
        0, f"{FIRST}: done\n")
    before = events(state, store)
    code, out, err = cli(capsys, state, "ci", *store, "mark", FIRST, "blocked", "--reason", "flaky",
                         "--if-status", "pending")
    assert (code, out) == (1, "") and err.count("\n") == 1  # one line, and the run is as it was
    assert err.startswith(f"heypeter-tui: {FIRST} is not pending: marked done by qa (")
    assert err.rstrip().endswith("; nothing was changed")
    assert events(state, store) == before
    assert cli(capsys, state, "ci", *store, "mark", FIRST, "blocked", "--reason", "flaky",
               "--if-status", "done")[:2] == (0, f"{FIRST}: blocked\n")
    code, _, err = cli(capsys, state, "ci", *store, "mark", FIRST, "done", "--if-status", "finished")
    assert code == 2 and err.startswith("heypeter-tui: unknown status 'finished'")  # a wrong command: exit 2


def test_marking_done_an_item_whose_check_failed_needs_a_reason_that_the_record_keeps(tmp_path: Path,
                                                                                    capsys) -> None:
    state = tmp_path / "state"
    assert cli(capsys, state, "ci", "new", "Release")[0] == 0
    session = Context(state_dir=state, operator="ci").current_session()
    failed = CheckResult("curl -fsS https://staging/health", "failed", 22, None, 80, "503", 3, 60, "ci-host",
                         "2026-12-03T09:30:00Z")
    session.record(Change(ev.ITEM_CHECK, failed.to_data(FIRST)))
    code, out, err = cli(capsys, state, "ci", "mark", FIRST, "done")
    assert (code, out) == (2, "") and err.count("\n") == 1
    assert "the latest check of 'All features tested and approved' failed (exit 22); ticking it done needs a " \
           "reason (--reason WHY)" in err
    assert cli(capsys, state, "ci", "mark", FIRST, "done", "--reason", "health endpoint flaps; checked by hand")[0] == 0
    code, record, _ = cli(capsys, state, "ci", "export")
    assert "  - done: health endpoint flaps; checked by hand, by ci" in record
