"""The Markdown importer: every task line one item, by general rules, on the seed and real checklists."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from pathlib import Path

import jsonschema
import pytest
import yaml

from heypeter_tui.cli import main
from heypeter_tui.core import commands
from heypeter_tui.core.errors import UserError
from heypeter_tui.core.loader import load_checklist, validate_file, validate_text
from heypeter_tui.core.markdown import import_markdown, import_markdown_file, repair
from heypeter_tui.core.report import to_markdown
from tests.conftest import BUILTIN_CHECKLIST, CORPUS, GOLDEN, REPO, SEED, SHARED, check_golden

SCHEMA = json.loads((REPO / "heypeter_tui" / "checklist.schema.json").read_text())
# Counted independently of the importer: a list marker, a box, the text.
TASK = re.compile(r"^\s*(?:>\s*)*(?:[-*+]|\d+[.)])\s+\[[ xX]\]\s+(.*?)\s*$")


def corpus_files() -> list[Path]:
    return [SEED, *sorted(CORPUS.glob("*.md"))]


def imported_checklist(text: str, source: str = "t.md"):
    imported = import_markdown(text, source, "t")
    validation = validate_text(imported.to_yaml(source), "out.yaml")
    assert not validation.errors, validation.errors
    jsonschema.validate(yaml.safe_load(imported.to_yaml()), SCHEMA)
    return validation.checklist


# What each file of the corpus imports as: items, distinct item keys (ids), windows, timers, gated phases.
FIGURES = {
    "heypeter-seed.md": (83, 83, ["maintenance"], ["final-steps/monitor-for-30-minutes"], ["during-deployment"]),
    "deployment-lifecycle-checklists.md": (248, 248, [], [], ["deployment", "release-day"]),
    "netsuite-deployment-checklist.md": (36, 36, [], [], ["deployment-steps"]),
    "universal-production-checklist.md": (178, 178, [], [], []),
}


@pytest.mark.parametrize("path", corpus_files(), ids=lambda path: path.name)
def test_every_corpus_file_imports_validates_with_no_warning_and_runs(path: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "imported.yaml"
    assert main(["import-md", str(path), "-o", str(out)]) == 0
    validation = validate_file(out)
    assert not validation.errors and not validation.warnings  # every id explicit: no item takes it from its text
    checklist = validation.checklist
    assert checklist is not None
    items = [(group, item) for group in checklist.groups for item in group.items]
    figures = (len(items), len(checklist.items_by_key), sorted({item.opens for _, item in items if item.opens}),
               [group.key(item) for group, item in items if item.timer], [g.id for g in checklist.phases if g.gated])
    print(f"{path.name}: {figures[0]} items, {figures[1]} ids, windows {figures[2]}, timers {figures[3]}, "
          f"gated {figures[4]}")
    assert figures == FIGURES[path.name]
    state = tmp_path / "state"
    assert main(["--state-dir", str(state), "new", "Drill", "--checklist", str(out)]) == 0
    capsys.readouterr()
    assert main(["--state-dir", str(state), "export", "--format", "json"]) == 0
    record = json.loads(capsys.readouterr().out)
    items_in_record = sum(len(group["items"]) for group in record["sections"] + record["phases"])
    assert items_in_record == sum(1 for line in path.read_text(encoding="utf-8").splitlines() if TASK.match(line))


@pytest.mark.parametrize("path", corpus_files(), ids=lambda path: path.name)
def test_every_task_line_is_exactly_one_item_word_for_word(path: Path) -> None:
    expected = [m.group(1) for line in path.read_text(encoding="utf-8").splitlines() if (m := TASK.match(line))]
    imported = import_markdown_file(path)
    checklist = validate_text(imported.to_yaml(path.name), "out.yaml").checklist
    assert checklist is not None
    items = [item.text for group in checklist.groups for item in group.items]
    assert Counter(items) == Counter(expected)  # none lost, none invented, each as the file has it
    assert imported.task_lines == len(expected) > 0
    for group in checklist.groups:  # within a group, the file's order: a subsequence of the file
        remaining = iter(expected)
        assert all(any(item.text == text for text in remaining) for item in group.items), group.title
    jsonschema.validate(yaml.safe_load(imported.to_yaml()), SCHEMA)


@pytest.mark.parametrize("path", corpus_files(), ids=lambda path: path.name)
def test_each_import_is_the_checklist_on_file_word_for_word(path: Path) -> None:
    """The whole imported checklist (groups, ids, offsets, flags, roles, contacts) as reviewed into
    tests/data/golden/import; after a deliberate change, UPDATE_GOLDEN=1 rewrites them."""
    check_golden(f"import/{path.stem}.yaml", import_markdown_file(path).to_yaml(path.name))


def test_a_whole_record_imports_back_word_for_word() -> None:
    """The golden record written with --ids (tests/unit/test_record_golden.py) back into a checklist: attribute
    comments, escapes, T offsets, gated phases, sign-off and contact tables; its summary, a note's lines and the
    timeline left out."""
    check_golden("import/record.yaml", import_markdown_file(GOLDEN / "record-ids.md").to_yaml("record.md"))


def test_every_rule_of_the_importer_word_for_word() -> None:
    """tests/data/golden/features.md holds one case of each rule: values YAML would misread, ids made
    unique, attributes, an empty group, a gated section, offsets in days, minutes and T-0, a sign-off table
    repeating a role in other case, a contacts table whose Role column is not the first, placeholders."""
    # -plain: no title first, fences, nesting; -edges: no title at all, offsets in seconds, short table rows;
    # -more: setext headings, T+0, seven digits of hours, `mins`, a bold group, quoted tasks, a line past 80
    for name in ("features", "features-plain", "features-edges", "features-more"):
        imported = import_markdown_file(GOLDEN / f"{name}.md")
        assert not validate_text(imported.to_yaml(), f"{name}.yaml").errors
        check_golden(f"import/{name}.yaml", imported.to_yaml(f"{name}.md"))


def test_the_corpus_is_all_there_and_unchanged() -> None:
    """Each copy holds the bytes its digest in tests/data/SOURCES.md names; beside a checkout, so does ../shared."""
    digests = dict(re.findall(r"\| `([^`]+)` \|[^|]*\| `([0-9a-f]{64})` \|", (SEED.parent / "SOURCES.md").read_text()))
    assert set(digests) == {"heypeter-seed.md", "corpus/netsuite-deployment-checklist.md",
                            "corpus/universal-production-checklist.md", "corpus/deployment-lifecycle-checklists.md"}
    shared = {"heypeter-seed.md": SHARED / "seeds" / "000_3edb5223885490ee.txt"}
    for name, digest in digests.items():
        assert hashlib.sha256((SEED.parent / name).read_bytes()).hexdigest() == digest, name
        original = shared.get(name, SHARED / name)
        if original.exists():
            assert hashlib.sha256(original.read_bytes()).hexdigest() == digest, f"{original} changed: copy it again"
    assert [path.name for path in corpus_files()][1:] == sorted(Path(name).name for name in digests if "/" in name)


def test_the_seed_imports_as_the_builtin_checklist_does() -> None:
    checklist = validate_text(import_markdown_file(SEED).to_yaml(), "s.yaml").checklist
    builtin = load_checklist(BUILTIN_CHECKLIST)
    assert [s.title for s in checklist.sections][1:] == [s.title for s in builtin.sections][1:]
    assert checklist.sections[0].title == "Code Readiness ✓"  # repaired, never carried as âœ“
    assert [(p.title, p.due) for p in checklist.phases] == [(p.title, p.due) for p in builtin.phases]
    assert checklist.signoffs == builtin.signoffs
    assert [c.role for c in checklist.contacts] == [c.role for c in builtin.contacts]
    assert all(not c.name and not c.phone for c in checklist.contacts)  # [Name] placeholders are not names


def test_bold_groups_time_offsets_and_phases() -> None:
    checklist = imported_checklist(
        "# Release\n\n---\n\n## Pre-Deployment Checklist\n\n**Code Quality** (T-24 hours):\n- [ ] Tests pass\n\n"
        "**Staging Verification** (T-12 hours):\n- [ ] Deployed to staging\n\n---\n\n## Deployment Day Checklist\n\n"
        "**T-15 minutes**:\n- [ ] Verify staging green\n\n**T-0 (Deployment)**:\n- [ ] Start deployment\n\n"
        "**T+30 minutes**:\n- [ ] Error rate stable\n- [ ] Links to issue (#123)\n- [ ] Title: `feat: x`\n\n"
        "**Remember**: this line is prose, not a group.\n"
    )
    assert [(s.title, s.due) for s in checklist.sections] == [
        ("Code Quality", -86400),
        ("Staging Verification", -43200),
    ]
    assert [(p.title, p.due) for p in checklist.phases] == [
        ("T-15 minutes", -900), ("Deployment", 0), ("T+30 minutes", 1800)
    ]
    assert [i.text for i in checklist.phases[2].items] == [
        "Error rate stable",
        "Links to issue (#123)",
        "Title: `feat: x`",
    ]


def test_markers_nesting_checked_quotes_setext_numbers_and_emoji() -> None:
    checklist = imported_checklist(
        "Team checklist\n==============\n\nPreparation\n-----------\n\n"
        "- [ ] dash\n* [x] star, checked\n+ [ ] plus\n  - [ ] nested\n    1. [X] ordered, nested deeper\n"
        "> - [ ] quoted\n\nA paragraph.\n\n- not a task\n- [ ]not a task either\n\n"
        "## 2. 🚀 Launch prep\n- [ ] ship it 🚀\n- [ ] ship it 🚀\n"
    )
    assert checklist.title == "Team checklist"
    assert [g.title for g in checklist.groups] == ["Preparation", "🚀 Launch prep"]
    assert [i.text for i in checklist.sections[0].items] == [
        "dash", "star, checked", "plus", "nested", "ordered, nested deeper", "quoted"
    ]
    assert [i.id for i in checklist.sections[1].items] == ["ship-it", "ship-it-2"]  # unique, derived


def test_mojibake_is_repaired_and_good_text_left_alone() -> None:
    assert repair("Code Readiness âœ“") == "Code Readiness ✓"
    assert repair("cafÃ© â€” naÃ¯ve") == "café — naïve"
    assert repair("café — naïve ✓ 🚀 Ünïcödé") == "café — naïve ✓ 🚀 Ünïcödé"


def test_sign_off_tables_and_contact_lists_with_real_values() -> None:
    checklist = imported_checklist(
        "# C\n## Steps\n- [ ] one\n\n## Approvals\n\n| Role | Name | Signature |\n|---|---|---|\n"
        "| **Change Manager** | | |\n| CAB chair | | |\n\n## Emergency Contacts\n\n"
        "- DBA: Ana Ruiz - +1 555 0100 - ana@example.com\n- Network: [Name] - [Phone] - [Email]\n"
    )
    assert checklist.signoffs == ("Change Manager", "CAB chair")
    assert [(c.role, c.name, c.phone, c.email) for c in checklist.contacts] == [
        ("DBA", "Ana Ruiz", "+1 555 0100", "ana@example.com"), ("Network", "", "", "")
    ]


def test_a_list_of_deployment_steps_only_still_has_sections() -> None:
    checklist = imported_checklist("# Go-live\n## Deployment Day\n### Cutover\n- [ ] flip DNS\n")
    assert [s.title for s in checklist.sections] == ["Cutover"] and checklist.phases == ()


def test_nothing_to_import_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="no task lines"):
        import_markdown("# Just prose\n\n- a list\n", "p.md")
    binary = tmp_path / "b.md"
    binary.write_bytes(b"- [ ] a\n\x00\x01")
    with pytest.raises(UserError, match=r"b.md:2:1: a binary file"):
        import_markdown_file(binary)
    latin = tmp_path / "l.md"
    latin.write_bytes(b"- [ ] caf\xe9\n")
    with pytest.raises(UserError, match=r"l.md:1:1: not UTF-8"):
        import_markdown_file(latin)


def test_a_run_record_imports_back_to_its_checklist(context, clock) -> None:
    session = context.current_session()
    first = "code-readiness/all-features-tested-and-approved"
    session.record(commands.toggle_done(session.state, first))
    session.record(commands.add_note(session.state, first, "- [ ] this note looks like a task\nbut is a note"))
    session.record(
        commands.set_status(
            session.state, "infrastructure-setup/load-balancer-configured-if-applicable", "na", "one node"
        )
    )
    session.record(commands.set_status(session.state, "testing/load-testing-completed", "blocked", "env down"))
    session.record(commands.toggle_done(session.state, "during-deployment/deploy-application-code", override="CTO ok"))
    session.record(commands.sign(session.state, "Tech Lead", "Dana"))
    record = to_markdown(session.state, ids=True)  # the ids and flags travel in its comments
    back = validate_text(import_markdown(record, "record.md").to_yaml(), "back.yaml")
    assert not back.errors
    assert back.checklist == session.state.checklist


def record_markdown(state, ids: bool) -> str:
    """The record as `export` writes it, with or without its `<!-- id: … -->` comments (which the record is to
    write only when asked, `--ids`): both forms must import back to the checklist's structure."""
    record = to_markdown(state, ids=ids)
    assert ("<!-- id:" in record) == ids
    return record


