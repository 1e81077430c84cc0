"""What a person may ask of a run, checked against its state, as the event to record.

Shared by the command line and the dashboard, so both enforce the same rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from heypeter_tui.core import events as ev
from heypeter_tui.core.clock import parse_when, to_iso
from heypeter_tui.core.errors import UserError
from heypeter_tui.core.rules import gate, is_go, open_readiness_items
from heypeter_tui.core.run import DONE, LABELS, NEEDS_REASON, STATUSES, ItemState, RunState
from heypeter_tui.core.staleness import readiness_digest
from heypeter_tui.core.text import (
    MAX_CONTACT_FIELD,
    MAX_NAME,
    MAX_NOTE,
    MAX_REASON,
    MAX_SIGNATURE,
    MAX_TITLE,
    check_length,
    clean,
    clean_line,
    count,
)

TYPE_CHECKING = False  # typing is not imported at run time: `status` starts without it
if TYPE_CHECKING:
    from typing import Any

    from heypeter_tui.core.checks import CheckResult
    from heypeter_tui.core.events import Event

_STATUS_WORDS = {"pending": "pending", "open": "pending", "done": "done", "na": "na", "n/a": "na", "blocked": "blocked"}


@dataclass(frozen=True)
class Change:
    """An event still to be recorded: its type and its fields."""

    type: str
    data: dict[str, Any] = field(default_factory=dict)


def parse_status(word: str) -> str:
    status = _STATUS_WORDS.get(word.strip().lower())
    if status is None:
        raise UserError(f"unknown status {word[:40]!r}; use one of: {', '.join(STATUSES)}")
    return status


def find_item(state: RunState, reference: str) -> str:
    """An item by its key (`section/item`), its id where unique, or its exact text."""
    items = state.checklist.items_by_key
    if reference in items:
        return reference
    wanted = reference.strip().casefold()
    matches = [key for key, (_, item) in items.items() if item.id == reference or item.text.casefold() == wanted]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise UserError(f"no item {reference[:200]!r} in checklist {state.checklist.id!r}")
    raise UserError(f"{reference[:200]!r} matches {len(matches)} items; use one of: {', '.join(matches[:10])}")


def find_role(roles: tuple[str, ...] | list[str], reference: str, what: str = "sign-off role") -> str:
    wanted = reference.strip().casefold()
    for role in roles:
        if role.casefold() == wanted or role.casefold().replace(" ", "-") == wanted:
            return role
    listed = f"the roles are: {', '.join(roles)}" if roles else f"this run's checklist has no {what}s"
    raise UserError(clean_line(f"no {what} {reference[:200]!r}; {listed}"))


def needs_override(state: RunState, key: str, status: str) -> bool:
    """Ticking an item of a gated phase (During Deployment) while the gate says NO-GO."""
    group, _ = state.checklist.items_by_key[key]
    return group.gated and status == DONE and state.item(key).status != DONE and not is_go(state)


def failed_check(state: RunState, key: str) -> Event | None:
    """The item's latest check, where it failed or timed out: ticking the item done says why, for the record (a
    cancelled check judged nothing)."""
    from heypeter_tui.core.checks import CANCELLED, PASSED

    event = state.item(key).check
    return None if event is None or event.data.get("outcome") in (PASSED, CANCELLED) else event


def set_status(state: RunState, key: str, status: str, reason: str = "", override: str = "") -> Change:
    if key not in state.checklist.items_by_key:
        raise UserError(f"no item {key!r}")
    reason = check_length(clean(reason).strip(), MAX_REASON, "the reason")
    if status in NEEDS_REASON and not reason:
        raise UserError(f"marking an item {LABELS[status]} needs a reason")
    data: dict[str, Any] = {"item": key, "status": status}
    if reason and status in NEEDS_REASON:
        data["reason"] = reason
    failed = failed_check(state, key) if status == DONE and state.item(key).status != DONE else None
    if failed is not None:
        from heypeter_tui.core.checks import outcome_line

        if not reason:
            item = state.checklist.items_by_key[key][1]
            raise UserError(f"the latest check of {item.text!r} {outcome_line(failed.data).removeprefix('check ')}; "
                            "ticking it done needs a reason (--reason WHY)")
        data["reason"] = reason  # the record says why it was ticked all the same
    if needs_override(state, key, status):
        override = check_length(clean(override).strip(), MAX_REASON, "the override reason")
        if not override:
            group, item = state.checklist.items_by_key[key]
            reasons = count(len(gate(state).reasons), "reason")
            raise UserError(
                f"the gate says NO-GO ({reasons}); ticking {item.text!r} of {group.title} "
                "needs an override reason (--override REASON)"
            )
        data["override"] = override
    return Change(ev.ITEM_STATUS, data)


def item_moved(seen: ItemState, now: ItemState) -> bool:
    """The item's status was set again (by anyone, even to the same) since `seen` was shown: notes aside."""
    return (seen.status, seen.reason, seen.override, seen.at, seen.actor) != (
        now.status, now.reason, now.override, now.at, now.actor)


