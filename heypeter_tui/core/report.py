"""The run's full record for the change ticket: JSON for machines, Markdown for people.

The Markdown opens with what a reviewer must see (core/record_summary.py: the verdict, every exception, who
signed), then keeps the shape of a checklist (`## part`, `### group`, `- [x] item`), so it reads like the
checklist it came from and imports back into one. Ids and flags (`<!-- id: x; optional -->`) are written only
when asked for (`ids`): in a ticket they are noise; with them, the record imports back to the very checklist.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime
from typing import Any

from heypeter_tui.core.checklist import Group, owner_of
from heypeter_tui.core.clock import parse_iso, to_iso
from heypeter_tui.core.durations import format_duration
from heypeter_tui.core.events import Actor
from heypeter_tui.core.item_log import all_notes
from heypeter_tui.core.record_attributes import checklist_attributes, comment, group_attributes, item_attributes
from heypeter_tui.core.record_checks import check_events, check_json, checks_markdown, item_check_line
from heypeter_tui.core.record_summary import first_screen_markdown, integrity_line, summarize, summary_json
from heypeter_tui.core.record_text import describe
from heypeter_tui.core.record_text import md_block_line as _block_line
from heypeter_tui.core.record_text import md_line as _line
from heypeter_tui.core.record_text import md_row as _row
from heypeter_tui.core.record_text import offset as _offset
from heypeter_tui.core.record_text import when as _when
from heypeter_tui.core.record_text import who as _who
from heypeter_tui.core.rules import gate, group_progress, is_stale, overall_progress
from heypeter_tui.core.run import LABELS, SYMBOLS, RunState
from heypeter_tui.core.schedule import due_at, timer_ran, windows
from heypeter_tui.core.session import Integrity

TYPE_CHECKING = False
if TYPE_CHECKING:
    from heypeter_tui.core.signoff_check import RoleCheck
from heypeter_tui.core.text import clean

FORMAT = "heypeter-tui.run/1"


def participants(state: RunState) -> list[Actor]:
    from heypeter_tui.core.item_log import item_log

    return item_log(state).participants


class Streamed(list):
    """A list json's encoder writes as it walks it: with an indent, json's own encoder asks a list only whether it is
    empty and for its items, so the record's events and checks go out one at a time (`json_chunks`), never held."""

    def __init__(self, items: Callable[[], Iterable[Any]], size: int) -> None:
        super().__init__()
        self._items, self._size = items, size

    def __len__(self) -> int:
        return self._size

    def __iter__(self) -> Iterator[Any]:
        return iter(self._items())


def json_chunks(state: RunState, integrity: Integrity | None = None, *, now: datetime | None = None) -> Iterator[str]:
    """The JSON record as `json.dumps(to_json(…), indent=2, ensure_ascii=False)` writes it, piece by piece: the same
    text, in memory that does not grow with the run."""
    import json

    return json.JSONEncoder(indent=2, ensure_ascii=False).iterencode(to_json(state, integrity, now=now, lazy=True))


def _listed(lazy: bool, items: Callable[[], Iterable[Any]], size: int) -> list[Any]:
    return Streamed(items, size) if lazy else list(items())


