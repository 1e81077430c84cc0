"""Contacts beyond the checklist's roles (issue 25): the incident bridge, vendor support. `contact ROLE --add` adds a
row; an unknown role without `--add` is refused (a typo never adds a stray row); the record lists it."""

from __future__ import annotations

from pathlib import Path

from tests.unit.test_signed_signoffs import cli


def test_a_contact_row_beyond_the_roles_is_added_kept_and_in_the_record(capsys, tmp_path: Path) -> None:
    state = tmp_path / "s"
    assert cli(capsys, state, "new", "Release")[0] == 0
    code, out = cli(capsys, state, "contact", "Incident bridge", "--phone", "+1 555 0100")
    assert code == 2 and out.count("\n") == 1 and "--add adds it as a row of its own" in out
    code, out = cli(capsys, state, "contact", "Incident bridge", "--add", "--name", "Zoom 4242", "--phone",
                    "+1 555 0100")
    assert code == 0 and "contact Incident bridge (added): Zoom 4242 / +1 555 0100" in out
    code, out = cli(capsys, state, "contact", "incident BRIDGE", "--email", "bridge@x.example")  # the same row
    assert code == 0 and "contact Incident bridge: Zoom 4242 / +1 555 0100 / bridge@x.example" in out
    code, out = cli(capsys, state, "contact", "DevOps", "--name", "Dana")  # a checklist role, as before
    assert code == 0 and "contact DevOps: Dana" in out
    code, record = cli(capsys, state, "export")
    assert "| Incident bridge | Zoom 4242 | +1 555 0100 | bridge@x.example |" in record
    assert "| DevOps | Dana |" in record
    code, out = cli(capsys, state, "contact", "\x1b[31mRed", "--add", "--name", "x")
    assert code == 0 and "\x1b" not in out


def test_rename_gives_the_run_a_new_title_in_status_runs_and_the_record(capsys, tmp_path: Path) -> None:
    state = tmp_path / "s"
    assert cli(capsys, state, "new", "Release 2.4")[0] == 0
    code, out = cli(capsys, state, "rename", "Release 2.4.1")
    assert code == 0 and "renamed 'Release 2.4' -> 'Release 2.4.1'" in out
    assert cli(capsys, state, "status")[1].startswith("Release 2.4.1 (")
    code, out = cli(capsys, state, "runs")
    assert "Release 2.4.1 (made as 'Release 2.4')" in out
    code, record = cli(capsys, state, "export")
    assert "- **Run:** Release 2.4.1 (" in record and "run renamed 'Release 2.4.1'" in record
    assert cli(capsys, state, "--run", "Release 2.4", "status")[0] == 0  # a reference takes the title it was made with
    code, out = cli(capsys, state, "rename", "  ")
    assert code == 2 and "cannot be empty" in out
    code, out = cli(capsys, state, "rename", "Release 2.4.1")
    assert code == 2 and "titled 'Release 2.4.1' already" in out
