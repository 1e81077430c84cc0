"""Contacts and sign-off roles as teams write them in Markdown: each style, a case; each becomes clean fields."""

from __future__ import annotations

import pytest

from heypeter_tui.core.loader import validate_text
from heypeter_tui.core.markdown import import_markdown

ALICE = ("Release Manager", "Alice Chen", "+1 555 0199", "alice@example.com")

# (a contact line as written under `## Emergency Contacts`, the role, name, phone and email it gives)
LINES = [
    ("- **Release Manager:** Alice Chen, +1 555 0199, alice@example.com", ALICE),
    ("- **Release Manager**: Alice Chen, +1 555 0199, alice@example.com", ALICE),
    ("- *Release Manager*: Alice Chen - +1 555 0199 - alice@example.com", ALICE),
    ("- __Release Manager__: Alice Chen | +1 555 0199 | alice@example.com", ALICE),
    ("- _Release Manager:_ Alice Chen; +1 555 0199; alice@example.com", ALICE),
    ("- ***Release Manager***: Alice Chen, +1 555 0199, alice@example.com", ALICE),
    ("- **Release Manager** - Alice Chen, +1 555 0199, alice@example.com", ALICE),
    ("- Release Manager: Alice Chen (alice@example.com), +1 555 0199", ALICE),
    ("- Release Manager: Alice Chen, +1 555 0199, [alice@example.com](mailto:alice@example.com)", ALICE),
    ("- Release Manager: [Alice Chen](mailto:alice@example.com), +1 555 0199", ALICE),
    ("- Release Manager: Alice Chen <alice@example.com>, +1 555 0199", ALICE),
    ("- Release Manager: Alice Chen - [+1 555 0199](tel:+15550199) - alice@example.com", ALICE),
    ("- Release Manager: alice@example.com, +1 555 0199, Alice Chen", ALICE),
    ("- Release Manager: Name: Alice Chen, Phone: +1 555 0199, Email: alice@example.com", ALICE),
    ("- Release Manager: Alice Chen, `+1 555 0199`, alice@example.com", ("Release Manager", "Alice Chen",
                                                                        "+1 555 0199", "alice@example.com")),
    ("- DBA: Ana Ruiz - (555) 010-0199 ext. 12", ("DBA", "Ana Ruiz", "(555) 010-0199 ext. 12", "")),
    ("- Web: +44 20 7946 0000", ("Web", "", "+44 20 7946 0000", "")),
    ("- Tech Lead: [Name] - [Phone] - [Email]", ("Tech Lead", "", "", "")),
    ("- Tech Lead: TBD, ___, N/A", ("Tech Lead", "", "", "")),
    ("- Tech Lead: <name>, <phone>", ("Tech Lead", "", "", "")),
    ("- Tech Lead: [Name] [Phone] [Email]", ("Tech Lead", "", "", "")),
    ("- **On-call (weekdays: 9-5):** Ann", ("On-call (weekdays: 9-5)", "Ann", "", "")),
    ("- Facilities: Ann, rooms 2 - 3 - 4", ("Facilities", "Ann", "", "")),  # too few digits for a phone
    ("- **Tech Lead:**", ("Tech Lead", "", "", "")),
    ("- Pager: Kim: backup line", ("Pager", "Kim: backup line", "", "")),
    ("- On-call: Dee - 2", ("On-call", "Dee", "", "")),
]

NOT_CONTACTS = [
    "- see https://status.example.com for the rota",  # a URL's colon is no role's
    "- No separator here",
    "- Call these people in the order given below, and do not skip anyone on the way down: x",  # a sentence
    "- [Role]: Alice",  # a placeholder role
    "  - Nested: not a contact",
]


def contacts_of(markdown: str) -> list[tuple[str, str, str, str]]:
    imported = import_markdown("# C\n## Steps\n- [ ] one\n\n" + markdown, "c.md", "c")
    validation = validate_text(imported.to_yaml(), "c.yaml")
    assert not validation.errors and not validation.warnings
    assert validation.checklist is not None
    return [(c.role, c.name, c.phone, c.email) for c in validation.checklist.contacts]


