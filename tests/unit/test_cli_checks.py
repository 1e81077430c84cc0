"""`heypeter-tui check` and `trust` as a pipeline uses them: nothing runs before the exact commands are trusted,
exit 0 all passed / 1 any failed / 2 bad input or untrusted, the evidence in the record, a failure leaving the
item as it was, and a command's output reaching the terminal without an escape in it."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from heypeter_tui.cli import main
from tests.conftest import REPO

CHECKLIST = """schema: 1
id: selfcheck
title: Self Check
sections:
  - id: ready
    title: Ready
    items:
      - id: ok
        text: Health answers
        check: touch '{marker}' && echo healthy
      - id: bad
        text: Broken thing
        check: {{run: "echo broken; exit 3", timeout: 5s}}
  - id: looks
    title: Looks
    items:
      - id: colours
        text: Colourful tool
        check: printf '\\033[31mred\\033[0m plain\\033]52;c;c2VjcmV0\\007 \\033]0;title\\033\\\\done\\n'
  - id: notes
    title: Notes
    items:
      - id: plain
        text: No check here
phases:
  - id: during
    title: During
    gated: true
    items:
      - id: deploy
        text: Deploy it
        check: echo deployed
signoffs: [Tech Lead]
"""


@pytest.fixture
def marker(tmp_path: Path) -> Path:
    """The file the passing check touches: there only if a command ran."""
    return tmp_path / "ran-marker"


@pytest.fixture
def checklist_file(tmp_path: Path, marker: Path) -> Path:
    path = tmp_path / "selfcheck.yaml"
    path.write_text(CHECKLIST.format(marker=marker))
    return path


def run(state_dir: Path, *args: str) -> int:
    return main(["--state-dir", str(state_dir), "--operator", "ci-bot", *args])


@pytest.fixture
def a_run(state_dir: Path, checklist_file: Path, capsys) -> None:
    assert run(state_dir, "--checklist", str(checklist_file), "new", "Release") == 0
    capsys.readouterr()


@pytest.fixture
def trusted(state_dir: Path, a_run, capsys) -> None:
    assert run(state_dir, "trust", "--yes") == 0
    assert "trusted: these commands may run here" in capsys.readouterr().out


def item(state_dir: Path, capsys, key: str) -> dict:
    """The item as `export --format json` records it."""
    capsys.readouterr()
    assert run(state_dir, "export", "--format", "json") == 0
    record = json.loads(capsys.readouterr().out)
    return next(i for group in record["sections"] + record["phases"] for i in group["items"] if i["key"] == key)


def test_nothing_runs_on_a_checklist_not_trusted(state_dir: Path, capsys, a_run, marker: Path) -> None:
    assert run(state_dir, "check", "--all") == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and "not trusted here" in err and "nothing was run" in err
    assert not marker.exists()
    assert item(state_dir, capsys, "ready/ok")["checks"] == []


def test_trust_asks_only_a_terminal(state_dir: Path, capsys, a_run, marker: Path, monkeypatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("y\n"))  # a pipe that says yes is not a person reviewing
    assert run(state_dir, "trust") == 2
    out, err = capsys.readouterr()
    assert "$ touch" in out and "$ echo broken; exit 3" in out  # the commands were shown
    assert "not asked: standard input is not a terminal" in err
    assert run(state_dir, "check", "ok") == 2 and not marker.exists()


def test_a_passing_check_marks_its_item_done_with_its_evidence(state_dir: Path, capsys, trusted, marker) -> None:
    assert run(state_dir, "check", "ok") == 0
    out = capsys.readouterr().out
    first, output, result = out.splitlines()
    assert (first, output) == (f"check ready/ok: $ touch '{marker}' && echo healthy", "healthy")
    assert re.fullmatch(r"ready/ok: check passed in \d+\.\d s; marked done", result)
    assert marker.exists()
    recorded = item(state_dir, capsys, "ready/ok")
    assert recorded["status"] == "done" and recorded["by"]["operator"] == "ci-bot"
    [evidence] = recorded["checks"]
    assert (evidence["command"], evidence["outcome"], evidence["exit"]) == (f"touch '{marker}' && echo healthy",
                                                                            "passed", 0)
    assert (evidence["output"], evidence["output_bytes"], evidence["timeout"]) == ("healthy\n", 8, 60)


def test_a_failing_check_leaves_its_item_as_it_was(state_dir: Path, capsys, trusted) -> None:
    assert run(state_dir, "check", "Broken thing") == 1
    output, result = capsys.readouterr().out.splitlines()[1:]
    assert output == "broken" and re.fullmatch(r"ready/bad: check failed \(exit 3\) in \d+\.\d s", result)
    recorded = item(state_dir, capsys, "ready/bad")
    assert recorded["status"] == "pending" and recorded["by"] is None
    assert [(c["outcome"], c["exit"], c["output"]) for c in recorded["checks"]] == [("failed", 3, "broken\n")]
    assert run(state_dir, "mark", "ready/bad", "done") == 2  # its check failed: ticked by hand, but with a reason
    assert run(state_dir, "mark", "ready/bad", "done", "--reason", "fixed by hand") == 0
    assert run(state_dir, "check", "ready/bad") == 1
    recorded = item(state_dir, capsys, "ready/bad")
    assert recorded["status"] == "done" and len(recorded["checks"]) == 2  # ticked by hand: a failure unticks nothing


def test_section_and_all_run_every_check_of_theirs(state_dir: Path, capsys, trusted, marker) -> None:
    assert run(state_dir, "check", "--section", "looks") == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith("looks/colours: check passed")
    assert run(state_dir, "check", "--section", "Ready") == 1
    out = capsys.readouterr().out
    assert "ready/ok: check passed" in out and "ready/bad: check failed" in out and "looks/" not in out
    assert out.splitlines()[-1] == "1 check passed, 1 failed"
    assert run(state_dir, "check", "--all") == 1
    out = capsys.readouterr().out
    assert [line.split(":")[0] for line in out.splitlines() if line.startswith("check ")] == [
        "check ready/ok", "check ready/bad", "check looks/colours", "check during/deploy"]
    assert out.splitlines()[-1] == "3 checks passed, 1 failed"
    assert len(item(state_dir, capsys, "ready/ok")["checks"]) == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("check", "plain"), "notes/plain has no check"),
        (("check", "no such item"), "no item 'no such item'"),
        (("check",), "check needs one of: an ITEM, --section SECTION or --all"),
        (("check", "ok", "--all"), "check needs one of"),
        (("check", "--section", "notes"), "Notes (notes) has no items with a check"),
        (("check", "--section", "nowhere"), "no section or phase 'nowhere'"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_runs_nothing(state_dir: Path, capsys, trusted, marker, args,
                                                          message) -> None:
    assert run(state_dir, *args) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and message in err
    assert not marker.exists()


def test_a_changed_checklist_must_be_trusted_again(state_dir: Path, capsys, trusted, checklist_file, marker) -> None:
    checklist_file.write_text(checklist_file.read_text().replace("echo healthy", "echo healthy!"))
    assert run(state_dir, "--checklist", str(checklist_file), "new", "Release 2") == 0
    assert run(state_dir, "check", "ok") == 2
    assert "not trusted here" in capsys.readouterr().err and not marker.exists()
    assert run(state_dir, "trust", "--yes") == 0
    assert run(state_dir, "check", "ok") == 0 and marker.exists()
    assert "healthy!" in capsys.readouterr().out


def test_a_gated_item_passing_while_no_go_is_recorded_not_done(state_dir: Path, capsys, trusted) -> None:
    assert run(state_dir, "check", "deploy") == 0
    out, err = capsys.readouterr()
    assert "during/deploy: check passed" in out and "marked done" not in out
    assert "during/deploy: passed, not marked done: the gate says NO-GO" in err
    recorded = item(state_dir, capsys, "during/deploy")
    assert recorded["status"] == "pending" and [c["outcome"] for c in recorded["checks"]] == ["passed"]


def test_a_commands_escapes_never_reach_the_terminal_or_the_record(state_dir: Path, capsys, trusted) -> None:
    assert run(state_dir, "check", "colours") == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    assert out.splitlines()[1] == "red plain done"  # the clipboard write and the title gone whole, payload too
    [evidence] = item(state_dir, capsys, "looks/colours")["checks"]
    assert evidence["output"] == "red plain done\n" and evidence["output_bytes"] > len("red plain done\n")


def test_quiet_prints_results_not_output(state_dir: Path, capsys, trusted) -> None:
    assert run(state_dir, "check", "--section", "ready", "--quiet") == 1
    lines = capsys.readouterr().out.splitlines()
    assert "healthy" not in lines and "broken" not in lines
    assert [line.split(":")[0] for line in lines] == ["ready/ok", "ready/bad", "1 check passed, 1 failed"]  # results
    assert [c["output"] for c in item(state_dir, capsys, "ready/bad")["checks"]] == ["broken\n"]  # still recorded


def test_a_check_that_changes_readiness_says_a_sign_off_went_stale(state_dir: Path, capsys, trusted) -> None:
    assert run(state_dir, "sign", "Tech Lead", "--name", "Tess") == 0
    capsys.readouterr()
    assert run(state_dir, "check", "bad") == 1  # a failure changes nothing: no warning
    assert "stale" not in capsys.readouterr().err
    assert run(state_dir, "check", "ok") == 0
    err = capsys.readouterr().err
    assert "this made 1 sign-off stale (Tech Lead); they must sign again for GO" in err


SLOW = """schema: 1
id: slow
title: Slow
sections:
  - id: s
    title: S
    items:
      - id: wait
        text: Waits
        check: echo ready; sleep {pause} & sleep {pause}; echo after
