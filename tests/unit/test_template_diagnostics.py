"""A run's log carries its checklist whole (run.created's template), and any writer may have put anything
there. Each field of a template, changed one at a time (gone, null, empty, a number, a list, not an id, too
long, out of range), is read back or refused by name; tests/data/golden/template-diagnostics.json holds what
is said of each (`UPDATE_GOLDEN=1 make unit` rewrites it for review)."""

from __future__ import annotations

import copy
import json
from typing import Any

from heypeter_tui.core.checklist import checklist_from_dict
from heypeter_tui.core.loader import load_checklist
from tests.conftest import GOLDEN, check_golden

TEMPLATE = load_checklist(GOLDEN / "checklist.yaml").to_dict()
GONE = object()
VALUES: dict[str, Any] = {
    "gone": GONE, "null": None, "empty": "", "blank": "  ", "a number": 5, "a list": [], "a mapping": {},
    "true": True, "not an id": "a b", "long": "x" * 4001, "a duration": "-2h", "too far": "400d",
}


def paths(value: Any, at: tuple = ()) -> list[tuple]:
    found = [at] if at else []
    if isinstance(value, dict):
        for key, inner in value.items():
            found += paths(inner, (*at, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value[:2]):  # the first two of each list: the rest are alike
            found += paths(inner, (*at, index))
    return found


def changed(path: tuple, value: Any) -> Any:
    template = copy.deepcopy(TEMPLATE)
    parent = template
    for step in path[:-1]:
        parent = parent[step]
    if value is GONE:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return template


def verdict(template: Any) -> str:
    try:
        checklist = checklist_from_dict(template)
    except ValueError as error:
        return str(error)
    return "valid, read back whole" if checklist.to_dict() == template else "valid: " + json.dumps(checklist.to_dict())


def test_every_field_of_a_template_is_read_back_or_refused_by_name() -> None:
    assert verdict(TEMPLATE) == "valid, read back whole"
    results = {"not a mapping": verdict([TEMPLATE])}
    for path in paths(TEMPLATE):
        for case, value in VALUES.items():
            results[f"{'/'.join(map(str, path))} {case}"] = verdict(changed(path, value))
    twice = copy.deepcopy(TEMPLATE)
    twice["phases"][0]["id"] = twice["sections"][0]["id"]
    results["a group id twice"] = verdict(twice)
    twice = copy.deepcopy(TEMPLATE)
    twice["sections"][0]["items"][1]["id"] = twice["sections"][0]["items"][0]["id"]
    results["an item id twice"] = verdict(twice)
    results["no sections"] = verdict({**TEMPLATE, "sections": []})
    check_golden("template-diagnostics.json", json.dumps(results, indent=1, ensure_ascii=False) + "\n")
