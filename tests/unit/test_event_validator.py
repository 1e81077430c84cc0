"""No value makes a run unreadable: every line is checked before the fold, and a bad one is skipped."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from heypeter_tui.cli import main
from heypeter_tui.core.checklist import MAX_DUE_SECONDS, MAX_TIMER_SECONDS
from heypeter_tui.core.clock import T0_RANGE, parse_timestamp, parse_when, to_iso
from heypeter_tui.core.events import Actor
from heypeter_tui.core.run import fold
from heypeter_tui.core.store import RunStore
from heypeter_tui.core.validate import check_event
from tests.conftest import created_event

ACTOR = Actor("alice", "alice", "host")
NOW = datetime(2026, 12, 3, 12, 0, tzinfo=timezone.utc)
ENVELOPE = {"id": "e1", "ts": "2026-12-03T12:01:00.000Z", "actor": {"operator": "bob", "user": "bob", "host": "h"}}
VALID = {
    "run.t0": {"t0": "2026-12-03T14:00:00.000Z"},
    "item.status": {"item": "a/b", "status": "done", "reason": "", "override": ""},
    "item.note": {"item": "a/b", "text": "a note"},
    "signoff.sign": {"role": "Tech Lead", "name": "Dana", "signature": "DL", "open_items": 3},
    "signoff.revoke": {"role": "Tech Lead", "reason": "regression"},
    "contact.set": {"role": "DevOps", "name": "Bob", "phone": "1", "email": "b@x"},
    "timer.start": {"item": "a/b", "seconds": 60},
    "timer.stop": {"item": "a/b"},
    "undo": {"target": "e0"},
}
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=10,
)


def log_with(tmp_path: Path, *lines: bytes) -> Path:
    path = tmp_path / "run.jsonl"
    path.unlink(missing_ok=True)
    RunStore.create(path, created_event(ACTOR, NOW))
    with open(path, "ab") as file:
        for line in lines:
            file.write(line + b"\n")
    return path


def read(path: Path) -> tuple[list, list[str]]:
    store = RunStore(path)
    events = store.load()
    problems: list[str] = []
    fold(events, problems)  # must not raise, whatever the lines held
    return events, [str(p) for p in store.problems] + problems


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(kind=st.sampled_from(sorted(VALID)), data=st.data())
def test_any_value_in_any_field_is_an_event_or_a_warning_naming_the_line(tmp_path: Path, kind: str, data) -> None:
    fields = dict(VALID[kind])
    raw = {**ENVELOPE, "type": kind, **fields}
    key = data.draw(st.sampled_from(sorted(raw)))
    raw[key] = data.draw(JSON)
    events, problems = read(log_with(tmp_path, json.dumps(raw).encode()))
    assert len(events) == 2 or any(":2: not a valid event" in problem for problem in problems)


@pytest.mark.parametrize(
    "line",
    [
        b'{"id":"x","ts":"2026-12-03T12:00:00Z","actor":{},"type":"item.status","item":{},"status":"done"}',
        b'{"id":"x","ts":"2026-12-03T12:00:00Z","actor":{},"type":"signoff.sign","role":"R","name":"n","open_items":NaN}',
        b'{"id":"x","ts":"2026-12-03T12:00:00Z","actor":{},"type":"signoff.sign","role":"R","name":"n","open_items":1e400}',
        b'{"id":"x","ts":"2026-12-03T12:00:00Z","actor":{},"type":"run.t0","t0":5}',
        b'{"id":"x","ts":"0999-12-03T12:00:00Z","actor":{},"type":"run.t0","t0":null}',
        b'{"id":"x","ts":"2026-12-03T12:00:00Z","actor":{},"type":"run.t0","t0":"999-01-01T00:00:00.000Z"}',
        b'{"id":"x","ts":"2026-12-03T12:00:00Z","actor":{},"type":"item.status","item":"a/b","status":"finished"}',
        b'{"id":"x","ts":"2026-12-03T12:00:00Z","actor":{"operator":["x"]},"type":"undo","target":"y"}',
        b'{"id":"x","ts":"2026-12-03T12:00:00Z","actor":{},"type":"x","deep":' + b"[" * 5000 + b"]" * 5000 + b"}",
        b'{"id":"x","ts":"2026-12-03T12:00:00Z","actor":{},"type":"x","deep":' + b"[" * 100 + b"]" * 100 + b"}",
        b'{"id":"x","ts":"2026-12-03T12:00:00Z","actor":{},"type":"x","n":1' + b"0" * 5000 + b"}",
        b'{"id":"x","ts":"2026-12-03T12:00:00Z","actor":{},"type":"item.note","item":"a/b","text":"'
        + b"x" * 2_000_000
        + b'"}',
        b"\xff\xfe not utf-8",
        b"[1, 2, 3]",
    ],
    ids=[
        "item-is-a-dict",
        "nan",
        "1e400",
        "t0-number",
        "ts-year-999",
        "t0-unpadded",
        "unknown-status",
        "actor-field-list",
        "5000-deep",
        "100-deep",
        "huge-int",
        "2MB-line",
        "not-utf8",
        "not-an-object",
    ],
)
def test_each_bad_line_is_skipped_and_named_and_the_rest_still_loads(tmp_path: Path, line: bytes) -> None:
    good = json.dumps({**ENVELOPE, "id": "good", "type": "item.status", "item": "a/c", "status": "done"}).encode()
    events, problems = read(log_with(tmp_path, line, good))
    assert [event.id for event in events[1:]] == ["good"]
    assert len(problems) == 1 and ":2: " in problems[0]
    state = fold(events)
    assert state.item("a/c").status == "done"


def test_a_run_bricked_by_its_first_line_spares_every_other_run(tmp_path: Path, capsys) -> None:
    state_dir = tmp_path / "state"
    assert main(["--state-dir", str(state_dir), "new", "Good"]) == 0
    bad = state_dir / "runs" / "20260101-000000-bad.jsonl"
    bad.write_text('{"id":"x","ts":"2026-12-03T12:00:00Z","actor":{},"type":"run.created","run":"r","t0":5}\n')
    bad.chmod(0o600)
    capsys.readouterr()
    assert main(["--state-dir", str(state_dir), "runs"]) == 0
    out, err = capsys.readouterr()
    assert "Good" in out and "bad.jsonl: not a readable run" in err
    assert main(["--state-dir", str(state_dir), "status"]) == 0
    assert main(["--state-dir", str(state_dir), "--run", "20260101-000000-bad", "status"]) == 2
    assert capsys.readouterr().err.count("\n") == 1


@settings(max_examples=300, deadline=None)
@given(
    moment=st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(8999, 12, 30),
                        timezones=st.sampled_from([timezone.utc, timezone(timedelta(hours=14)),
                                                   timezone(timedelta(hours=-12, minutes=-30))])),
)
def test_every_time_the_log_accepts_is_written_in_a_form_it_reads_back(moment: datetime) -> None:
    text = to_iso(moment)
    assert parse_timestamp(text) == moment.replace(microsecond=moment.microsecond // 1000 * 1000)
    check_event({**ENVELOPE, "type": "run.t0", "t0": text, "ts": text})
    furthest = parse_timestamp(text) + timedelta(seconds=MAX_DUE_SECONDS + MAX_TIMER_SECONDS)
    assert to_iso(furthest)  # a due time or timer past any accepted T-0 never overflows


@settings(max_examples=200, deadline=None)
@given(offset=st.integers(min_value=-T0_RANGE.days * 86400, max_value=T0_RANGE.days * 86400))
def test_every_t0_accepted_at_entry_is_readable_in_the_log(offset: int) -> None:
    moment = parse_when(f"{'+' if offset >= 0 else '-'}{abs(offset)}s", NOW)
    check_event({**ENVELOPE, "type": "run.t0", "t0": to_iso(moment)})


@pytest.mark.parametrize(("field", "value"), [("run", "x\nverdict: GO"), ("run", "r 1"), ("checklist", "c\n")])
def test_the_ids_a_run_is_created_with_are_ids(field: str, value: str) -> None:
    from heypeter_tui.core.validate import InvalidEvent, check_event
    from tests.conftest import created_event

    raw = created_event(Actor("a", "a", "h"), datetime(2026, 12, 3, tzinfo=timezone.utc)).to_dict()
    check_event(dict(raw))
    raw[field] = value
    with pytest.raises(InvalidEvent, match=f"^{field} must be an id "):
        check_event(raw)