@pytest.mark.parametrize(("line", "expected"), LINES, ids=[line for line, _ in LINES])
def test_a_contact_line_in_every_style_gives_clean_fields(line: str, expected: tuple[str, ...]) -> None:
    assert contacts_of(f"## Emergency Contacts\n\n{line}\n") == [expected]


@pytest.mark.parametrize("line", NOT_CONTACTS)
def test_lines_that_are_not_contacts(line: str) -> None:
    assert contacts_of(f"## Emergency Contacts\n\n- Ops: Ann\n{line}\n") == [("Ops", "Ann", "", "")]


def test_contact_lines_count_only_under_a_contacts_heading_and_never_as_items() -> None:
    imported = import_markdown("# C\n## Steps\n- [ ] one\n- Ops: Ann\n## Escalation\n- [ ] Page: the DBA\n",
                               "c.md", "c")
    assert "contacts" not in imported.data  # `Ops: Ann` under Steps is prose; a task under Escalation is an item
    assert [item["text"] for item in imported.data["sections"][1]["items"]] == ["Page: the DBA"]


def test_contact_lines_in_a_paragraph_one_a_line() -> None:
    assert contacts_of("## On-call contacts\n\n**DBA:** Ana Ruiz, ana@example.com  \n**Network:** Bo, +1 555 0100\n"
                       "Reach them in this order.\n") == [
        ("DBA", "Ana Ruiz", "", "ana@example.com"), ("Network", "Bo", "+1 555 0100", "")]


# A table with these columns in this order; each row the same four values: a table case per column order
TABLES = [
    ("| Role | Name | Phone | Email |", "| {role} | {name} | {phone} | {email} |"),
    ("| Email | Phone | Name | Role |", "| {email} | {phone} | {name} | {role} |"),
    ("| Name | Role | E-mail | Mobile |", "| {name} | **{role}** | <{email}> | {phone} |"),
    ("| Responsibility | Person | Telephone (24/7) | Mail |", "| {role} | {name} | {phone} | {email} |"),
    ("| Role | Contact |", "| {role} | {name} ({email}), {phone} |"),
    ("| Role | Name | Notes |", "| {role} | {name}, {phone}, [{email}](mailto:{email}) | call first |"),
    ("| Role | Name | Phone | Phone (backup) |", "| {role} | {name} ({email}) | {phone} | +1 555 0000 |"),
]


@pytest.mark.parametrize(("header", "row"), TABLES, ids=[header for header, _ in TABLES])
def test_a_contacts_table_with_its_columns_in_any_order(header: str, row: str) -> None:
    separator = "|" + "---|" * (header.count("|") - 1)
    values = dict(zip(("role", "name", "phone", "email"), ALICE))
    placeholder = row.format(role="[Role]", name="x", phone="1", email="x@example.com")  # no role: no contact
    table = f"## Emergency Contacts\n\n{header}\n{separator}\n{row.format(**values)}\n{placeholder}\n"
    assert contacts_of(table) == [ALICE]


def test_a_table_leaves_placeholders_empty_and_keeps_a_name_as_written() -> None:
    table = ("## Contacts\n\n| Role | Name | Phone | Email |\n|---|---|---|---|\n"
             "| DBA | Chen, Alice | TBD | [Email] |\n"
             "| Ops | ___ | <phone> | N/A |\n| dba | Bo | 1 | b@example.com |\n")
    assert contacts_of(table) == [("DBA", "Chen, Alice", "", ""), ("Ops", "", "", "")]  # each role once


def test_sign_off_tables_give_roles_once_whatever_their_markup() -> None:
    imported = import_markdown(
        "# C\n## Steps\n- [ ] one\n## Approvals\n\n| Name | Role | Date |\n|---|---|---|\n| | **Change Manager** | |\n"
        "| | *CAB chair* | |\n| | [Role] | |\n| | change manager | |\n| | `Ops` \\| Run | |\n", "c.md", "c")
    assert imported.data["signoffs"] == ["Change Manager", "CAB chair", "`Ops` | Run"]