def last_change(state: RunState, key: str) -> str:
    """`marked done by Dana (dana@qa) at 2026-12-03 14:02:11 UTC: reason`: who set the item to what, and when."""
    from heypeter_tui.core.record_text import who

    current = state.item(key)
    if current.actor is None or current.at is None:
        return f"{LABELS[current.status]}, never marked"
    because = f": {current.reason}" if current.reason else ""
    at = current.at.replace("T", " ").split(".")[0].removesuffix("Z") + " UTC"
    return clean_line(f"marked {LABELS[current.status]} by {who(current.actor)} at {at}{because}")


def toggle_done(state: RunState, key: str, override: str = "") -> Change:
    """Space on an item: done <-> pending (N/A and blocked items become done)."""
    return set_status(state, key, "pending" if state.item(key).status == DONE else DONE, override=override)


def set_t0(text: str, now: datetime) -> Change:
    try:
        moment = parse_when(text, now)
    except ValueError as error:
        raise UserError(str(error)) from error
    return Change(ev.RUN_T0, {"t0": to_iso(moment)})


def rename(state: RunState, title: str) -> Change:
    """The run's title from here on: the header, `runs`, the record. A reference by title still takes the title the
    run was made with (its first line: naming a run reads no whole log), and its id."""
    title = check_length(clean_line(title).strip(), MAX_TITLE, "the title")
    if not title:
        raise UserError("a run's title cannot be empty")
    if title == state.title:
        raise UserError(f"the run is titled {title!r} already")
    return Change(ev.RUN_RENAMED, {"title": title})


def toggle_timer(state: RunState, key: str) -> Change:
    """Start the item's timer, or stop it while it runs."""
    _, item = state.checklist.items_by_key[key]
    if not item.timer:
        raise UserError(f"{item.text!r} has no timer")
    running = state.timers.get(key)
    if running is not None and running.stopped_at is None:
        return Change(ev.TIMER_STOP, {"item": key})
    return Change(ev.TIMER_START, {"item": key, "seconds": item.timer})


def timer(state: RunState, key: str, action: str) -> Change:
    running = state.timers.get(key)
    is_running = running is not None and running.stopped_at is None
    if action == "start" and is_running:
        raise UserError(f"the timer of {key!r} is already running")
    if action == "stop" and not is_running:
        raise UserError(f"the timer of {key!r} is not running")
    if action not in ("start", "stop"):
        raise UserError(f"unknown timer action {action!r}; use start or stop")
    return toggle_timer(state, key)


def add_note(state: RunState, key: str, text: str) -> Change:
    if key not in state.checklist.items_by_key:
        raise UserError(f"no item {key!r}")
    text = check_length(clean(text).strip(), MAX_NOTE, "the note")
    if not text:
        raise UserError("a note needs some text")
    return Change(ev.ITEM_NOTE, {"item": key, "text": text})


def sign(state: RunState, role: str, name: str, signature: str = "") -> Change:
    role = find_role(state.checklist.signoffs, role)
    name = check_length(clean_line(name).strip(), MAX_NAME, "the name")
    if not name:
        raise UserError(f"signing as {role} needs a name")
    signature = check_length(clean_line(signature).strip(), MAX_SIGNATURE, "the signature")
    return Change(
        ev.SIGNOFF_SIGN,
        {
            "role": role,
            "name": name,
            "signature": signature or name,
            "open_items": open_readiness_items(state, role),
            "readiness": readiness_digest(state, role),
        },
    )