def structure(checklist) -> list[tuple]:
    """What a record without comments still says: each group's kind, title and due, each item's text."""
    return [(group.kind, group.title, group.due, [item.text for item in group.items]) for group in checklist.groups]


@pytest.mark.parametrize("source", [BUILTIN_CHECKLIST, *corpus_files()], ids=lambda path: path.name)
def test_a_record_imports_back_to_its_checklist_with_and_without_id_comments(source: Path, tmp_path: Path,
                                                                            context) -> None:
    if source.suffix == ".md":
        (tmp_path / "c.yaml").write_text(import_markdown_file(source).to_yaml(), encoding="utf-8")
        source = tmp_path / "c.yaml"
    session = context.current_session(str(source))
    checklist = session.state.checklist
    with_ids = record_markdown(session.state, ids=True)
    assert "<!-- id: " in with_ids
    assert validate_text(import_markdown(with_ids, "r.md").to_yaml(), "r.yaml").checklist == checklist
    without = record_markdown(session.state, ids=False)
    assert "<!--" not in without
    back = validate_text(import_markdown(without, "r.md").to_yaml(), "r.yaml").checklist
    assert structure(back) == structure(checklist)
    # Optional is said only by a comment; the rest of the safeguards are inferred again from the same text.
    assert [(g.id, g.gated, [(i.id, i.opens, i.closes, i.timer) for i in g.items]) for g in back.groups] == [
        (g.id, g.gated, [(i.id, i.opens, i.closes, i.timer) for i in g.items]) for g in checklist.groups]
    assert [i.text for g in back.groups for i in g.items if i.optional] == []
