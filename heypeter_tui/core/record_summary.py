"""The record's first screen: the verdict and how it was reached, every exception, and who signed.

A reviewer gives a change ticket's record about a minute, and reads its first screen (FIRST_SCREEN lines).
So the record opens with what they must not miss: `GO`, `GO with 2 overrides` or `NO-GO` and why; each
exception to the plain path (what is N/A, blocked or overridden, sign-offs revoked, given again or stale,
phases overdue, items still open, a damaged log); and the sign-off table. The detail follows.

Where the exceptions would push the sign-offs off that screen, the list is cut to fit, and its last line
counts the rest by kind. Each of those is still in the record (on its item, in the timeline), and the JSON
record lists every one. Open readiness items are not exceptions but the NO-GO's reasons: the verdict counts
them, and the detail shows each; listed here they would bury the exceptions of every run not yet ready.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from heypeter_tui.core import events as ev
from heypeter_tui.core.checklist import GroupKind
from heypeter_tui.core.checks import outcome_line
from heypeter_tui.core.clock import parse_iso, to_iso
from heypeter_tui.core.events import Actor, Event
from heypeter_tui.core.record_attributes import role_comment
from heypeter_tui.core.record_text import describe, md_line, md_row, offset, when, who
from heypeter_tui.core.rules import gate, is_stale
from heypeter_tui.core.run import BLOCKED, NA, PENDING, RunState, misplaced
from heypeter_tui.core.schedule import due_at, is_overdue
from heypeter_tui.core.session import Integrity
from heypeter_tui.core.signoff_history import undos_of
from heypeter_tui.core.staleness import stale_since
from heypeter_tui.core.text import count

FIRST_SCREEN = 40
"""Lines a reviewer sees without scrolling: the verdict, the exceptions (or as many as fit, and a count of
the rest) and every sign-off are within them."""
MIN_SHOWN = 3
"""Exceptions listed on the first screen however many sign-off roles crowd it."""

KINDS: dict[str, tuple[str, str, str]] = {
    "log": ("Log", "damaged log", ""),
    "blocked": ("Blocked", "blocked item", ""),
    "override": ("Override", "override", ""),
    "check_not_passed": ("Check not passed", "check not passed", "checks not passed"),
    "not_counted": ("Sign-off not counted", "sign-off not counted", "sign-offs not counted"),
    "revoked": ("Sign-off revoked", "revoked sign-off", ""),
    "resigned": ("Signed again", "re-sign", ""),
    "stale": ("Stale sign-off", "stale sign-off", ""),
    "overdue": ("Overdue", "overdue phase", ""),
    "na": ("N/A", "N/A item", ""),
    "open_phase_item": ("Open on deployment day", "deployment-day item open", "deployment-day items open"),
}
"""Each kind of exception: its label in the list, and its noun (and plural) in a count. In the order the list
gives them, what a reviewer must act on first: a cut list loses the most ordinary first, open items (in a run
not yet deployed, every step of deployment day) after N/A ones (each a decision someone made and gave a reason)."""

_WHERE = {"check_not_passed": "the Checks",
          "log": "Run details", "not_counted": "the Timeline",
          "revoked": "the Timeline", "resigned": "the Timeline", "stale": "the Sign-offs",
          "overdue": "the Deployment Clock"}
"""Where the detail shows an exception the first screen had no room for (the others: on their items)."""

_GATE_RULES = (("open", "readiness item", " open"), ("blocked", "item", " blocked"),
               ("stale", "stale sign-off", ""), ("not signed", "role", " not signed"))
"""How a NO-GO was reached, counted by the gate's rule: `3 readiness items open, 1 role not signed`."""


@dataclass(frozen=True)
class Deviation:
    """One exception to a run's plain path (the record's "exception", not Python's): its kind, what it is
    about (an item key, a role, a phase id; "" for the log) and the sentence the record writes for it."""

    kind: str
    ref: str
    text: str
    reason: str = ""
    by: Actor | None = None
    at: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "ref": self.ref, "text": self.text, "reason": self.reason or None,
                "by": self.by.to_dict() if self.by else None, "at": self.at}


