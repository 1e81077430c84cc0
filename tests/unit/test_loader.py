"""The checklist format: the built-in file, and each kind of mistake with its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from heypeter_tui.core.loader import (
    ChecklistError,
    load_checklist,
    validate_bytes,
    validate_text,
)
from tests.conftest import BUILTIN_CHECKLIST, seed_task_lines

MINIMAL = "schema: 1\nid: demo\ntitle: Demo\nsections:\n  - title: One\n    items:\n      - First thing\n"


def test_builtin_checklist_has_the_whole_seed() -> None:
    checklist = load_checklist(BUILTIN_CHECKLIST)
    assert checklist.product == "HeyPeter Academy LMS"
    assert [s.title for s in checklist.sections] == [
        "Code Readiness", "Infrastructure Setup", "Database Preparation", "Environment Configuration",
        "Monitoring Setup", "Security Measures", "Backup and Recovery", "Documentation", "Testing", "Team Readiness",
    ]
    assert sum(len(s.items) for s in checklist.sections) == 60
    assert [p.title for p in checklist.phases] == [
        "Pre-Deployment", "During Deployment", "Post-Deployment Validation", "Final Steps",
    ]
    assert sum(len(p.items) for p in checklist.phases) == 23
    assert checklist.phases[0].due == -2 * 3600
    assert checklist.signoffs == ("Tech Lead", "QA Lead", "Security Officer", "Product Manager", "Operations Manager")
    assert [c.role for c in checklist.contacts] == [
        "Tech Lead",
        "DevOps",
        "Database Admin",
        "Security",
        "Product Manager",
    ]


def test_seed_parity_every_task_line_is_an_item_word_for_word() -> None:
    checklist = load_checklist(BUILTIN_CHECKLIST)
    texts = [item.text for group in checklist.groups for item in group.items]
    assert texts == seed_task_lines()
    titles = " ".join(group.title for group in checklist.groups)
    assert "â" not in titles and "✓" not in titles  # the seed's mis-decoded ✓ is not carried over




def test_builtin_annotations() -> None:
    checklist = load_checklist(BUILTIN_CHECKLIST)
    items = {item.text: item for group in checklist.groups for item in group.items}
    assert items["Load balancer configured (if applicable)"].optional
    assert items["Enable maintenance mode"].opens == "maintenance"
    assert items["Disable maintenance mode"].closes == "maintenance"
    assert items["Monitor for 30 minutes"].timer == 1800


def errors_of(text: str) -> list[str]:
    return [str(problem) for problem in validate_text(text, "f.yaml").errors]


def test_minimal_is_valid_and_scalars_stay_text() -> None:
    validation = validate_text(MINIMAL + "      - No\n      - 2024\n      - 'yes'\n", "f.yaml")
    assert not validation.errors
    assert [item.text for item in validation.checklist.sections[0].items] == ["First thing", "No", "2024", "yes"]
    assert validation.warnings  # derived ids are worth a word


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            MINIMAL.replace("title: Demo", "titel: Demo"),
            [
                "f.yaml:3:1: checklist: unknown key 'titel'; did you mean 'title'?",
                "f.yaml:1:1: checklist: missing required key 'title'",
            ],
        ),
        (
            MINIMAL.replace("schema: 1", "schema: 2"),
            ["f.yaml:1:9: schema 2 is not supported; this heypeter-tui reads schema 1"],
        ),
        (
            MINIMAL + "      - First thing\n",
            [
                "f.yaml:8:9: section 'One': item id 'first-thing' is used twice (first on line "
                "7); give one of them an explicit `id:`"
            ],
        ),
        (
            MINIMAL.replace("  - title: One\n", "  - title: One\n    due: soon\n"),
            ["f.yaml:6:10: section 'One': due 'soon' is not a duration; expected a form like -2h or 30m"],
        ),
        (
            MINIMAL + "      - text: Wait\n        timer: 0m\n",
            ["f.yaml:9:16: section 'One': timer '0m' is out of range: from 1s to 31d"],
        ),
        (
            MINIMAL + "      - text: X\n        optional: maybe\n",
            ["f.yaml:9:19: section 'One': optional must be true or false, not 'maybe'"],
        ),
        (
            MINIMAL + "      - {id: 'a b', text: X}\n",
            ["f.yaml:8:14: section 'One': item id 'a b' may hold only letters, digits, '-', '_' and '.'"],
        ),
        (
            MINIMAL + "  - title: One\n    items: [x]\n",
            ["f.yaml:8:5: section id 'one' is used twice (first on line 5)"],
        ),
        ("- just\n- a list\n", ["f.yaml:1:1: checklist must be a mapping (key: value), not a list"]),
        ("schema: 1\nid: x\ntitle: T\n", ["f.yaml:1:1: checklist: missing required key 'sections'"]),
        (
            "schema: 1\nid: x\ntitle: T\nsections: [\n",
            ["f.yaml:5:1: YAML syntax: expected the node content, but found '<stream end>'"],
        ),
        (
            MINIMAL + "      - !!python/object/apply:os.system ['true']\n",
            [
                "f.yaml:8:9: YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed: "
                "a checklist is plain data"
            ],
        ),
        (
            MINIMAL.replace("title: Demo", "title: Demo\ntitle: Again"),
            ["f.yaml:4:1: checklist: key 'title' appears twice"],
        ),
        ("   \n", ["f.yaml: empty file; expected a checklist with schema, id, title and sections"]),
    ],
)
def test_each_mistake_is_named_with_its_line(text: str, expected: list[str]) -> None:
    assert errors_of(text) == expected  # each mistake once, at its line and column, and nothing else


def test_all_errors_at_once_and_no_more_than_twenty() -> None:
    text = MINIMAL.replace("title: One", "titel: One").replace("title: Demo", "title: Demo\ncolour: red")
    assert [error.split(": ", 1)[1] for error in errors_of(text)] == [
        "checklist: unknown key 'colour'; expected one of: schema, id, title, product, sections, phases, signoffs, "
        "contacts, allowed_signers, revoked_keys",
        "sections[1]: unknown key 'titel'; did you mean 'title'?",
        "sections[1]: missing required key 'title'",
    ]
    many = MINIMAL + "".join(f"      - {{text: t{n}, optional: maybe}}\n" for n in range(30))
    assert len(errors_of(many)) == 20


def test_binary_and_non_utf8_files() -> None:
    assert "binary file" in str(validate_bytes(b"schema: 1\n\x00\x01", "b.yaml").errors[0])
    problem = validate_bytes(b"schema: 1\nid: caf\xe9\n", "l.yaml").errors[0]
    assert str(problem).startswith("l.yaml:2:1: not UTF-8")


def test_alias_expansion_is_bounded() -> None:
    """A billion-laughs file inside `items`: the walk stops at the error cap, never expanding 10^9 nodes."""
    levels = ["    items: &a0 [{text: x}, {text: x}, {text: x}, {text: x}, {text: x}]"]
    levels += [f"  - title: S{i}\n    items: &a{i} [" + ", ".join([f"*a{i-1}"] * 10) + "]" for i in range(1, 9)]
    bomb = "schema: 1\nid: x\ntitle: T\nsections:\n  - title: S0\n" + "\n".join(levels) + "\n"
    errors = errors_of(bomb)
    assert 1 <= len(errors) <= 20


def test_load_checklist_raises_one_line_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(MINIMAL.replace("schema: 1", "schema: one"))
    with pytest.raises(ChecklistError) as raised:
        load_checklist(path)
    message = str(raised.value)
    assert message.startswith(f"{path}:1:9: ") and "\n" not in message
