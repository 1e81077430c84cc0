"""Two checklist files of one id (issue 25, case 6): `checklists` says so, naming both, and `--checklist ID`
refuses to guess between them (exit 2, naming both, no run made); a path still names one file. The real CLI, files
in the user's own checklists folder, among them a record exported with --ids and imported back beside its original."""

from __future__ import annotations

from pathlib import Path

from heypeter_tui.cli import main
from tests.unit.test_record_safeguards import exported

CHECKLIST = "schema: 1\nid: {id}\ntitle: {title}\nsections:\n  - id: a\n    title: A\n    items:\n" \
            "      - id: b\n        text: B\n"


def folder(private_home: Path) -> Path:
    path = private_home / "config" / "heypeter-tui" / "checklists"
    path.mkdir(parents=True, exist_ok=True)
    return path


def cli(capsys, state: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--state-dir", str(state), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_record_imported_beside_its_checklist_shares_its_id_and_a_run_of_that_id_is_never_a_guess(
        capsys, tmp_path: Path, private_home: Path) -> None:
    original, record = exported(capsys, tmp_path)
    mine = folder(private_home)
    (mine / "guarded.yaml").write_text(original.read_text())
    assert main(["import-md", str(record), "-o", str(mine / "guarded-from-record.yaml")]) == 0
    capsys.readouterr()
    both = f"{mine / 'guarded-from-record.yaml'}, {mine / 'guarded.yaml'}"  # in the folder's order
    state = tmp_path / "fresh"
    code, out, err = cli(capsys, state, "checklists")
    assert code == 0 and out.count("guarded\t") == 2  # both listed, as before
    assert f"warning: 2 files share checklist id 'guarded': {both}" in err
    code, out, err = cli(capsys, state, "new", "Drill", "--checklist", "guarded")
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err
    assert f"checklist 'guarded' names 2 files: {mine / 'guarded.yaml'}, {mine / 'guarded-from-record.yaml'};" in err
    assert not (state / "runs").exists() or not list((state / "runs").iterdir())  # nothing half-made
    code, out, err = cli(capsys, state, "new", "Drill", "--checklist", str(mine / "guarded-from-record.yaml"))
    assert code == 0  # a path names one file


def test_a_file_name_that_is_another_files_id_is_refused_too(capsys, tmp_path: Path, private_home: Path) -> None:
    mine = folder(private_home)
    (mine / "release.yaml").write_text(CHECKLIST.format(id="release-v1", title="Old"))
    (mine / "other.yaml").write_text(CHECKLIST.format(id="release", title="New"))
    code, _, err = cli(capsys, tmp_path / "s", "new", "Drill", "--checklist", "release")
    assert code == 2 and f"{mine / 'release.yaml'}, {mine / 'other.yaml'}" in err
    code, _, err = cli(capsys, tmp_path / "s", "checklists")
    assert code == 0 and "share" not in err  # two ids, no id shared
    assert cli(capsys, tmp_path / "s", "new", "Drill", "--checklist", "release-v1")[0] == 0  # one file: no guess
