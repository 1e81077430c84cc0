"""What import-md infers from the text: ids, maintenance windows, timers, gated phases; and what it must not."""

from __future__ import annotations

from pathlib import Path

import pytest

from heypeter_tui.cli import main
from heypeter_tui.core.checklist import Checklist
from heypeter_tui.core.loader import load_checklist, validate_text
from heypeter_tui.core.markdown import Imported, import_markdown, import_markdown_file
from heypeter_tui.core.md_infer import makes_the_change, timer_in, window_switch
from tests.conftest import BUILTIN_CHECKLIST, SEED

DAY = "# Release\n## Readiness\n- [ ] Tests green\n## Deployment Day\n"


def checklist_of(markdown: str) -> Checklist:
    validation = validate_text(import_markdown(markdown, "r.md", "r").to_yaml(), "r.yaml")
    assert not validation.errors and not validation.warnings  # every id explicit: nothing to warn about
    assert validation.checklist is not None
    return validation.checklist


def test_every_group_and_item_has_an_explicit_id_stable_and_unique() -> None:
    text = (DAY + "### Steps\n- [ ] Deploy\n- [ ] Deploy\n- [ ] deploy!\n- [ ] Named <!-- id: deploy-2 -->\n"
            "### Steps\n- [ ] Deploy\n### ✓✓\n- [ ] 🚀\n")
    first = import_markdown(text, "r.md", "r")
    assert first.to_yaml() == import_markdown(text, "r.md", "r").to_yaml()  # the same file, the same ids
    groups = first.data["sections"] + first.data.get("phases", [])
    assert [group["id"] for group in groups] == ["readiness", "steps", "steps-2", "group"]
    assert [item["id"] for item in groups[1]["items"]] == ["deploy", "deploy-3", "deploy-4", "deploy-2"]  # stated wins
    assert [item["id"] for item in groups[3]["items"]] == ["item"]
    assert all("id" in group and all("id" in item for item in group["items"]) for group in groups)
    checklist_of(text)


def test_the_seed_imports_with_the_builtin_checklists_safeguards() -> None:
    checklist = validate_text(import_markdown_file(SEED).to_yaml(), "s.yaml").checklist
    builtin = load_checklist(BUILTIN_CHECKLIST)

    def safeguards(of: Checklist) -> list[tuple]:
        return [(group.id, group.gated, [(i.id, i.opens, i.closes, i.timer) for i in group.items if
                                         i.opens or i.closes or i.timer]) for group in of.phases]

    assert safeguards(checklist) == safeguards(builtin)
    assert safeguards(builtin)[1] == ("during-deployment", True, [("enable-maintenance-mode", "maintenance", None,
                                                                   None)])


@pytest.mark.parametrize(("text", "expected"), [
    ("Enable maintenance mode", ("on", "maintenance")),
    ("Turn on maintenance mode", ("on", "maintenance")),
    ("Activate maintenance mode (status page)", ("on", "maintenance")),
    ("Put the site into maintenance mode", ("on", "maintenance")),
    ("Step 2: enable the maintenance page", ("on", "maintenance")),
    ("Maintenance mode enabled", ("on", "maintenance")),
    ("Enable read-only mode on the primary", ("on", "read-only")),
    ("Disable maintenance mode", ("off", "maintenance")),
    ("Turn off maintenance mode", ("off", "maintenance")),
    ("Deactivate maintenance mode", ("off", "maintenance")),
    ("Take the site out of maintenance mode", ("off", "maintenance")),
    ("Maintenance mode disabled", ("off", "maintenance")),
    ("Update maintenance mode docs", None),
    ("Maintenance mode docs", None),
    ("Enable maintenance mode docs", None),
    ("Document how to enable maintenance mode", None),
    ("Test that maintenance mode can be enabled", None),
    ("Verify maintenance mode enabled", None),
    ("Enable alerts before maintenance mode", None),
    ("Enable debug mode", None),
])
def test_which_items_switch_a_window(text: str, expected: tuple[str, str] | None) -> None:
    assert window_switch(text) == expected


