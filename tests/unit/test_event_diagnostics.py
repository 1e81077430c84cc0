"""What the event validator says of each field of each event type, at and past each limit, word for word.

Each case takes a valid event and changes one field (gone, null, empty, a number, a list, at its limit,
past it); tests/data/golden/event-diagnostics.json holds the verdict for each: "valid", or the reason the
line is skipped. After a deliberate change, `UPDATE_GOLDEN=1 make unit` rewrites it for review.
"""

from __future__ import annotations

import json
from typing import Any

from heypeter_tui.core.validate import InvalidEvent, check_event
from tests.conftest import MINIMAL_TEMPLATE, check_golden
from tests.unit.test_event_validator import ENVELOPE
from tests.unit.test_event_validator import VALID as EVENT_FIELDS

VALID: dict[str, dict[str, Any]] = {
    "run.created": {"schema": 1, "run": "r-1", "title": "T", "checklist": "demo", "checklist_sha256": "0" * 64,
                    "t0": "2026-12-03T14:00:00.000Z", "template": MINIMAL_TEMPLATE,
                    "contacts": [{"role": "Ops", "name": "N"}]},
    **EVENT_FIELDS,
}
GONE = object()
LIMITS = {"id": 128, "type": 64, "run": 128, "title": 4000, "checklist": 128, "checklist_sha256": 64, "item": 257,
          "role": 4000, "target": 128}
MAX_COUNT = 10_000_000


def variants(key: str) -> dict[str, Any]:
    cases: dict[str, Any] = {"gone": GONE, "null": None, "empty": "", "a number": 5, "a list": ["x"], "true": True}
    if key in LIMITS:
        cases |= {"at its limit": "x" * LIMITS[key], "past its limit": "x" * (LIMITS[key] + 1)}
    if key in ("open_items", "seconds", "schema"):
        cases |= {"zero": 0, "negative": -1, "at the most": MAX_COUNT, "past the most": MAX_COUNT + 1, "a float": 1.5}
    if key in ("ts", "t0"):
        cases |= {"no zone": "2026-12-03T12:00:00", "year 999": "0999-12-03T12:00:00Z", "not a time": "soon"}
    return cases


def verdict(raw: dict[str, Any]) -> str:
    try:
        check_event(raw)
    except InvalidEvent as error:
        return str(error)
    return "valid"


def test_every_field_of_every_event_type_at_and_past_its_limits() -> None:
    results: dict[str, str] = {}
    for kind, fields in VALID.items():
        event = {**ENVELOPE, "type": kind, **fields}
        assert verdict(event) == "valid", kind
        for key in sorted(event):
            for case, value in variants(key).items():
                changed = {k: v for k, v in event.items() if k != key} if value is GONE else {**event, key: value}
                results[f"{kind} / {key} {case}"] = verdict(changed)
    for key in ("operator", "user", "host"):
        cases = {"a number": 5, "at its limit": "x" * 256, "past its limit": "x" * 257, "null": None}
        for case, value in cases.items():
            results[f"actor {key} {case}"] = verdict({**ENVELOPE, "type": "undo", "target": "e0",
                                                      "actor": {**ENVELOPE["actor"], key: value}})
    results["not an object"] = verdict(["x"])
    results["actor a list"] = verdict({**ENVELOPE, "type": "undo", "target": "e0", "actor": ["x"]})
    results["an unknown type"] = verdict({**ENVELOPE, "type": "some.future.type", "anything": [1, {"x": 2.5}]})
    check_golden("event-diagnostics.json", json.dumps(results, indent=1, ensure_ascii=False) + "\n")
