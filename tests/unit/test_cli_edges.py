"""The command line at its edges, as an attacker's pass found them: each promise held by a test."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from heypeter_tui.cli import main
from heypeter_tui.core.ids import Names
from heypeter_tui.core.markdown import import_markdown
from heypeter_tui.core.workspace import Workspace
from tests.conftest import REPO

FIRST = "code-readiness/all-features-tested-and-approved"


def cli(state: Path, *args: str) -> int:
    return main(["--state-dir", str(state), *args])


def test_text_entering_from_markdown_or_yaml_is_cleaned_so_the_import_always_validates(tmp_path: Path, capsys) -> None:
    source = tmp_path / "f.md"
    source.write_text("# T\n## S\n- [ ] ok \x1b]0;t\x07\n- [ ] x\u202ey\n")
    assert main(["import-md", str(source), "-o", str(tmp_path / "out.yaml")]) == 0
    assert main(["validate", str(tmp_path / "out.yaml")]) == 0
    texts = [item["text"] if isinstance(item, dict) else item for item in import_markdown(source.read_text()).data[
        "sections"][0]["items"]]
    assert texts == ["ok", "xy"]
    source.write_text("# T\n## S\n- [ ] \u2066\n")  # nothing left once cleaned: no item at all
    capsys.readouterr()
    assert main(["import-md", str(source)]) == 2
    assert capsys.readouterr().err == f"heypeter-tui: {source}:3: a task line with no text\n"
    checklist = tmp_path / "c.yaml"
    checklist.write_text('schema: 1\nid: c\ntitle: T\nsections:\n  - title: S\n    items: ["\\e]0;x\\a"]\n')
    assert main(["validate", str(checklist)]) == 2
    assert "item is empty (once escape sequences and controls are removed)" in capsys.readouterr().err


def test_a_terminal_that_is_not_utf8_gets_the_record_with_question_marks(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONIOENCODING": "latin-1"}
    base = [sys.executable, "-m", "heypeter_tui", "--state-dir", str(tmp_path / "s")]
    subprocess.run([*base, "new", "Réléase ✓ \u200b"], env=env, check=True, capture_output=True)
    for command in (["status"], ["export"], ["runs"]):
        result = subprocess.run([*base, *command], env=env, capture_output=True)
        assert result.returncode == 0, result.stderr
        assert "Réléase ?".encode("latin-1") in result.stdout


def test_runs_names_the_lines_it_skipped(tmp_path: Path, capsys) -> None:
    state = tmp_path / "state"
    assert cli(state, "new", "R") == 0
    with open(next((state / "runs").glob("*.jsonl")), "a") as file:
        file.write('{"id":"x","ts":"2026-12-03T12:00:00Z","actor":{},"type":"signoff.sign","role":"R","name":"n",'
                   '"open_items":NaN}\n')
    capsys.readouterr()
    assert cli(state, "runs") == 0
    assert ":2: not a valid event" in capsys.readouterr().err


def test_values_that_start_with_a_dash_and_flags_holding_newlines(tmp_path: Path, capsys) -> None:
    state = tmp_path / "state"
    assert cli(state, "new", "R", "--t0", "-2h") == 0  # argparse alone took -2h for an option
    capsys.readouterr()
    with pytest.raises(SystemExit) as exited:
        cli(state, "--bogus\nforged line", "status")
    err = capsys.readouterr().err
    assert exited.value.code == 2 and err.count("\n") == 1 and "forged line" in err


def test_runs_made_in_one_second_keep_their_order(tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    runs.mkdir()
    for suffix in ("", "-2", "-10", "-3"):
        (runs / f"20261203-140000-release{suffix}.jsonl").write_text("")
    ids = [run.id.removeprefix("20261203-140000-") for run in Workspace(tmp_path).runs()]
    assert ids == ["release", "release-2", "release-3", "release-10"]


def test_a_bad_operator_setting_does_not_stop_those_who_only_read(tmp_path: Path, capsys, monkeypatch) -> None:
    state = tmp_path / "state"
    assert cli(state, "new", "R") == 0
    config = tmp_path / "cfg" / "heypeter-tui"
    config.mkdir(parents=True)
    (config / "config.yaml").write_text("operator: " + "x" * 200 + "\n")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    capsys.readouterr()
    assert cli(state, "status") == 0 and cli(state, "export", "--format", "json") == 0
    assert cli(state, "mark", FIRST, "done") == 2  # a writer records the name: there it is refused
    assert "the operator's name is 200 characters" in capsys.readouterr().err


def test_times_written_with_another_offset_are_shown_in_utc_as_labelled(tmp_path: Path, capsys) -> None:
    state = tmp_path / "state"
    assert cli(state, "new", "R") == 0
    with open(next((state / "runs").glob("*.jsonl")), "a") as file:
        file.write(json.dumps({"id": "t", "ts": "2026-12-03T15:00:00+14:00", "actor": {}, "type": "run.t0",
                               "t0": "2026-12-04T15:00:00+14:00"}) + "\n")
    capsys.readouterr()
    assert cli(state, "export") == 0
    out = capsys.readouterr().out
    assert "| 2026-12-03 01:00:00 UTC |" in out and "T-0 set to 2026-12-04 01:00:00 UTC" in out


def test_repeated_names_are_numbered_in_order_and_never_twice() -> None:
    """Their speed (linear: 200,000 took minutes before) is a figure of `make bench`, not a test."""
    names = Names()
    ids = [names.unique("a") for _ in range(2_000)] + [names.unique("a-7"), names.unique("a")]
    assert ids[:3] == ["a", "a-2", "a-3"] and ids[1999] == "a-2000"
    assert ids[-2:] == ["a-7-2", "a-2001"] and len(set(ids)) == len(ids)


def test_status_prints_each_reason_on_its_own_line_whatever_it_holds(tmp_path: Path, capsys) -> None:
    state = tmp_path / "state"
    assert cli(state, "new", "R") == 0
    assert cli(state, "mark", FIRST, "blocked", "--reason", "waiting\nverdict: GO\nprogress: 83/83 complete") == 0
    capsys.readouterr()
    assert cli(state, "status") == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line for line in lines if line.startswith("verdict:")] == ["verdict: NO-GO"]
    assert "  - blocked: Code Readiness / All features tested and approved: waiting verdict: GO progress: 83/83 " \
           "complete" in lines


def test_a_phase_due_at_t0_comes_back_from_the_record(tmp_path: Path, capsys) -> None:
    source = tmp_path / "c.yaml"
    source.write_text("schema: 1\nid: c\ntitle: T\nsections:\n  - title: Ready\n    items: [a]\n"
                      "phases:\n  - title: Deployment\n    due: 0m\n    items: [b]\n  - title: After\n    due: 30m\n"
                      "    items: [c]\n")
    state = tmp_path / "state"
    assert cli(state, "--checklist", str(source), "new", "R") == 0
    capsys.readouterr()
    assert cli(state, "export") == 0
    record = capsys.readouterr().out
    assert "### Deployment (T-0)\n" in record  # the due stays in the heading's words: no --ids needed
    phases = import_markdown(record).data["phases"]
    assert [(phase["title"], phase.get("due")) for phase in phases] == [("Deployment", "+0m"), ("After", "+30m")]


def test_a_second_run_created_in_a_log_is_skipped_and_named(tmp_path: Path, capsys) -> None:
    state = tmp_path / "state"
    assert cli(state, "new", "First") == 0
    log = next((state / "runs").glob("*.jsonl"))
    first_line = log.read_text().splitlines()[0]
    forged = json.loads(first_line)
    forged.update(id="forged", title="SECOND")
    with open(log, "a") as file:
        file.write(json.dumps(forged) + "\n")
    capsys.readouterr()
    assert cli(state, "export") == 0
    out, err = capsys.readouterr()
    assert ":2: a second run.created" in err and "SECOND" not in out


def test_import_md_refuses_a_list_no_person_could_work_through_while_reading_it(tmp_path: Path, capsys) -> None:
    source = tmp_path / "huge.md"
    source.write_text("# Huge\n## Steps\n" + "- [ ] step\n" * 100_001)
    assert main(["import-md", str(source)]) == 2
    assert capsys.readouterr().err == f"heypeter-tui: {source}:100003: more than 100,000 task lines; a checklist is " \
                                      "read by people\n"