def to_json(state: RunState, integrity: Integrity | None = None, *, now: datetime | None = None,
            lazy: bool = False) -> dict[str, Any]:
    """`now`: the record's As of, which every duration and state is judged at (timers, windows, overdue phases);
    without one, the log's last event. `lazy`: the events and checks as `Streamed` lists, for `json_chunks` alone."""
    as_of = now or parse_iso(state.last_event.ts)
    verdict = gate(state)
    progress = overall_progress(state)
    checklist = state.checklist
    return {
        "format": FORMAT,
        "run": {
            "id": state.run_id,
            "title": state.title,
            "checklist": {
                "id": checklist.id,
                "title": checklist.title,
                "product": checklist.product,
                "sha256": state.created.get("checklist_sha256"),
            },
            "t0": state.t0,
            "created": state.created.ts,
            "created_by": state.created.actor.to_dict(),
            "first_event": state.events[0].ts,
            "last_event": state.last_event.ts,
            "participants": [actor.to_dict() for actor in participants(state)],
        },
        "progress": {"complete": progress.complete, "total": progress.total, "blocked": progress.blocked},
        "sections": [_group_json(state, group, lazy) for group in checklist.sections],
        "phases": [_group_json(state, group, lazy) for group in checklist.phases],
        "signoffs": [_signoff_json(state, role) for role in checklist.signoffs],
        "contacts": [
            {"role": c.role, "name": c.name, "phone": c.phone, "email": c.email} for c in state.contacts.values()
        ],
        "gate": {"go": verdict.go, "verdict": verdict.verdict, "reasons": list(verdict.reasons)},
        "summary": summary_json(summarize(state, as_of, integrity or Integrity(len(state.events)))),
        "timers": [_timer_json(timer, as_of) for timer in state.timers.values()],
        "windows": [_window_json(window, as_of) for window in windows(state)],
        "integrity": _integrity_json(state, integrity),
        "events": _listed(lazy, lambda: (event.to_dict() for event in state.events), len(state.events)),
    }


def _integrity_json(state: RunState, integrity: Integrity | None) -> dict[str, Any]:
    integrity = integrity or Integrity(len(state.events))
    return {
        "whole": integrity.whole,
        "events": integrity.events,
        "skipped_lines": list(integrity.skipped_lines),
        "set_aside_lines": list(integrity.set_aside_lines),
        "unapplied_events": integrity.unapplied,
        "chain": integrity.chain,
        "chain_head": integrity.chain_head or None,
    }


def _timer_json(timer, as_of: datetime) -> dict[str, Any]:
    ran, ran_out = timer_ran(timer, as_of)
    return {
        "item": timer.key,
        "seconds": timer.seconds,
        "started": timer.started_at,
        "stopped": timer.stopped_at,
        "ran_seconds": ran,
        "ran_out_at": to_iso(ran_out) if ran_out else None,
        "by": timer.actor.to_dict(),
    }


def _window_json(window, as_of: datetime) -> dict[str, Any]:
    return {
        "name": window.name,
        "opened": window.opened_at,
        "closed": window.closed_at,
        "seconds": window.seconds(as_of) if window.opened_at else None,
        "opened_by": window.opened_by.to_dict() if window.opened_by else None,
        "closed_by": window.closed_by.to_dict() if window.closed_by else None,
    }


def _group_json(state: RunState, group: Group, lazy: bool = False) -> dict[str, Any]:
    progress = group_progress(state, group)
    data: dict[str, Any] = {"id": group.id, "title": group.title}
    if group.due is not None:
        data["due"] = format_duration(group.due, signed=True)
        moment = due_at(state, group)
        data["due_at"] = to_iso(moment) if moment else None
    data["progress"] = {"complete": progress.complete, "total": progress.total, "blocked": progress.blocked}
    data["items"] = []
    for item in group.items:
        current = state.item(group.key(item))
        data["items"].append(
            {
                "id": item.id,
                "key": group.key(item),
                "text": item.text,
                "optional": item.optional,
                "owner": owner_of(group, item),  # resolved: a reader of the record need not know the rule
                "status": current.status,
                "reason": current.reason or None,
                "override": current.override or None,
                "by": current.actor.to_dict() if current.actor else None,
                "at": current.at,
                "notes": [{"text": n.text, "by": n.actor.to_dict(), "at": n.at}
                          for n in all_notes(state, group.key(item))],
                "check": item.check.to_dict() if item.check else None,
                "checks": _checks_json(state, group.key(item), lazy),
            }
        )
    return data


def _checks_json(state: RunState, key: str, lazy: bool) -> list[dict[str, Any]]:
    runs = check_events(state, key)
    return _listed(lazy, lambda: (check_json(event) for event in runs), len(runs))