@dataclass(frozen=True)
class Summary:
    verdict: str
    """`GO`, `GO with 2 overrides` or `NO-GO`."""
    go: bool
    how: str
    """How the verdict was reached, in one line."""
    as_of: datetime
    """The time the record judges by (a phase is overdue when its due time is before it)."""
    deviations: tuple[Deviation, ...]


def summarize(state: RunState, now: datetime | None = None, integrity: Integrity | None = None) -> Summary:
    """The verdict and every exception, as of `now`: the exporting command's clock, never the system's here.
    Without one, as of the log's last event, so a record of the same log is always the same."""
    as_of = now or parse_iso(state.last_event.ts)
    deviations = (*_log(integrity), *_items(state, "blocked"), *_items(state, "override"),
                  *_items(state, "check_not_passed"), *signing_history(state),
                  *_stale(state), *_overdue(state, as_of), *_items(state, "na"), *_items(state, "open_phase_item"))
    verdict = gate(state)
    overrides = sum(deviation.kind == "override" for deviation in deviations)
    if not verdict.go:
        broken = Counter(verdict.kinds)
        how = ", ".join(count(broken[rule], noun) + tail for rule, noun, tail in _GATE_RULES if broken[rule])
        return Summary("NO-GO", False, how, as_of, deviations)
    how = ("every required readiness item done or N/A, nothing blocked, every sign-off given for the readiness "
           "there now")
    if overrides:
        how += f"; {count(overrides, 'gated step')} ticked while the gate said NO-GO"
    return Summary(f"GO with {count(overrides, 'override')}" if overrides else "GO", True, how, as_of, deviations)


def tally(deviations: tuple[Deviation, ...]) -> str:
    """`1 blocked item, 2 overrides, 23 deployment-day items open`, in the order of KINDS."""
    counted = Counter(deviation.kind for deviation in deviations)
    return ", ".join(count(counted[kind], noun, plural) for kind, (_, noun, plural) in KINDS.items() if counted[kind])


def summary_json(summary: Summary) -> dict[str, Any]:
    """The summary for machines: every exception (none cut), overrides also on their own."""
    counted = Counter(deviation.kind for deviation in summary.deviations)
    return {
        "verdict": summary.verdict,
        "go": summary.go,
        "how": summary.how,
        "as_of": to_iso(summary.as_of),
        "counts": {kind: counted[kind] for kind in KINDS if counted[kind]},
        "overrides": [d.to_json() for d in summary.deviations if d.kind == "override"],
        "exceptions": [d.to_json() for d in summary.deviations],
    }


def first_screen_markdown(state: RunState, summary: Summary, above: int, ids: bool = False) -> list[str]:
    """The exceptions and the sign-off table, for a record with `above` lines before them: the list is cut
    where the whole would pass FIRST_SCREEN, and says how many it cut, of which kinds."""
    signoffs = _signoffs_markdown(state, ids)
    listed = summary.deviations
    room = FIRST_SCREEN - above - len(signoffs) - 5  # a heading, the count and the blank lines around the list
    cut = len(listed) if len(listed) <= room else max(room - 1, MIN_SHOWN)  # one line says how many more
    shown, rest = listed[:cut], listed[cut:]
    lines = ["## Exceptions", ""]
    if not listed:
        lines += ["None: nothing N/A, blocked, overridden, revoked, signed again, stale, overdue or open, "
                  "and every line of the log read.", ""]
    else:
        lines += [f"{count(len(listed), 'exception')}: {tally(listed)}.", ""]
        lines += [f"- {md_line(deviation.text)}" for deviation in shown]
        if rest:
            places = dict.fromkeys(_WHERE.get(deviation.kind, "their items") for deviation in rest)
            lines.append(f"- … and {len(rest)} more ({tally(rest)}): see {' and '.join(places)} below")
        lines.append("")
    return lines + signoffs


