"""A record exported with `--ids` imports back with its safeguards, or under a new id (issue 25, case 6).

The keys that may sign and those revoked (on the title's comment), each role's principals and require_signature (in
its cell's comment), owners and flags (on each line) travel in the record; the title's digest says which checklist
they must give back. A record that cannot give it back whole (written before the safeguards travelled, or edited)
imports under a new id, never the checklist's own id with weaker safeguards. Real `ssh-keygen`, the real CLI.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

from heypeter_tui.cli import main
from heypeter_tui.core.loader import load_checklist
from heypeter_tui.core.markdown import import_markdown
from tests.unit.test_signed_signoffs import keygen

CHECKLIST = """\
schema: 1
id: guarded
title: Guarded release
sections:
  - id: ready
    title: Ready
    owner: "QA; Ops | Night <shift>"
    items:
      - id: tested
        text: Tested
        owner: Dana, 50% on call
phases:
  - id: deploy
    title: Deploy
    due: +0m
    gated: true
    items:
      - id: ship
        text: Ship it
signoffs:
  - QA Lead
  - role: Security Officer
    principals: [sec@heypeter.example, "*@ops.heypeter.example"]
    require_signature: true
  - role: Release | Manager
    principals: [rm@heypeter.example]
"""


def keyed_checklist(tmp_path: Path) -> Path:
    """The checklist with a real key among its allowed signers (options, a comment with `;` and `-->`) and another
    key revoked."""
    sec = keygen(tmp_path / "sec", "sec").with_suffix(".pub").read_text().split()
    gone = keygen(tmp_path / "gone", "gone").with_suffix(".pub").read_text().split()
    signer = f'sec@heypeter.example,*@ops.heypeter.example namespaces="file" {sec[0]} {sec[1]} sec; laptop -->'
    path = tmp_path / "guarded.yaml"
    path.write_text(CHECKLIST + "allowed_signers:\n" + f"  - {json.dumps(signer)}\n"
                    + "revoked_keys:\n" + f"  - {json.dumps(f'{gone[0]} {gone[1]}')}\n")
    return path


def exported(capsys, tmp_path: Path) -> tuple[Path, Path]:
    """A run of the keyed checklist, its record written with --ids."""
    checklist, state, record = keyed_checklist(tmp_path), tmp_path / "state", tmp_path / "record.md"
    assert main(["--state-dir", str(state), "new", "Drill", "--checklist", str(checklist)]) == 0
    assert main(["--state-dir", str(state), "--operator", "qa", "mark", "ready/tested", "done"]) == 0
    assert main(["--state-dir", str(state), "export", "--ids", "-o", str(record)]) == 0
    capsys.readouterr()
    return checklist, record


def imported(capsys, tmp_path: Path, record: Path, name: str = "back.yaml") -> tuple[Path, str]:
    out = tmp_path / name
    assert main(["import-md", str(record), "-o", str(out)]) == 0
    return out, capsys.readouterr().err


def test_a_record_with_ids_imports_back_with_every_safeguard_under_its_own_id(capsys, tmp_path: Path) -> None:
    checklist, record = exported(capsys, tmp_path)
    text = record.read_text()
    assert "| Security Officer <!-- principals: sec@heypeter.example \\*@ops.heypeter.example; require_signature" \
        not in text  # the comment is not escaped: it is a comment
    assert re.search(r"\| Security Officer <!-- principals: sec@heypeter\.example \*@ops\.heypeter\.example; "
                     r"require_signature --> \|", text)
    back, said = imported(capsys, tmp_path, record)
    original, again = load_checklist(checklist), load_checklist(back)
    assert again.id == "guarded"
    assert replace(again, contacts=()) == replace(original, contacts=())  # principals, keys, owners, flags: all
    assert again.signers_of("Security Officer").required and again.allowed_signers == original.allowed_signers
    assert "imported as checklist" not in said
    assert "1 task was ticked in the file; imported as open: a run starts fresh" in said


def test_a_record_from_before_the_safeguards_travelled_imports_under_a_new_id(capsys, tmp_path: Path) -> None:
    _, record = exported(capsys, tmp_path)
    old = tmp_path / "old.md"  # as records were written before: the title's id alone, no safeguards in the comments
    text = re.sub(r"# (.*?) <!-- id: guarded;[^>]*-->", r"# \1 <!-- id: guarded -->", record.read_text())
    old.write_text(re.sub(r"(\| [^|]*?) <!-- principals[^>]*-->", r"\1", text))
    back, said = imported(capsys, tmp_path, old)
    again = load_checklist(back)
    assert again.id != "guarded" and again.id.startswith("guarded-")
    assert not again.signers  # what the record could not carry is not there: so it is not `guarded`
    assert f"imported as checklist {again.id}, not guarded: the record was written before its comments" in said


def test_a_record_whose_safeguards_were_edited_out_imports_under_a_new_id(capsys, tmp_path: Path) -> None:
    _, record = exported(capsys, tmp_path)
    edited = tmp_path / "edited.md"
    edited.write_text(record.read_text().replace("; require_signature -->", " -->", 1))
    back, said = imported(capsys, tmp_path, edited)
    again = load_checklist(back)
    assert again.id.startswith("guarded-") and not again.signers_of("Security Officer").required
    assert "is not the checklist it was exported from" in said


def test_a_files_own_id_comment_is_its_word() -> None:
    """A hand-written checklist naming its id is no record: nothing to compare, its id kept."""
    data = import_markdown("# Mine <!-- id: mine -->\n\n## A\n\n- [ ] one\n").data
    assert data["id"] == "mine"