def key_signed(change: Change, signature: str, key_type: str, fingerprint: str, head: str | None, at: str) -> Change:
    """A sign-off (from `sign`) with its SSH signature: what the signature covers is in the event, so a verifier
    rebuilds it from the log (core/ssh_signatures.py, `payload`)."""
    return Change(change.type, {**change.data, "ssh_signature": signature, "ssh_key_type": key_type,
                                "ssh_fingerprint": fingerprint, "signed_head": head, "signed_at": at})


def revoke(state: RunState, role: str, reason: str) -> Change:
    role = find_role(state.checklist.signoffs, role)
    if role not in state.signoffs:
        raise UserError(f"{role} has not signed")
    reason = check_length(clean(reason).strip(), MAX_REASON, "the reason")
    if not reason:
        raise UserError("revoking a sign-off needs a reason")
    return Change(ev.SIGNOFF_REVOKE, {"role": role, "reason": reason})


def undo(state: RunState, target_id: str) -> Change:
    """An undo of the change `target_id`. Refused for the revoke of a key signature: a withdrawn key signature never
    counts again (core/signoff_check.py), so undoing its revoke would bring back a sign-off that can never verify,
    without a word. A revoke is undone only by a new signature."""
    from heypeter_tui.core.item_log import item_log
    from heypeter_tui.core.run import misplaced

    position = state.events.first_position(target_id)
    target = state.events[position] if position is not None else None
    if position is not None and target is not None and target.type == ev.SIGNOFF_REVOKE:
        role = target.get("role")
        earlier = (state.events[at] for at in reversed(item_log(state).signing()) if at < position)
        revoked = next((event for event in earlier if event.type == ev.SIGNOFF_SIGN and event.get("role") == role
                        and event.id not in state.undone and not misplaced(event)), None)
        if revoked is not None and revoked.get("ssh_signature"):
            raise UserError(f"the revoke of {role}'s key signature (by {revoked.get('name')}) cannot be undone: a "
                            "revoke is undone only by a new signature; sign again")
    return Change(ev.UNDO, {"target": target_id})


def set_contact(state: RunState, role: str, name: str, phone: str, email: str, add: bool = False) -> Change:
    """A contact's name, phone and email. `add`: a row beyond the checklist's roles (vendor support, the incident
    bridge), named as typed; one that names an existing row (in any case) is that row."""
    if add:
        role = check_length(clean_line(role).strip(), MAX_CONTACT_FIELD, "the contact's role")
        if not role:
            raise UserError("a new contact needs a role (what they are for: Vendor support, Incident bridge)")
        existing = next((known for known in state.contacts if known.casefold() == role.casefold()), None)
        role = existing or role
    else:
        role = find_role(list(state.contacts), role, "contact role")
    fields = {"name": name, "phone": phone, "email": email}
    cleaned = {k: check_length(clean_line(v).strip(), MAX_CONTACT_FIELD, f"the {k}") for k, v in fields.items()}
    return Change(ev.CONTACT_SET, {"role": role, **cleaned})


def checked(state: RunState, key: str, result: CheckResult) -> tuple[list[Change], str]:
    """What a check's result records: its evidence, and where it passed the item done, by the rule ticking it
    follows. Returns the changes and, where a pass does not mark it, why (a gated item while NO-GO). A monitoring
    check (`every`) never marks, whoever runs it (`v`, `check`, its repeats): monitoring is not over at its first
    probe."""
    changes = [Change(ev.ITEM_CHECK, result.to_data(key))]
    check = state.checklist.items_by_key[key][1].check if key in state.checklist.items_by_key else None
    monitoring = check is not None and check.every is not None  # its item is ticked by a person once the watch is over
    if monitoring or not result.passed or state.item(key).status == DONE:
        return changes, ""
    if needs_override(state, key, DONE):
        return changes, "not marked done: the gate says NO-GO, and ticking this item needs an override reason"
    return changes + [Change(ev.ITEM_STATUS, {"item": key, "status": DONE})], ""
