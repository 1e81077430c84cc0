"""`--home DIR` (and HEYPETER_TUI_HOME): a whole identity in one folder (issue 25, case 7). Config (the operator),
trust, checklists and themes in DIR/config, runs in DIR/state; two folders are two identities on one machine, each
with its own operator, trust and runs; `--state-dir` still moves the runs alone. The real CLI, real files."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from heypeter_tui.cli import main

CHECKLIST = """schema: 1
id: selfcheck
title: Self Check
sections:
  - id: ready
    title: Ready
    items:
      - id: ok
        text: Health answers
        check: "true"
"""


def identity(root: Path, operator: str) -> Path:
    """A home folder holding its own config (its operator) and its own checklist."""
    (root / "config" / "checklists").mkdir(parents=True)
    (root / "config" / "config.yaml").write_text(f"operator: {operator}\n")
    (root / "config" / "checklists" / "selfcheck.yaml").write_text(CHECKLIST)
    return root


def cli(capsys, *args: str) -> tuple[int, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out + err


def test_two_home_folders_are_two_identities_on_one_machine(capsys, tmp_path: Path, monkeypatch) -> None:
    ana, ben = identity(tmp_path / "ana", "ana"), identity(tmp_path / "ben", "ben")
    assert cli(capsys, "--home", str(ana), "new", "Ana's drill", "--checklist", "selfcheck")[0] == 0
    monkeypatch.setenv("HEYPETER_TUI_HOME", str(ben))  # the variable, as a shell profile would set it
    assert cli(capsys, "new", "Ben's drill", "--checklist", "selfcheck")[0] == 0
    assert cli(capsys, "mark", "ready/ok", "done")[0] == 0
    code, runs = cli(capsys, "runs")
    assert code == 0 and "Ben's drill" in runs and "Ana's drill" not in runs
    code, record = cli(capsys, "export", "--format", "json")
    assert json.loads(record)["events"][-1]["actor"]["operator"] == "ben"  # his config.yaml's operator
    # trust is per identity: Ben trusts his checks, Ana has trusted nothing
    assert cli(capsys, "trust", "--yes")[0] == 0
    assert list((ben / "config" / "trusted").glob("*.json")) and not (ana / "config" / "trusted").exists()
    code, said = cli(capsys, "--home", str(ana), "check", "ready/ok")
    assert code == 2 and "trust" in said
    assert cli(capsys, "check", "ready/ok")[0] == 0  # Ben's own trust
    code, runs = cli(capsys, "--home", str(ana), "runs")  # the flag wins over the variable
    assert "Ana's drill" in runs and "Ben's drill" not in runs
    code, paths = cli(capsys, "--home", str(ana), "paths")
    assert f"home\t{ana}\n" in paths and f"config\t{ana / 'config' / 'config.yaml'}\n" in paths
    assert f"state\t{ana / 'state'}\n" in paths and f"checklists\t{ana / 'config' / 'checklists'}\n" in paths
    assert stat.S_IMODE((ana / "state").stat().st_mode) == 0o700


def test_state_dir_still_moves_the_runs_alone(capsys, tmp_path: Path) -> None:
    ana = identity(tmp_path / "ana", "ana")
    elsewhere = tmp_path / "elsewhere"
    assert cli(capsys, "--home", str(ana), "--state-dir", str(elsewhere), "new", "Drill", "--checklist",
               "selfcheck")[0] == 0  # the home's checklist, found in the home's config
    code, paths = cli(capsys, "--home", str(ana), "--state-dir", str(elsewhere), "paths")
    assert f"state\t{elsewhere}\n" in paths and f"config\t{ana / 'config' / 'config.yaml'}\n" in paths
    assert list((elsewhere / "runs").glob("*.jsonl")) and not (ana / "state").exists()