def test_a_window_opens_at_its_switch_on_and_closes_at_the_later_switch_off() -> None:
    checklist = checklist_of(
        DAY + "### Before (T-1h)\n- [ ] Disable maintenance mode\n- [ ] Update maintenance mode docs\n"
        "### During Deployment\n- [ ] Enable maintenance mode\n- [ ] Deploy\n- [ ] Enable read-only mode\n"
        "### After (T+1h)\n- [ ] Turn off maintenance mode\n- [ ] Turn on maintenance mode\n"
        "- [ ] Maintenance mode off\n")
    switches = [(i.text, i.opens, i.closes) for group in checklist.phases for i in group.items if i.opens or i.closes]
    assert switches == [  # a close before any open, and an open never closed (read-only), are no window
        ("Enable maintenance mode", "maintenance", None), ("Turn off maintenance mode", None, "maintenance"),
        ("Turn on maintenance mode", "maintenance-2", None), ("Maintenance mode off", None, "maintenance-2")]


def test_a_stated_window_is_kept_and_an_inferred_one_takes_another_name() -> None:
    checklist = checklist_of(DAY + "### Cutover\n- [ ] Drain <!-- opens: maintenance -->\n- [ ] Undrain <!-- closes: "
                             "maintenance -->\n- [ ] Enable maintenance mode\n- [ ] Disable maintenance mode\n")
    assert [(i.opens, i.closes) for i in checklist.phases[0].items] == [
        ("maintenance", None), (None, "maintenance"), ("maintenance-2", None), (None, "maintenance-2")]


@pytest.mark.parametrize(("text", "seconds"), [
    ("Monitor for 30 minutes", 1800),
    ("Monitor error rates for 30 min", 1800),
    ("Watch the dashboards for 1 hour after cutover", 3600),
    ("Observe for 90 seconds", 90),
    ("Soak for 1.5 hours", 5400),
    ("Wait 15 minutes", 900),
    ("Wait for 5 mins before the next step", 300),
    ("Monitor for 30m", 1800),
    ("Monitor for 2 days", None),  # a follow-up, not a timer to watch
    ("Keep backup for 7 days", None),
    ("Keep the old build for 30 minutes", None),
    ("Schedule post-mortem (within 24 hours)", None),
    ("Communicate every 15 minutes", None),
    ("Update status page (within 5 min)", None),
    ("Error rate > 1% (5 min)", None),
    ("Wait for health checks", None),
    ("Monitor deployment logs", None),
    ("Wait for 0 minutes", None),
])
def test_which_items_run_a_timer(text: str, seconds: int | None) -> None:
    assert timer_in(text) == seconds


def test_a_timer_is_written_on_its_item_and_a_stated_one_wins() -> None:
    checklist = checklist_of(DAY + "### After (T+5m)\n- [ ] Monitor for 30 minutes\n- [ ] Watch for 2 hours "
                             "<!-- timer: 10m -->\n- [ ] Wait 15 minutes <!-- id: wait -->\n")
    assert [i.timer for i in checklist.phases[0].items] == [1800, 600, None]  # an id comment states it all


@pytest.mark.parametrize(("title", "due", "gated"), [
    ("During Deployment", None, True), ("Deployment Steps", None, True), ("Cutover", None, True),
    ("Database Migration", None, True), ("Rollout", None, True), ("Go-Live", None, True),
    ("Release Day", 0, True), ("Anything at all", 0, True),
    ("Pre-Deployment", -7200, False), ("Post-Deployment Validation", None, False), ("Final Steps", None, False),
    ("Verification", None, False), ("Monitoring", None, False), ("T-15 minutes", -900, False),
    ("T+5 minutes", 300, False), ("Rollback Execution", None, False), ("Smoke tests", 0, False),
    ("Deployment monitoring", None, False),
])
def test_which_phases_are_gated(title: str, due: int | None, gated: bool) -> None:
    assert makes_the_change(title, due) is gated


def test_a_record_s_readiness_part_holds_sections_whatever_their_due() -> None:
    checklist = checklist_of("# R\n## Readiness\n### Soon (T+45 seconds)\n- [ ] a\n### Way off (T-400 days)\n- [ ] b\n"
                             "## Deployment Day\n### Go (T-0)\n- [ ] c\n")
    assert [(g.kind.value, g.title, g.due) for g in checklist.groups] == [
        ("section", "Soon", 45), ("section", "Way off (T-400 days)", None), ("phase", "Go", 0)]  # past a year: no due