def _signoffs_markdown(state: RunState, ids: bool = False) -> list[str]:
    """Who signed: role, what it vouches for, name, signature, when, and whether the signature still vouches for
    what it covers. With `ids`, each role's cell carries its safeguards in a comment (core/record_attributes.py), so
    the record imports back with them."""
    if not state.checklist.signoffs:
        return []
    lines = ["## Sign-offs", "", "| Role | Covers | Name | Signature | Signed | State |",
             "|------|--------|------|-----------|--------|-------|"]
    for role in state.checklist.signoffs:
        signed = state.signoffs.get(role)
        covers = state.checklist.covers_text(role)
        if signed is None:
            row = md_row([role, covers, "", "", "", "not signed"])
        else:
            standing = f"stale: signed before {state.checklist.latest_change_text(role)}" if is_stale(state, role) \
                else "current"
            if signed.open_items:
                what = "readiness item" if state.checklist.covers_text(role) == "all readiness" else "covered item"
                standing += f"; {count(signed.open_items, what)} open when signed"
            row = md_row([role, covers, signed.name, signature_text(state, role), when(signed.at), standing])
        lines.append(_with_role_comment(row, state, role) if ids else row)
    return [*lines, ""]


def _with_role_comment(row: str, state: RunState, role: str) -> str:
    """The row with the role's safeguards in a comment at the end of its first cell (`| QA <!-- … --> | …`)."""
    first = f"| {md_line(role)}"
    return first + role_comment(state.checklist, role) + row[len(first):]


def signature_text(state: RunState, role: str) -> str:
    """A typed signature as typed; a key signature by its key as the signature itself holds it (never the fingerprint
    the event claims), and whether it verified against the run's own allowed signers (`verify` says why)."""
    from heypeter_tui.core.ssh_signatures import signature_key

    signed = state.signoffs[role]
    event = state.events[signed.seq]
    if not event.get("ssh_signature"):
        return signed.signature
    verdict = "verified" if role in state.verified else "NOT verified"
    key_type, fingerprint = signature_key(event.get("ssh_signature")) or ("unreadable", "signature")
    return f"{key_type} key {fingerprint}, {verdict}"


# -- the exceptions, each kind -----------------------------------------------------------------------


def integrity_line(integrity: Integrity) -> str:
    """`83 events read; 2 lines skipped (12, 40); 1 line set aside (58)`: how whole the log was."""
    parts = [count(integrity.events, "event") + " read"]
    for lines, what in ((integrity.skipped_lines, "skipped"), (integrity.set_aside_lines, "set aside")):
        if lines:
            shown = ", ".join(map(str, lines[:20])) + (", …" if len(lines) > 20 else "")
            parts.append(f"{count(len(lines), 'line')} {what} ({shown})")
    if integrity.unapplied:
        parts.append(f"{count(integrity.unapplied, 'event')} not applied")
    if integrity.chain:
        parts.append(integrity.chain)
    if integrity.whole:
        parts.append("every line of the log is part of this record")
    return "; ".join(parts)


def _log(integrity: Integrity | None) -> Iterator[Deviation]:
    if integrity is not None and not integrity.whole:
        yield Deviation("log", "", f"Log: {integrity_line(integrity)}")


def _by(actor: Actor | None, at: str | None) -> str:
    return f", by {who(actor)}, {when(at)}" if actor and at else ""


def _items(state: RunState, kind: str) -> Iterator[Deviation]:
    """The items of one kind of exception, in checklist order."""
    label = KINDS[kind][0]
    for group in state.checklist.groups:
        for item in group.items:
            key, current = group.key(item), state.item(group.key(item))
            subject = f"{group.title} / {item.text}"
            if kind == "blocked" and current.status == BLOCKED or kind == "na" and current.status == NA:
                because = f": {current.reason}" if current.reason else ""
                text = f"{label}: {subject}{_by(current.actor, current.at)}{because}"
                yield Deviation(kind, key, text, current.reason, current.actor, current.at)
            elif kind == "override" and current.override:
                text = f"{label}: {subject}, ticked while NO-GO{_by(current.actor, current.at)}: {current.override}"
                yield Deviation(kind, key, text, current.override, current.actor, current.at)
            elif kind == "check_not_passed" and current.check is not None:
                yield from _check_deviation(state, group, item, key, current.check)
            elif kind == "open_phase_item" and group.kind == GroupKind.PHASE and current.status == PENDING:
                yield Deviation(kind, key, f"{label}: {subject}{' (optional)' if item.optional else ''}")


