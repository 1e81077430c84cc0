"""Import keeps context (issue 25, case 6): what a heading says reaches the groups beneath it, a conditional group is
optional, struck tasks are no items, and ticked ones are said. On a runbook laid out as a new user's real one was
(tests/data/golden/features-runbook.md), and on the seed and the corpus, whose imports stay word for word."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from heypeter_tui.cli import main
from heypeter_tui.core.errors import UserError
from heypeter_tui.core.markdown import import_markdown, import_markdown_file
from tests.conftest import CORPUS, GOLDEN, SEED, check_golden

RUNBOOK = GOLDEN / "features-runbook.md"


def groups_of(path: Path) -> dict[str, tuple[str, str | None, bool]]:
    """Each group by title: its kind, its due, and whether every item is optional."""
    data = import_markdown_file(path).data
    return {group["title"]: (kind[:-1], group.get("due"), all(item.get("optional") for item in group["items"]))
            for kind in ("sections", "phases") for group in data.get(kind, [])}


def test_a_timed_part_gives_its_due_and_its_deployment_day_to_every_group_beneath_it() -> None:
    groups = groups_of(RUNBOOK)
    # `## Pre-Deployment (T-60 minutes)` heads `### Backups`: due at T-60m, a deployment-day phase
    assert groups["Backups"] == ("phase", "-1h", False)
    assert groups["Communication"] == ("phase", "-90m", False)  # its own `(T-90 minutes)` wins over the part's
    assert groups["Steps"][:2] == ("phase", "+0m")
    assert groups["Verification"][:2] == ("phase", "+30m")
    assert groups["Code"] == ("section", None, False)  # `## Readiness` keeps its sections


def test_a_group_or_a_part_marked_conditional_imports_as_optional() -> None:
    groups = groups_of(RUNBOOK)
    assert groups["Revert"] == ("phase", "+30m", True)  # beneath `### Rollback (only if needed)`
    assert groups["Announce"] == ("phase", "+30m", True)
    assert groups["Patch, if required"] == ("phase", "+2h", True)  # a bold group's own title
    assert groups["Optional extras (if applicable)"] == ("section", None, True)
    assert groups["Verification"][2] is False and groups["Backups"][2] is False  # only what the headings say


def test_struck_tasks_are_no_items_and_struck_words_no_text() -> None:
    data = import_markdown_file(RUNBOOK).data
    texts = [item["text"] for kind in ("sections", "phases") for group in data[kind] for item in group["items"]]
    assert "Run the new smoke suite" in texts  # `Run ~~the legacy~~ the new smoke suite`
    assert not any("~~" in text or "mailing list" in text for text in texts)
    with pytest.raises(UserError, match="every task is struck out; nothing to import"):
        import_markdown("# T\n\n## G\n\n- [ ] ~~gone~~\n- [x] ~~gone too~~\n")


def test_the_summary_says_what_was_struck_ticked_and_made_optional(tmp_path: Path, capsys) -> None:
    assert main(["import-md", str(RUNBOOK), "-o", str(tmp_path / "runbook.yaml")]) == 0
    said = capsys.readouterr().err
    assert "1 task struck out in the file: no item" in said
    assert "2 tasks were ticked in the file; imported as open: a run starts fresh" in said
    assert "phase revert: Revert (2 items, due T+30m, optional: its heading says it is done only if needed)" in said
    assert "phase backups: Backups (2 items, due T-1h)" in said


def test_the_imported_runbook_runs_and_its_rollback_is_never_open_as_mandatory(tmp_path: Path, capsys) -> None:
    out, state = tmp_path / "runbook.yaml", tmp_path / "state"
    assert main(["import-md", str(RUNBOOK), "-o", str(out)]) == 0
    assert main(["--state-dir", str(state), "new", "Drill", "--checklist", str(out), "--t0", "2026-12-03T12:00Z"]) == 0
    capsys.readouterr()
    assert main(["--state-dir", str(state), "export"]) == 0
    record = capsys.readouterr().out
    assert "Open on deployment day: Revert / Redeploy the previous release (optional)" in record
    assert "Open on deployment day: Backups / Database snapshot taken\n" in record
    assert "### Backups (T-1h)" in record
    assert main(["--state-dir", str(state), "export", "--format", "json"]) == 0
    phases = {phase["id"]: phase for phase in json.loads(capsys.readouterr().out)["phases"]}
    assert all(item["optional"] for item in phases["revert"]["items"])


def test_the_runbook_imports_word_for_word() -> None:
    check_golden("import/features-runbook.yaml", import_markdown_file(RUNBOOK).to_yaml(RUNBOOK.name))


@pytest.mark.parametrize("path", [SEED, *sorted(CORPUS.glob("*.md"))], ids=lambda path: path.name)
def test_the_seed_and_the_corpus_have_nothing_struck_ticked_or_conditional(path: Path) -> None:
    """Their imports stay as reviewed (tests/data/golden/import): no rule of this case changes them."""
    findings = import_markdown_file(path).findings
    assert (findings.struck, findings.ticked, findings.optional) == (0, 0, [])