"""


def test_a_pipeline_cancelling_check_kills_the_command_and_records_it(state_dir: Path, tmp_path: Path,
                                                                       capsys) -> None:
    pause = f"{secrets.randbelow(30) + 20}.{secrets.randbelow(10**6):06d}"  # short: a bug must not hang
    slow = tmp_path / "slow.yaml"
    slow.write_text(SLOW.format(pause=pause))
    assert run(state_dir, "--checklist", str(slow), "new", "Slow") == 0
    assert run(state_dir, "trust", "--yes") == 0
    out = tmp_path / "out.txt"
    with out.open("wb") as sink:
        process = subprocess.Popen([sys.executable, "-m", "heypeter_tui", "--state-dir", str(state_dir), "check",
                                    "wait"], stdout=sink, stderr=subprocess.DEVNULL, cwd=REPO)
    try:
        deadline = time.monotonic() + 20
        while b"\nready\n" not in out.read_bytes() and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.02)
        process.send_signal(signal.SIGTERM)  # as a CI job's cancel does
        assert process.wait(10) == 130
        assert out.read_text().splitlines()[-1].startswith("s/wait: check cancelled (SIGTERM)")
        deadline = time.monotonic() + 2
        while _running(f"sleep\0{pause}") and time.monotonic() < deadline:
            time.sleep(0.02)
        assert _running(f"sleep\0{pause}") == []
    finally:
        process.kill()
        process.wait()
        for pid in _running(f"sleep\0{pause}"):  # what a bug left behind
            os.kill(pid, signal.SIGKILL)
    [evidence] = item(state_dir, capsys, "s/wait")["checks"]
    assert (evidence["outcome"], evidence["output"]) == ("cancelled", "ready\n")


def _running(marker: str) -> list[int]:
    found = []
    for entry in filter(str.isdigit, os.listdir("/proc")):
        with contextlib.suppress(OSError):
            if marker.encode() in Path(f"/proc/{entry}/cmdline").read_bytes():
                found.append(int(entry))
    return found


MONITOR = """schema: 1
id: watch
title: Watch
sections:
  - id: s
    title: S
    items:
      - id: watch
        text: Monitor for 30 minutes
        timer: 30m
        check: {run: "echo fine", every: 1m}
"""


def test_a_monitoring_check_run_from_the_command_line_marks_nothing_done(state_dir: Path, tmp_path: Path,
                                                                          capsys) -> None:
    path = tmp_path / "watch.yaml"
    path.write_text(MONITOR)
    assert run(state_dir, "--checklist", str(path), "new", "W") == 0
    assert run(state_dir, "trust", "--yes") == 0
    assert run(state_dir, "check", "s/watch") == 0
    assert "marked done" not in capsys.readouterr().out
    watched = item(state_dir, capsys, "s/watch")
    assert watched["status"] == "pending" and [c["outcome"] for c in watched["checks"]] == ["passed"]


def test_section_numbers_are_the_dashboards_keys(state_dir: Path, capsys, trusted) -> None:
    assert run(state_dir, "check", "--section", "2", "--quiet") == 0  # the second section: Looks
    assert capsys.readouterr().out.startswith("looks/colours: check passed")
    assert run(state_dir, "check", "--section", "0") == 2  # section 10: this checklist has three
    assert run(state_dir, "check", "plain") == 2
    assert "notes/plain has no check; the items with one: ready/ok, ready/bad, looks/colours" in capsys.readouterr().err