def _signoff_json(state: RunState, role: str) -> dict[str, Any]:
    signed = state.signoffs.get(role)
    covers = [group.id for group in state.checklist.covered_groups(role)]  # resolved: every readiness section
    if signed is None:
        return {"role": role, "covers": covers, "signed": False, "name": None, "signature": None, "date": None,
                "by": None}
    return {
        "role": role,
        "covers": covers,
        "signed": True,
        "name": signed.name,
        "signature": signed.signature,
        "date": signed.at,
        "by": signed.actor.to_dict(),
        "open_items_when_signed": signed.open_items,
        "stale": is_stale(state, role),
        "key": _key_json(state, role),
    }


def _key_json(state: RunState, role: str) -> dict[str, Any] | None:
    event = state.events[state.signoffs[role].seq]
    if not event.get("ssh_signature"):
        return None
    from heypeter_tui.core.ssh_signatures import signature_key

    key_type, fingerprint = signature_key(event.get("ssh_signature")) or (None, None)  # never the event's claim
    return {"type": key_type, "fingerprint": fingerprint,
            "signed_at": event.get("signed_at"), "signed_head": event.get("signed_head"),
            "verified": role in state.verified}


# -- Markdown ---------------------------------------------------------------------------------------


def to_markdown(
    state: RunState, integrity: Integrity | None = None, *, now: datetime | None = None, ids: bool = False,
    verdicts: Mapping[int, RoleCheck] | None = None,
) -> str:
    """The record for people, whole (`markdown_lines`)."""
    return "".join(line + "\n" for line in markdown_lines(state, integrity, now=now, ids=ids, verdicts=verdicts))


def markdown_lines(
    state: RunState, integrity: Integrity | None = None, *, now: datetime | None = None, ids: bool = False,
    verdicts: Mapping[int, RoleCheck] | None = None,
) -> Iterator[str]:
    """The record for people, as of `now` (the log's last event without one). Every text from a checklist,
    a log or a person is escaped (`_line`): none can start a line, a task, a heading or a table cell, open a
    link or hide as HTML. `ids`: the record's own HTML comments, which carry what imports it back whole.
    `verdicts`: each key-signed sign line's own verdict by its position (core/signoff_check.py, `line_checks`),
    which the timeline says beside its key: three signatures of one role by one name are told apart."""
    checklist = state.checklist
    integrity = integrity or Integrity(len(state.events))
    summary = summarize(state, now, integrity)
    progress = overall_progress(state)
    lines = [f"# {_line(checklist.title)}{_comment(ids, checklist_attributes(checklist))}", ""]
    heading = [  # the Product line comes before any heading: the importer reads it only there
        ("Verdict", f"{summary.verdict}: {summary.how}" if summary.how else summary.verdict),
        ("Product", checklist.product),
        ("Run", f"{state.title} ({state.run_id})"),
        ("As of", _when(to_iso(summary.as_of))),
    ]
    lines += [f"- **{name}:** {_line(value)}" for name, value in heading if value]
    lines.append("")
    lines += first_screen_markdown(state, summary, len(lines), ids)
    facts = [
        ("Checklist", f"{checklist.id} (sha256 {state.created.get('checklist_sha256') or 'n/a'})"),
        ("T-0", _when(state.t0) if state.t0 else "not set"),
        ("First event", _when(state.events[0].ts)),
        ("Last event", _when(state.last_event.ts)),
        ("Participants", ", ".join(_who(actor) for actor in participants(state))),
        ("Progress", f"{progress} complete, {progress.blocked} blocked"),
        ("Integrity", integrity_line(integrity)),
        ("Chain head", f"sha256 {integrity.chain_head} (heypeter-tui verify --digest checks that a run still holds "
         "this record unchanged)" if integrity.chain_head else ""),
    ]
    lines += ["## Run details", ""]
    lines += [f"- **{name}:** {_line(value)}" for name, value in facts if value]
    lines += ["", "## Readiness", ""]
    for group in checklist.sections:
        lines += _group_markdown(state, group, ids)
    if checklist.phases:
        lines += ["## Deployment Day", ""]
        for group in checklist.phases:
            lines += _group_markdown(state, group, ids)
    lines += _clock_markdown(state, summary.as_of)
    if state.contacts:
        lines += ["## Emergency Contacts", "", "| Role | Name | Phone | Email |", "|------|------|-------|-------|"]
        lines += [_row([c.role, c.name, c.phone, c.email]) for c in state.contacts.values()]
        lines.append("")
    yield from lines
    yield from checks_markdown(state)
    yield from ["## Timeline", "", "| Time (UTC) | Who | What |", "|------------|-----|------|"]
    for at, event in enumerate(state.events):  # a line at a time: the events are read as they are written
        yield _row([_when(event.ts), _who(event.actor), describe(state, event) + verdict_text(state, verdicts, at)])


