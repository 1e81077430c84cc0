"""`owner:` on sections, phases and items: inherited, checked where the file says it, carried by the run's log."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from heypeter_tui.core.checklist import checklist_from_dict, owner_of
from heypeter_tui.core.loader import load_checklist, validate_text
from heypeter_tui.core.report import to_json
from tests.conftest import BUILTIN_CHECKLIST

SCHEMA = json.loads((Path(__file__).parents[2] / "heypeter_tui" / "checklist.schema.json").read_text())
OWNED = """\
schema: 1
id: owned
title: Owned
sections:
  - title: Code
    owner: Tech Lead
    items:
      - Reviewed
      - {text: Tested, owner: QA Lead}
  - title: Docs
    items: [Written]
phases:
  - title: Go
    owner: Operations Manager
    items: [{text: Deploy, owner: "Dana\\n  Ops"}, Watch]
"""


def owners(checklist) -> dict[str, str | None]:
    return {group.key(item): owner_of(group, item) for group in checklist.groups for item in group.items}


def test_an_item_takes_its_groups_owner_unless_it_names_its_own() -> None:
    checklist = validate_text(OWNED, "owned.yaml").checklist
    assert owners(checklist) == {
        "code/reviewed": "Tech Lead",  # inherited
        "code/tested": "QA Lead",  # its own wins
        "docs/written": None,  # nobody named anywhere: nobody
        "go/deploy": "Dana Ops",  # one line, however it was written
        "go/watch": "Operations Manager",
    }
    code = checklist.group("code")
    assert (code.owner, code.items[0].owner) == ("Tech Lead", None)  # the checklist keeps what the file says


@pytest.mark.parametrize(
    ("owner", "said"),
    [
        ("[QA Lead]", "o.yaml:7:33: section 'S': item owner must be text, not a list"),
        ("{role: QA}", "o.yaml:7:33: section 'S': item owner must be text, not a mapping"),
        ("o" * 201, "o.yaml:7:33: section 'S': item owner is 201 characters; at most 200 are allowed"),
        ("''", "o.yaml:7:33: section 'S': item owner is empty"),
    ],
)
def test_a_bad_item_owner_is_named_at_its_line_and_column(owner: str, said: str) -> None:
    head = "schema: 1\nid: o\ntitle: O\nsections:\n  - title: S\n    items:\n"
    text = f"{head}      - {{id: a, text: A, owner: {owner}}}"
    validation = validate_text(text, "o.yaml")
    assert [str(problem) for problem in validation.errors] == [said]
    assert validation.checklist is None


def test_a_bad_group_owner_is_named_at_its_line_and_column_and_200_characters_are_enough() -> None:
    text = "schema: 1\nid: o\ntitle: O\nsections:\n  - title: S\n    owner:\n      - QA\n    items: [a]\n"
    assert [str(p) for p in validate_text(text, "o.yaml").errors] == ["o.yaml:7:7: section 'S': owner must be text, "
                                                                      "not a list"]
    text = f"schema: 1\nid: o\ntitle: O\nsections: []\nphases:\n  - {{title: P, owner: {'p' * 201}, items: [a]}}\n"
    assert [str(p) for p in validate_text(text, "o.yaml").errors] == [
        "o.yaml:6:23: phase 'P': owner is 201 characters; at most 200 are allowed"]
    longest = validate_text(text.replace("p" * 201, "p" * 200).replace("[]", "[{title: S, items: [b]}]"), "o.yaml")
    assert longest.errors == () and longest.checklist.phases[0].owner == "p" * 200


def test_the_schema_accepts_owners_where_the_loader_does_and_refuses_what_it_refuses() -> None:
    jsonschema.validate(yaml.safe_load(OWNED), SCHEMA)
    jsonschema.validate(yaml.safe_load(BUILTIN_CHECKLIST.read_text()), SCHEMA)
    for bad in ("[QA]", "o" * 201):
        text = OWNED.replace("owner: QA Lead", f"owner: {bad}")
        assert validate_text(text, "bad.yaml").errors
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(yaml.safe_load(text), SCHEMA)
    misplaced = OWNED.replace("title: Owned", "title: Owned\nowner: Nobody")  # not a field of the checklist itself
    assert validate_text(misplaced, "bad.yaml").errors
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(yaml.safe_load(misplaced), SCHEMA)


def test_a_run_carries_its_owners_in_its_log_and_folds_back_to_the_very_checklist(tmp_path: Path, context) -> None:
    path = tmp_path / "owned.yaml"
    path.write_text(OWNED)
    written = load_checklist(path)
    context.create_run("Release", str(path))
    log = next((context.workspace.runs_dir).glob("*.jsonl"))
    template = json.loads(log.read_text().splitlines()[0])["template"]
    assert template["sections"][0]["owner"] == "Tech Lead" and "owner" not in template["sections"][0]["items"][0]
    folded = context.current_session().state.checklist  # read back from the log, not the file
    assert folded == written and owners(folded) == owners(written)


@pytest.mark.parametrize(("owner", "said"), [(["QA"], "owner must be text of 1 to 200 characters"),
                                             ("o" * 201, "owner must be text of 1 to 200 characters"),
                                             ("", "owner must be text of 1 to 200 characters")])
def test_a_log_whose_checklist_holds_a_bad_owner_is_refused_by_name(owner: object, said: str) -> None:
    template = validate_text(OWNED, "owned.yaml").checklist.to_dict()
    assert checklist_from_dict(template).to_dict() == template
    for place in (lambda t: t["sections"][0], lambda t: t["sections"][0]["items"][1]):  # a group's, an item's
        changed = json.loads(json.dumps(template))
        place(changed)["owner"] = owner
        with pytest.raises(ValueError, match=said):
            checklist_from_dict(changed)


def test_the_records_json_names_each_items_owner(tmp_path: Path, context) -> None:
    path = tmp_path / "owned.yaml"
    path.write_text(OWNED)
    context.create_run("Release", str(path))
    record = to_json(context.current_session().state)
    assert [item["owner"] for group in record["sections"] + record["phases"] for item in group["items"]] == [
        "Tech Lead", "QA Lead", None, "Dana Ops", "Operations Manager"]


def test_the_record_with_ids_carries_owners_back_whatever_they_hold(tmp_path: Path, context) -> None:
    from heypeter_tui.core.markdown import import_markdown
    from heypeter_tui.core.report import to_markdown

    path = tmp_path / "odd.yaml"
    path.write_text(OWNED.replace("owner: QA Lead", "owner: 'QA; 100% <b>, -->x <!-- y'"))
    context.create_run("Release", str(path))
    state = context.current_session().state
    record = to_markdown(state, ids=True)
    assert "- [ ] Tested <!-- id: tested; owner: QA%3B 100%25 %3Cb%3E%2C --%3Ex %3C!-- y -->\n" in record
    assert "### Go <!-- id: go; owner: Operations Manager -->\n" in record
    assert "- [ ] Reviewed <!-- id: reviewed -->\n" in record  # an inherited owner is not written again
    back = validate_text(import_markdown(record, "record.md").to_yaml(), "back.yaml")
    assert back.errors == () and back.checklist == state.checklist
    assert "owner" not in to_markdown(state)  # without --ids, no comments at all


def test_every_item_of_the_builtin_checklist_has_a_sign_off_role_for_owner() -> None:
    checklist = load_checklist(BUILTIN_CHECKLIST)
    assert all(group.owner in checklist.signoffs for group in checklist.groups)
    found = owners(checklist)
    assert set(found.values()) == set(checklist.signoffs)  # every role answers for something
    assert (found["testing/smoke-tests-on-production"], found["testing/security-scanning-performed"]) == (
        "QA Lead", "Security Officer")