def test_only_phases_are_gated_and_a_stated_group_is_left_as_stated() -> None:
    checklist = checklist_of(
        "# R\n## Readiness\n### Deployment prep\n- [ ] a\n### Deploy tooling\n- [ ] b\n## Deployment Day\n"
        "### During Deployment\n- [ ] c\n### Cutover <!-- id: cutover -->\n- [ ] d\n"
        "### Watch <!-- gated -->\n- [ ] e\n")
    assert [(group.id, group.gated) for group in checklist.groups] == [
        ("deployment-prep", False), ("deploy-tooling", False),  # readiness sections: never gated
        ("during-deployment", True), ("cutover", False), ("watch", True)]


def test_optional_is_never_inferred_and_an_id_comment_infers_nothing() -> None:
    checklist = checklist_of(DAY + "### During Deployment <!-- id: during -->\n- [ ] Load balancer (if applicable)\n"
                             "- [ ] Enable maintenance mode <!-- id: on -->\n- [ ] Disable maintenance mode\n")
    assert checklist.phases[0].gated is False
    assert [(i.optional, i.opens, i.closes) for i in checklist.phases[0].items] == [
        (False, None, None), (False, None, None), (False, None, None)]  # no open left to close


def test_import_md_prints_what_it_inferred_for_review_cleaned(tmp_path: Path, capsys) -> None:
    source = tmp_path / "r\x1b[2Jx.md"
    source.write_text(
        "# Release \x1b]0;t\x07\n## Readiness\n### Code [bold]x[/bold]\n- [ ] ok\n## Deployment Day\n"
        "### During Deployment (T-0)\n- [ ] Enable maintenance mode\n- [ ] Deploy\n### After (T+30 minutes)\n"
        "- [ ] Disable maintenance mode\n- [ ] Monitor for 30 minutes\n- [ ] Soak <!-- timer: 1h -->\n"
        "## Sign-offs\n| Role |\n|---|\n| QA \u202eLead |\n## Emergency Contacts\n"
        "- **Release Manager:** Alice Chen, +1 555 0199, alice@example.com\n- DBA: [Name]\n")
    out = tmp_path / "r.yaml"
    assert main(["import-md", str(source), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert err.isprintable() or set(err) - set(err.replace("\n", "")) == {"\n"}
    assert "\x1b" not in err and "\u202e" not in err
    assert err.splitlines()[1:] == [
        "  section code-bold-x-bold: Code [bold]x[/bold] (1 items)",
        "  phase during-deployment: During Deployment (2 items, due T+0m, gated: inferred from the text)",
        "  phase after: After (3 items, due T+30m)",
        "  window maintenance: opened by during-deployment/enable-maintenance-mode, closed by "
        "after/disable-maintenance-mode (inferred from the text)",
        "  timer 30m: after/monitor-for-30-minutes (inferred from the text)",
        "  timer 1h: after/soak (stated in a comment)",
        "  sign-off roles: QA Lead",
        "  contact Release Manager: Alice Chen, +1 555 0199, alice@example.com",
        "  contact DBA: no name, phone or email",
    ]
    assert err.splitlines()[0].startswith("'") and "\\x1b" in err.splitlines()[0]  # the path, its escape visible
    assert main(["validate", str(out)]) == 0
    assert "warning" not in capsys.readouterr().err


def test_the_review_cleans_what_it_prints_whoever_built_the_data() -> None:
    """Text is cleaned as it enters, and again as the review prints it: data built elsewhere may hold anything."""
    data = {"sections": [{"id": "s", "title": "T\x1b]0;x\x07\nforged", "items": [{"id": "a", "text": "a"}]}],
            "signoffs": ["QA\u202e"], "contacts": [{"role": "DBA\x1b[2J", "name": "Ann\r\n- forged"}]}
    assert Imported(data, 1).review() == ["section s: T forged (1 items)", "sign-off roles: QA",
                                          "contact DBA: Ann - forged"]
