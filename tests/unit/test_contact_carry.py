"""A new run takes the contacts filled in the run before only where its own checklist has their role (in any
case, spelt as the new checklist spells it); `new` says on stderr which came and which were left behind."""

from __future__ import annotations

from pathlib import Path

import pytest

from heypeter_tui.cli import main
from heypeter_tui.core import commands
from heypeter_tui.core.workspace import carry_contacts

BUILTIN_ROLES = ["Tech Lead", "DevOps", "Database Admin", "Security", "Product Manager"]
TEAM = """schema: 1
id: team
title: Team release
sections:
  - title: Prep
    items: [a]
contacts:
  - role: devops
  - role: Tech Lead
  - role: On-call
"""


def contact(role: str, name: str = "x") -> dict[str, str]:
    return {"role": role, "name": name, "phone": "", "email": ""}


def test_the_same_checklist_takes_every_contact() -> None:
    filled = [contact(role) for role in BUILTIN_ROLES]
    assert carry_contacts(filled, BUILTIN_ROLES) == (filled, [])


def test_another_checklist_takes_only_the_roles_it_has() -> None:
    filled = [contact("Tech Lead", "Ada"), contact("Security", "Sam"), contact("Database Admin", "Dee")]
    carried, left = carry_contacts(filled, ["Tech Lead", "On-call"])
    assert carried == [contact("Tech Lead", "Ada")]
    assert left == ["Security", "Database Admin"]


def test_roles_match_in_any_case_and_take_the_new_checklists_spelling() -> None:
    carried, left = carry_contacts([contact("DevOps", "Bob"), contact("TECH LEAD", "Ada")], ["devops", "Tech Lead"])
    assert carried == [contact("devops", "Bob"), contact("Tech Lead", "Ada")]
    assert left == []


@pytest.fixture
def team_checklist(tmp_path: Path) -> Path:
    path = tmp_path / "team.yaml"
    path.write_text(TEAM)
    return path


@pytest.fixture
def filled_run(context) -> str:
    """The current run of the built-in checklist, with four of its five contacts filled in."""
    session = context.current_session()
    for role, name in (("Tech Lead", "Ada"), ("DevOps", "Bob"), ("Security", "Sam"), ("Database Admin", "Dee")):
        session.record(commands.set_contact(session.state, role, name, "+1 555 0100", ""))
    return session.state.run_id


def test_a_new_run_of_the_same_checklist_carries_every_filled_contact(context, filled_run) -> None:
    made = context.new_run("Next release", None)
    state = context.session(made.run_id).state
    assert {role: c.name for role, c in state.contacts.items() if c.name} == {
        "Tech Lead": "Ada", "DevOps": "Bob", "Security": "Sam", "Database Admin": "Dee",
    }
    assert made.carry_note() == f"carried 4 contacts from {filled_run}"


def test_a_new_run_of_another_checklist_carries_only_its_roles(context, filled_run, team_checklist) -> None:
    made = context.new_run("Team drill", str(team_checklist))
    state = context.session(made.run_id).state
    assert list(state.contacts) == ["devops", "Tech Lead", "On-call"]  # no row for a role it does not have
    assert (state.contacts["devops"].name, state.contacts["Tech Lead"].name) == ("Bob", "Ada")
    assert made.carry_note() == (
        f"carried 2 contacts from {filled_run}; not carried (not in this checklist): Database Admin, Security"
    )


def test_nothing_to_carry_says_nothing(context) -> None:
    context.current_session()  # a run with no contact filled in
    assert context.new_run("Next", None).carry_note() == ""


def test_cli_new_says_on_stderr_what_was_carried_and_left(context, filled_run, team_checklist, capsys) -> None:
    state_dir = str(context.workspace.state_dir)
    assert main(["--state-dir", state_dir, "new", "Team drill", "--checklist", str(team_checklist)]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("created run ") and out.count("\n") == 1  # stdout: the one line a script reads
    left = "not carried (not in this checklist): Database Admin, Security"
    assert err == f"carried 2 contacts from {filled_run}; {left}\n"
    current = context.workspace.current_id()
    assert main(["--state-dir", state_dir, "new", "Team drill 2", "--checklist", str(team_checklist)]) == 0
    assert capsys.readouterr().err == f"carried 2 contacts from {current}\n"
