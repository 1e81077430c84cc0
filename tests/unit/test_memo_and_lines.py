"""The per-state memo and the bytes of a log line: small, and every reader of the log relies on them."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from heypeter_tui.core import memo
from heypeter_tui.core.events import Actor, Event, new_event

DANA = Actor("Dana", "dana", "box")


def test_a_value_is_computed_once_per_state_and_again_for_a_new_one() -> None:
    calls: list[str] = []

    def compute(tag: str):
        return lambda: calls.append(tag) or f"value of {tag}"

    first, second = object(), object()
    assert memo.for_state("memo-test", first, compute("first")) == "value of first"
    assert memo.for_state("memo-test", first, compute("again")) == "value of first"
    assert calls == ["first"]
    assert memo.for_state("memo-test", second, compute("second")) == "value of second"
    assert memo.for_state("memo-test-other", second, compute("other")) == "value of other"
    assert memo.for_state("memo-test", second, compute("again")) == "value of second"
    assert calls == ["first", "second", "other"]


def test_a_line_is_compact_utf8_json_ending_in_one_newline() -> None:
    event = Event("e1", "2026-12-03T12:00:00Z", Actor("Zoë", "zoe", "box"), "note.add", {"text": "déjà vu"})
    assert event.to_line() == (
        '{"id":"e1","ts":"2026-12-03T12:00:00Z","actor":{"operator":"Zoë","user":"zoe","host":"box"},'
        '"type":"note.add","text":"déjà vu"}\n'
    ).encode()


def test_a_lone_surrogate_is_written_as_its_json_escape_and_reads_back() -> None:
    event = Event("e2", "2026-12-03T12:00:00Z", DANA, "note.add", {"text": "half \ud800 pair, Zoë"})
    line = event.to_line()
    assert line == (
        b'{"id":"e2","ts":"2026-12-03T12:00:00Z","actor":{"operator":"Dana","user":"dana","host":"box"},'
        b'"type":"note.add","text":"half \\ud800 pair, Zo\\u00eb"}\n'
    )
    assert json.loads(line)["text"] == "half \ud800 pair, Zoë"


@pytest.mark.parametrize("text", ["plain", "half \ud800"], ids=["utf-8", "ascii"])
@pytest.mark.parametrize("number", [float("nan"), float("inf")], ids=["nan", "inf"])
def test_no_line_carries_nan_or_infinity(text: str, number: float) -> None:
    event = new_event("note.add", DANA, datetime(2026, 12, 3, tzinfo=timezone.utc), text=text, weight=number)
    with pytest.raises(ValueError, match="JSON compliant"):
        event.to_line()


def test_an_actor_missing_its_fields_reads_as_question_marks() -> None:
    assert Actor.from_dict({}) == Actor("?", "?", "?")
    assert Actor.from_dict({"operator": "", "user": None, "host": "h"}) == Actor("?", "?", "h")
