"""`validate`, `import-md` and `schema` as a person uses them: one clear line per problem, exit 2, nothing run."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from heypeter_tui.cli import main
from tests.conftest import BUILTIN_CHECKLIST, CORPUS


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "heypeter_tui", *args], capture_output=True, text=True, timeout=60)


HOSTILE_FILES = {
    "deep.yaml": "schema: 1\nid: x\ntitle: T\nsections: " + "[" * 100_000 + "]" * 100_000 + "\n",
    "deep-map.yaml": "".join("  " * i + f"k{i}:\n" for i in range(1500)),
    "big.yaml": "schema: 1\n" + "# padding\n" * 600_000,
    "tag.yaml": "schema: 1\nid: x\ntitle: !!python/object/apply:os.system ['touch PWNED']\nsections: []\n",
    "empty.yaml": "",
    "list.yaml": "- a\n- b\n",
    "binary.yaml": "schema: 1\n\x00\x01\x02",
}


@pytest.mark.parametrize("name", sorted(HOSTILE_FILES))
def test_hostile_files_are_refused_with_exit_2_and_no_traceback(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text(HOSTILE_FILES[name])
    result = subprocess.run(
        [sys.executable, "-m", "heypeter_tui", "validate", str(path)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: {path}") and "Traceback" not in result.stderr
    assert not (tmp_path / "PWNED").exists()


def test_non_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"schema: 1\nid: x\ntitle: caf\xe9\n")
    result = run_cli("validate", str(path))
    assert result.returncode == 2 and f"{path}:3:1: not UTF-8 text (byte 0xe9)" in result.stderr


def test_all_errors_at_once_up_to_twenty(tmp_path: Path) -> None:
    path = tmp_path / "many.yaml"
    items = "".join(f"      - {{id: 'bad id {n}', text: x{n}}}\n" for n in range(30))
    path.write_text(f"schema: 1\nid: x\ntitle: T\nsections:\n  - title: S\n    items:\n{items}")
    result = run_cli("validate", str(path))
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert result.returncode == 2 and len(errors) == 20
    assert errors[0].startswith(f"error: {path}:7:") and "may hold only letters, digits" in errors[0]


def test_the_dashboard_and_new_refuse_a_bad_checklist_the_same_way(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("schema: 1\nid: x\ntitle: T\nsections:\n  - title: S\n    itms: [a]\n")
    state = tmp_path / "state"
    for args in (["--checklist", str(path)], ["new", "R", "--checklist", str(path)]):
        result = run_cli("--state-dir", str(state), *args)
        assert result.returncode == 2
        assert result.stderr.startswith(
            f"heypeter-tui: {path}:6:5: section 'S': unknown key 'itms'; did you mean 'items'?"
        )
    assert not (state / "runs").exists() or not any((state / "runs").iterdir())


def test_import_md_writes_yaml_that_validates(tmp_path: Path, capsys) -> None:
    source = CORPUS / "netsuite-deployment-checklist.md"
    out = tmp_path / "imported.yaml"
    assert main(["import-md", str(source), "-o", str(out)]) == 0
    assert "task lines ->" in capsys.readouterr().err
    assert main(["validate", str(out)]) == 0
    assert main(["--state-dir", str(tmp_path / "s"), "--checklist", str(out), "new", "R"]) == 0
    assert main(["--state-dir", str(tmp_path / "s"), "--checklist", str(out), "status"]) == 0


def test_user_checklists_are_listed_and_chosen_by_id(tmp_path: Path, capsys, monkeypatch) -> None:
    config = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    own = config / "heypeter-tui" / "checklists"
    own.mkdir(parents=True)
    (own / "team.yaml").write_text(
        "schema: 1\nid: team-release\ntitle: Team release\nsections:\n  - title: S\n    items: [a]\n"
    )
    (own / "broken.yaml").write_text("schema: 1\n")
    assert main(["checklists"]) == 0
    listing = capsys.readouterr().out
    assert "team-release\tTeam release (1 item)" in listing and "broken\t(invalid: " in listing
    assert main(["--state-dir", str(tmp_path / "s"), "new", "R", "--checklist", "team-release"]) == 0
    assert main(["--state-dir", str(tmp_path / "s"), "status", "--json"]) == 0
    assert json.loads(capsys.readouterr().out.split("\n", 1)[1])["checklist"] == "team-release"


def test_schema_is_printed_and_agrees_with_the_loader(capsys) -> None:
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    jsonschema.Draft202012Validator.check_schema(schema)
    builtin = yaml.safe_load(BUILTIN_CHECKLIST.read_text())
    jsonschema.validate(builtin, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**builtin, "titel": "typo"}, schema)
