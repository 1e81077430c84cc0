"""A failed check is an exception the record's first screen names: a reviewer sees it before anything else."""

from __future__ import annotations

import os

from heypeter_tui.core import commands
from heypeter_tui.core.check_runner import run_check
from heypeter_tui.core.checks import Check
from heypeter_tui.core.report import to_json, to_markdown

CHECKLIST = """\
schema: 1
id: probes
title: Probes
sections:
  - title: Servers
    id: servers
    items:
      - id: health
        text: Health endpoint answers
        check: exit 3
      - id: plain
        text: Plain
"""


def recorded(session, command: str) -> None:
    result = run_check(Check(command, 5), dict(os.environ), "2026-12-03T09:30:00Z", "web-1")
    changes, _ = commands.checked(session.state, "servers/health", result)
    session.record(*changes)


def test_the_latest_check_failing_is_listed_first_and_a_later_pass_clears_it(context, tmp_path) -> None:
    path = tmp_path / "probes.yaml"
    path.write_text(CHECKLIST)
    session = context.session(context.create_run("R", str(path)))
    recorded(session, "exit 3")
    text = to_markdown(session.state)
    exceptions = text.split("## Exceptions", 1)[1].split("##", 1)[0]
    assert "Check not passed: Servers / Health endpoint answers: check failed (exit 3)" in exceptions
    assert to_json(session.state)["summary"]["counts"] == {"check_not_passed": 1}
    assert session.state.item("servers/health").status == "pending"

    recorded(session, "true")
    assert "Check not passed" not in to_markdown(session.state)
    assert session.state.item("servers/health").status == "done"
    recorded(session, "exit 4")  # a later failure: an exception again, and the tick stays
    assert "check failed (exit 4)" in to_markdown(session.state).split("## Run details")[0]
    assert session.state.item("servers/health").status == "done"


def test_undoing_a_failed_check_takes_it_off_the_exceptions(context, tmp_path) -> None:
    path = tmp_path / "probes.yaml"
    path.write_text(CHECKLIST)
    session = context.session(context.create_run("R", str(path)))
    recorded(session, "exit 3")
    session.record(session.undo_change())
    assert "Check not passed" not in to_markdown(session.state)
    assert session.state.item("servers/health").check is None


WATCHED = """\
schema: 1
id: watched
title: Watched
sections:
  - title: After
    id: after
    items:
      - id: watch
        text: Watch the error rate
        timer: 30m
        check: {run: "exit 0", every: 1m}
"""


def test_a_fault_in_the_middle_of_a_watch_stays_an_exception_after_later_passes(context, tmp_path) -> None:
    path = tmp_path / "watched.yaml"
    path.write_text(WATCHED)
    session = context.session(context.create_run("R", str(path)))
    for command in ("true", "exit 22", "true"):  # healthy, down for a minute, healthy again
        result = run_check(Check(command, 5), dict(os.environ), "2026-12-03T09:30:00Z", "web-1")
        session.record(*commands.checked(session.state, "after/watch", result)[0])
    exceptions = to_markdown(session.state).split("## Exceptions", 1)[1].split("##", 1)[0]
    assert ("Check not passed: After / Watch the error rate: 1 of 3 runs did not pass while it watched (the first: "
            "check failed (exit 22)") in exceptions
    assert session.state.item("after/watch").status == "pending"
    checks = to_markdown(session.state).split("\n## Checks\n", 1)[1].split("\n## Timeline\n", 1)[0]
    assert "3 runs: 2 passed, 1 failed" in checks and checks.count("\n#### ") == 2  # the fault and the latest


def test_validate_says_where_a_check_key_belongs_and_warns_of_a_repeat_that_never_repeats(tmp_path, capsys) -> None:
    from heypeter_tui.cli import main

    path = tmp_path / "v.yaml"
    path.write_text("schema: 1\nid: v\ntitle: V\nsections:\n  - title: S\n    items:\n"
                    "      - {id: a, text: A, check: curl x, timeout: 5s}\n"
                    "      - {id: b, text: B, timer: 2m, check: {run: x, every: 3h}}\n")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "`timeout:` belongs under the item's `check:`" in err and "did you mean" not in err
    assert "check every is as long as the item's timer or longer: it runs once" in err
