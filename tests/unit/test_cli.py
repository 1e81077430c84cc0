"""The command line as scripts and pipelines use it: output, exit codes, one-line errors."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from heypeter_tui.cli import main
from tests.conftest import BUILTIN_CHECKLIST, seed_task_lines


def run(state_dir: Path, *args: str) -> int:
    return main(["--state-dir", str(state_dir), "--operator", "ci-bot", *args])


@pytest.fixture
def a_run(state_dir: Path, capsys) -> None:
    """A run to act on: commands never make one of their own (a pipeline must not mark a new run)."""
    assert run(state_dir, "new", "Release 2.4.0") == 0
    capsys.readouterr()


def test_export_json_of_a_new_run_lists_the_whole_checklist(state_dir: Path, capsys, a_run) -> None:
    assert run(state_dir, "export", "--format", "json") == 0
    record = json.loads(capsys.readouterr().out)
    items = [item for group in record["sections"] + record["phases"] for item in group["items"]]
    assert [item["text"] for item in items] == seed_task_lines()
    assert {"id", "text", "status", "by", "at"} <= set(items[0])
    assert [s["role"] for s in record["signoffs"]] == [
        "Tech Lead",
        "QA Lead",
        "Security Officer",
        "Product Manager",
        "Operations Manager",
    ]
    assert [c["role"] for c in record["contacts"]] == [
        "Tech Lead",
        "DevOps",
        "Database Admin",
        "Security",
        "Product Manager",
    ]
    assert record["gate"]["go"] is False and record["run"]["title"]


def test_state_dir_is_private(state_dir: Path, a_run) -> None:
    assert run(state_dir, "status") == 0
    for path in [state_dir, *state_dir.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode & 0o077 == 0, f"{path} is {oct(mode)}"


def test_mark_shows_in_status_and_export(state_dir: Path, capsys, a_run) -> None:
    assert run(state_dir, "mark", "Deploy application code", "done", "--note", "pipeline #812") == 2
    assert "the gate says NO-GO (64 reasons)" in capsys.readouterr().err  # During Deployment is gated
    assert run(state_dir, "mark", "Deploy application code", "done", "--note", "pipeline #812",
               "--override", "hotfix approved by CTO") == 0
    assert capsys.readouterr().out.strip() == "during-deployment/deploy-application-code: done"
    run(state_dir, "export", "--format", "json")
    record = json.loads(capsys.readouterr().out)
    item = next(i for p in record["phases"] for i in p["items"] if i["text"] == "Deploy application code")
    assert (item["status"], item["by"]["operator"], item["notes"][0]["text"]) == ("done", "ci-bot", "pipeline #812")
    assert item["override"] == "hotfix approved by CTO"


def test_status_gate_exit_codes(state_dir: Path, capsys, a_run) -> None:
    assert run(state_dir, "status", "--gate") == 1
    out = capsys.readouterr().out
    assert "verdict: NO-GO" in out and "… and " in out  # the first ten reasons and a count
    assert run(state_dir, "status") == 0  # without --gate, a report is not a failure


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("mark", "no such item", "done"), "no item 'no such item'"),
        (("mark", "Deploy application code", "finished"), "unknown status 'finished'"),
        (("mark", "Deploy application code", "blocked"), "needs a reason"),
        (("sign", "CEO", "--name", "x"), "no sign-off role 'CEO'"),
        (("open", "nothing"), "no run 'nothing'"),
        (("new", "R", "--t0", "teatime"), "--t0: 'teatime' is not a time"),
        (("--checklist", "nope", "status"), "no checklist 'nope'"),
    ],
)
def test_mistakes_exit_2_with_one_line(state_dir: Path, capsys, args, message, a_run) -> None:
    assert run(state_dir, *args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("heypeter-tui: ") and message in err


def test_new_runs_and_open(state_dir: Path, capsys) -> None:
    assert run(state_dir, "new", "Release 2.4.0", "--t0", "2026-12-03T14:00:00Z") == 0
    assert run(state_dir, "new", "Release 2.4.1") == 0
    capsys.readouterr()
    run(state_dir, "runs")
    table = capsys.readouterr().out.splitlines()
    assert len(table) == 3 and table[2].startswith("*") and "Release 2.4.1" in table[2]
    assert "2026-12-03 14:00 UTC" in table[1]
    assert run(state_dir, "open", "Release 2.4.0") == 0
    assert capsys.readouterr().out.startswith("current run: ")
    run(state_dir, "status")
    assert capsys.readouterr().out.startswith("Release 2.4.0 (")
    run(state_dir, "status", "--json")
    assert json.loads(capsys.readouterr().out)["title"] == "Release 2.4.0"


def test_contacts_carry_over_to_a_new_run(state_dir: Path, capsys) -> None:
    from heypeter_tui.context import Context
    from heypeter_tui.core import commands

    context = Context(state_dir=state_dir, operator="alice")
    session = context.current_session()
    session.record(commands.set_contact(session.state, "DevOps", "Bob", "+1 555 0100", ""))
    run(state_dir, "new", "Next release")
    assert context.current_session().state.contacts["DevOps"].name == "Bob"


def test_export_to_a_file_is_whole_and_private(state_dir: Path, tmp_path: Path, a_run) -> None:
    target = tmp_path / "out" / "record.md"
    assert run(state_dir, "export", "-o", str(target)) == 0
    text = target.read_text()
    assert text.startswith("# ") and "## Sign-offs" in text and "## Timeline" in text
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert not list(target.parent.glob(".*tmp"))


def test_validate(capsys, tmp_path: Path) -> None:
    assert main(["validate", str(BUILTIN_CHECKLIST)]) == 0  # not a path relative to where pytest was started
    assert "10 sections, 4 phases, 83 items" in capsys.readouterr().out
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema: 1\nid: x\ntitle: T\nsections:\n  - titel: S\n")
    assert main(["validate", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"error: {bad}:5:5: sections[1]: unknown key 'titel'; did you mean 'title'?" in err


def test_bad_checklist_is_one_line_no_traceback_and_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema: 1\nid: x\ntitle: T\nsections: [\n")
    state = tmp_path / "state"
    result = subprocess.run(
        [sys.executable, "-m", "heypeter_tui", "--state-dir", str(state), "--checklist", str(bad), "new", "R"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert (
        result.stderr == f"heypeter-tui: {bad}:5:1: YAML syntax: expected the node content, but found '<stream end>'\n"
    )
    assert not (state / "runs").exists() or not list((state / "runs").iterdir())


def test_version_and_paths(capsys, state_dir: Path) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0 and capsys.readouterr().out.startswith("heypeter-tui 0.")
    run(state_dir, "paths")
    out = capsys.readouterr().out
    assert f"state\t{state_dir}" in out


def test_help_lists_every_command_and_a_command_help_its_own_options(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    listing = capsys.readouterr().out
    for command in ("new", "runs", "open", "status", "mark", "sign", "revoke", "timer", "export", "validate",
                    "import-md", "schema", "checklists", "paths"):
        assert f"\n    {command} " in listing
    with pytest.raises(SystemExit):
        main(["--operator", "alice", "mark", "--help"])
    assert "usage: heypeter-tui mark [-h]" in capsys.readouterr().out


@pytest.mark.parametrize(
    "words",
    [
        ("--operator", "status", "status", "--gate"),  # an option's value that is also a command's name
        ("--op=status", "status", "--gate"),
        ("--op", "status", "status", "--gate"),  # abbreviated, as argparse allows
        ("status", "--operator", "status", "--gate"),
    ],
)
def test_the_command_is_found_around_common_options(state_dir: Path, capsys, words, a_run) -> None:
    assert main(["--state-dir", str(state_dir), *words]) == 1
    assert "verdict: NO-GO" in capsys.readouterr().out


def test_an_unknown_command_names_the_known_ones(capsys) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["stauts"])
    err = capsys.readouterr().err
    assert exited.value.code == 2 and "invalid choice: 'stauts'" in err and "'status'" in err and "'paths'" in err
