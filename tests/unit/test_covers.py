"""Sign-offs that mean something (issue 25, case 4): `covers:` on a sign-off role names the sections and phases it
vouches for (ids or titles, resolved to ids at load); only a change there makes its sign-off stale. A role without
`covers:` vouches for all readiness, as always. Real files, the real command line."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from heypeter_tui.cli import main
from heypeter_tui.core.checklist import checklist_from_dict
from heypeter_tui.core.loader import validate_text
from tests.unit.test_check_checklists import SCHEMA

COVERED = """\
schema: 1
id: covered
title: Covered release
sections:
  - id: code-readiness
    title: Code Readiness
    items:
      - id: tested
        text: All features tested
  - id: documentation
    title: Documentation
    items:
      - id: docs
        text: Release notes written
phases:
  - id: post
    title: Post-Deployment
    items:
      - id: watch
        text: Watch the error rates
signoffs:
  - role: Tech Lead
    covers: [code readiness]          # by its title, in any case
  - role: Operations Manager
    covers: [documentation, post]     # by id: a section and a phase
  - QA Lead                           # no covers: all readiness, as always
"""


def cli(capsys, state: Path, *args: str) -> tuple[int, str]:
    code = main(["--state-dir", str(state), "--operator", "dana", *args])
    out, err = capsys.readouterr()
    return code, out + err


@pytest.fixture
def run(tmp_path: Path, capsys) -> Path:
    (tmp_path / "covered.yaml").write_text(COVERED)
    state = tmp_path / "state"
    assert cli(capsys, state, "new", "Release", "--checklist", str(tmp_path / "covered.yaml"))[0] == 0
    for role in ("Tech Lead", "Operations Manager", "QA Lead"):
        assert cli(capsys, state, "sign", role, "--name", f"{role} person")[0] == 0
    return state


def stale(capsys, state: Path) -> set[str]:
    code, out = cli(capsys, state, "export", "--format", "json")
    assert code == 0
    return {signoff["role"] for signoff in json.loads(out)["signoffs"] if signoff["stale"]}


def test_covers_resolves_titles_to_ids_and_travels_whole_in_the_run(tmp_path: Path) -> None:
    checklist = validate_text(COVERED, "covered.yaml").checklist
    assert checklist is not None
    assert checklist.signers_of("Tech Lead").covers == ("code-readiness",)
    assert checklist.signers_of("Operations Manager").covers == ("documentation", "post")
    assert checklist.signers_of("QA Lead") is None
    assert [group.id for group in checklist.covered_groups("QA Lead")] == ["code-readiness", "documentation"]
    assert checklist.covers_text("Operations Manager") == "Documentation, Post-Deployment"
    assert checklist_from_dict(checklist.to_dict()) == checklist  # what the run's first line carries
    import jsonschema

    jsonschema.validate(checklist.to_dict(), SCHEMA)
    jsonschema.validate({"schema": 1, "id": "c", "title": "C", "sections": [{"title": "S", "items": ["a"]}],
                         "signoffs": [{"role": "R", "covers": "S"}]}, SCHEMA)


@pytest.mark.parametrize(("covers", "line", "column", "said"), [
    ("[Code Readiness, Deployment]", 23, 30, "Tech Lead: covers 'Deployment', which is no section or phase"),
    ("[]", 23, 13, "Tech Lead: covers names at least one section or phase; leave it out to vouch for all readiness"),
    ("[code-readiness, Code Readiness]", 23, 30, "Tech Lead: covers 'Code Readiness' twice"),
    ("{a: b}", 23, 13, "Tech Lead: covers must be a list"),
])
def test_a_covers_that_names_nothing_is_refused_at_its_line_and_column(tmp_path: Path, capsys, covers, line, column,
                                                                       said) -> None:
    text = COVERED.replace("covers: [code readiness]          # by its title, in any case", f"covers: {covers}")
    (tmp_path / "bad.yaml").write_text(text)
    code, out = cli(capsys, tmp_path / "state", "validate", str(tmp_path / "bad.yaml"))
    assert code == 2
    assert f"bad.yaml:{line}:{column}: {said}" in out


def test_a_title_two_groups_share_must_be_named_by_id(tmp_path: Path) -> None:
    text = COVERED.replace("    title: Documentation", "    title: Code readiness")
    found = validate_text(text, "twice.yaml")
    assert found.checklist is None
    assert [str(e) for e in found.errors] == ["twice.yaml:23:14: Tech Lead: covers 'code readiness' names 2 groups "
                                              "by title; give the id (code-readiness, documentation)"]


def test_a_run_whose_first_line_covers_a_group_it_lacks_is_not_readable() -> None:
    data = validate_text(COVERED, "c.yaml").checklist.to_dict()
    data["signoffs"][0]["covers"] = ["nowhere"]
    with pytest.raises(ValueError, match="'Tech Lead' covers 'nowhere', which is no section or phase"):
        checklist_from_dict(data)


def test_only_a_change_in_what_a_role_covers_makes_its_sign_off_stale(run: Path, capsys) -> None:
    assert stale(capsys, run) == set()
    assert cli(capsys, run, "mark", "documentation/docs", "done")[0] == 0  # Documentation: not the Tech Lead's
    assert stale(capsys, run) == {"Operations Manager", "QA Lead"}
    assert cli(capsys, run, "sign", "Operations Manager", "--name", "Olga")[0] == 0
    assert cli(capsys, run, "sign", "QA Lead", "--name", "Quinn")[0] == 0
    code, out = cli(capsys, run, "mark", "post/watch", "done")  # a phase: only the role that covers it
    assert code == 0 and "this made 1 sign-off stale (Operations Manager)" in out
    assert stale(capsys, run) == {"Operations Manager"}
    code, out = cli(capsys, run, "status")
    assert "stale: Operations Manager signed before the latest change to Documentation, Post-Deployment" in out
    assert cli(capsys, run, "mark", "post/watch", "pending")[0] == 0  # put back: fresh again
    assert stale(capsys, run) == set()
    assert cli(capsys, run, "mark", "code-readiness/tested", "done")[0] == 0
    assert stale(capsys, run) == {"Tech Lead", "QA Lead"}


def test_the_record_says_what_each_role_covers_and_since_what_it_is_stale(run: Path, capsys) -> None:
    assert cli(capsys, run, "mark", "post/watch", "done")[0] == 0
    code, record = cli(capsys, run, "export")
    assert code == 0
    assert "| Role | Covers | Name | Signature | Signed | State |" in record
    assert "| Tech Lead | Code Readiness | Tech Lead person | Tech Lead person |" in record
    assert "| QA Lead | all readiness | QA Lead person |" in record
    row = next(line for line in record.splitlines() if line.startswith("| Operations Manager |"))
    assert row.startswith("| Operations Manager | Documentation, Post-Deployment | Operations Manager person |")
    assert row.endswith("| stale: signed before the latest change to Documentation, Post-Deployment; 2 covered "
                        "items open when signed |")
    assert re.search(r"^- Stale sign-off: Operations Manager by Operations Manager person, [\d: -]+ UTC, "
                     "Documentation, Post-Deployment changed since: Watch the error rates: done, ", record, re.M)
    code, out = cli(capsys, run, "export", "--format", "json")
    covers = {signoff["role"]: signoff["covers"] for signoff in json.loads(out)["signoffs"]}
    assert covers == {"Tech Lead": ["code-readiness"], "Operations Manager": ["documentation", "post"],
                      "QA Lead": ["code-readiness", "documentation"]}