def _check_deviation(state: RunState, group, item, key: str, latest: Event) -> Iterator[Deviation]:
    """An item's latest check that did not pass (a later pass clears it); for a monitoring check (`every`), any run
    that did not pass while it watched: a fault in the middle of the watch is what the watch was for."""
    from heypeter_tui.core.record_checks import check_events

    label, subject = KINDS["check_not_passed"][0], f"{group.title} / {item.text}"
    if item.check is not None and item.check.every is not None:
        runs = check_events(state, key)
        first, faults = None, 0
        for run in runs:  # read one at a time: a watch of a day is a hundred thousand runs
            if run.get("outcome") != "passed":
                first, faults = first or run, faults + 1
        if first is not None:
            text = (f"{label}: {subject}: {faults} of {count(len(runs), 'run')} did not pass while it watched "
                    f"(the first: {outcome_line(first)}, {when(first.ts)})")
            yield Deviation("check_not_passed", key, text, "", first.actor, first.ts)
    elif latest.get("outcome") != "passed":
        text = f"{label}: {subject}: {outcome_line(latest)}{_by(latest.actor, latest.ts)}"
        yield Deviation("check_not_passed", key, text, "", latest.actor, latest.ts)


def signing_history(state: RunState) -> Iterator[Deviation]:
    """Sign-offs revoked (whose, by whom, why, when) and given again, in log order. An undone signature never
    happened; an undone revoke did, and keeps its reason: someone withdrew a sign-off for a reason, and a reviewer
    reads it whatever came after (the undo is said beside it)."""
    roles = set(state.checklist.signoffs)
    latest: dict[str, Event] = {}  # each role's signature that counts now
    signed_before: set[str] = set()
    undone_by = undos_of(state)
    from heypeter_tui.core.item_log import Picked, item_log

    for event in Picked(state.events, item_log(state).signing()):
        role = str(event.get("role", ""))
        if role not in roles:
            continue
        if event.type == ev.SIGNOFF_REVOKE:
            undo = undone_by.get(event.id) if event.id in state.undone else None
            previous = latest.get(role) if undo is not None else latest.pop(role, None)
            whose = f" (signed by {previous.get('name', '')})" if previous else ""
            reason = str(event.get("reason") or "")
            later = f"; the revoke undone since{_by(undo.actor, undo.ts)}" if undo is not None else ""
            text = (f"Sign-off revoked: {role}{whose}{_by(event.actor, event.ts)}{': ' + reason if reason else ''}"
                    f"{later}")
            yield Deviation("revoked", role, text, reason, event.actor, event.ts)
            continue
        if event.id in state.undone:
            continue
        if misplaced(event):  # a replayed or moved key signature: it never stood, and is said as such
            text = (f"Sign-off not counted: {role} by {event.get('name', '')}, {when(event.ts)}: its key signature "
                    "was made for another place in the chain (a sign line replayed or moved)")
            yield Deviation("not_counted", role, text, "", event.actor, event.ts)
            continue
        if role in signed_before:
            previous = latest.get(role)  # none: its signature was revoked
            over = f"over the signature of {previous.get('name', '')}, {when(previous.ts)}" if previous else ""
            over = over or "after a revoke"
            text = f"Signed again: {role} by {event.get('name', '')}, {when(event.ts)}, {over}"
            yield Deviation("resigned", role, text, "", event.actor, event.ts)
        signed_before.add(role)
        latest[role] = event


def _stale(state: RunState) -> Iterator[Deviation]:
    for role in state.checklist.signoffs:
        signed = state.signoffs.get(role)
        if signed is not None and is_stale(state, role):
            change = stale_since(state, role) or state.events[state.readiness_seq]
            covers = state.checklist.covers_text(role)
            what = "readiness" if covers == "all readiness" else covers
            since = f"{what} changed since: {describe(state, change)}, {when(change.ts)}"
            text = f"Stale sign-off: {role} by {signed.name}, {when(signed.at)}, {since}"
            yield Deviation("stale", role, text, "", signed.actor, signed.at)


def _overdue(state: RunState, now: datetime) -> Iterator[Deviation]:
    for phase in state.checklist.phases:
        moment = due_at(state, phase)
        if moment is not None and is_overdue(state, phase, now):
            still = sum(not state.item(phase.key(item)).complete for item in phase.items)
            due = f"due {when(to_iso(moment))} ({offset(phase.due or 0)})"
            text = f"Overdue: {phase.title}, {due}, {still} of {count(len(phase.items), 'item')} open"
            yield Deviation("overdue", phase.id, text, "", None, to_iso(moment))