def verdict_text(state: RunState, verdicts: Mapping[int, RoleCheck] | None, position: int) -> str:
    """`, verified` or `, NOT verified: why` after a key signature's line; nothing for any other line, or for a
    line replayed or moved, which its description already says was not counted."""
    from heypeter_tui.core.run import misplaced

    check = (verdicts or {}).get(position)
    if check is None or misplaced(state.events[position]):
        return ""
    return ", verified" if check.ok else f", NOT verified: {check.said}"


def _comment(ids: bool, attributes: list[str]) -> str:
    return comment(attributes) if ids else ""


def _group_markdown(state: RunState, group: Group, ids: bool) -> list[str]:
    """A group as a task list; with `ids`, attribute comments carry ids and flags so the record imports back
    whole. Who, when and why go on sub-bullets, never onto the item's own line."""
    due = f" ({_offset(group.due)})" if group.due is not None else ""
    heading = f"### {_line(group.title)}{due}{_comment(ids, group_attributes(group))}"
    lines = [heading, "", f"{group_progress(state, group)} complete", ""]
    for item in group.items:
        current = state.item(group.key(item))
        lines.append(f"- {SYMBOLS[current.status]} {_line(item.text)}{_comment(ids, item_attributes(item))}")
        if current.status != "pending" and current.actor and current.at:
            reason = f": {_line(current.reason)}" if current.reason else ""
            lines.append(f"  - {LABELS[current.status]}{reason}, by {_line(_who(current.actor))}, {_when(current.at)}")
        if current.override:
            lines.append(f"  - override while NO-GO: {_line(current.override)}")
        lines += item_check_line(state, group.key(item))
        for note in all_notes(state, group.key(item)):
            first, *rest = clean(note.text).split("\n")
            lines.append(f"  - Note by {_line(_who(note.actor))}, {_when(note.at)}: {_line(first)}")
            lines += [f"    {_block_line(line)}" for line in rest]
    lines.append("")
    return lines


def _clock_markdown(state: RunState, as_of: datetime) -> list[str]:
    """When things were due and how long they ran, as of the record's As of (never the last event: a timer started
    7 s before the export ran 7 s, not the 1 s until the log's last line): T-0, phases, timers, windows."""
    rows = [_row(["T-0", _when(state.t0) if state.t0 else "not set", ""])]
    for group in state.checklist.groups:
        moment = due_at(state, group)
        if moment is not None:
            rows.append(_row([f"{group.title} due", _when(to_iso(moment)), _offset(group.due or 0)]))
    items = state.checklist.items_by_key
    for timer in state.timers.values():
        text = items[timer.key][1].text
        ran, ran_out = timer_ran(timer, as_of)
        out = f"ran out at {_when(to_iso(ran_out))}, " if ran_out else ""
        stopped = f"stopped {_when(timer.stopped_at)}" if timer.stopped_at else "not stopped" if ran_out \
            else "still running"
        ran_for = f"ran {format_duration(ran)} of {format_duration(timer.seconds)}"
        rows.append(_row([f"Timer: {text}", f"started {_when(timer.started_at)}, {out}{stopped}", ran_for]))
    for window in windows(state):
        if window.opened_at is None:
            continue
        closed = f"closed {_when(window.closed_at)}" if window.closed_at else "still open"
        lasted = f"{'lasted' if window.closed_at else 'open for'} {format_duration(window.seconds(as_of))}"
        rows.append(_row([f"Window: {window.name}", f"opened {_when(window.opened_at)}, {closed}", lasted]))
    return ["## Deployment Clock", "", "| What | When | |", "|------|------|-|", *rows, ""]
