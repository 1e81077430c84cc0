"""What a person may ask of a run, checked against its state, as the event to record.

Shared by the command line and the dashboard, so both enforce the same rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from heypeter_tui.core import events as ev
from heypeter_tui.core.errors import UserError
from heypeter_tui.core.run import (
    LABELS,
    NEEDS_REASON,
    STATUSES,
    RunState,
    open_readiness_items,
)
from heypeter_tui.core.text import clean, clean_line

_STATUS_WORDS = {"pending": "pending", "open": "pending", "done": "done", "na": "na", "n/a": "na", "blocked": "blocked"}


@dataclass(frozen=True)
class Change:
    """An event still to be recorded: its type and its fields."""

    type: str
    data: dict[str, Any] = field(default_factory=dict)


def parse_status(word: str) -> str:
    status = _STATUS_WORDS.get(word.strip().lower())
    if status is None:
        raise UserError(f"unknown status {word!r}; use one of: {', '.join(STATUSES)}")
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
        raise UserError(f"no item {reference!r} in checklist {state.checklist.id!r}")
    raise UserError(f"{reference!r} matches {len(matches)} items; use one of: {', '.join(matches)}")


def find_role(roles: tuple[str, ...] | list[str], reference: str, what: str = "sign-off role") -> str:
    wanted = reference.strip().casefold()
    for role in roles:
        if role.casefold() == wanted or role.casefold().replace(" ", "-") == wanted:
            return role
    raise UserError(f"no {what} {reference!r}; the roles are: {', '.join(roles)}")


def set_status(state: RunState, key: str, status: str, reason: str = "") -> Change:
    if key not in state.checklist.items_by_key:
        raise UserError(f"no item {key!r}")
    reason = clean(reason).strip()
    if status in NEEDS_REASON and not reason:
        raise UserError(f"marking an item {LABELS[status]} needs a reason")
    data: dict[str, Any] = {"item": key, "status": status}
    if reason and status in NEEDS_REASON:
        data["reason"] = reason
    return Change(ev.ITEM_STATUS, data)


def toggle_done(state: RunState, key: str) -> Change:
    """Space on an item: done <-> pending (N/A and blocked items become done)."""
    return set_status(state, key, "pending" if state.item(key).status == "done" else "done")


def add_note(state: RunState, key: str, text: str) -> Change:
    if key not in state.checklist.items_by_key:
        raise UserError(f"no item {key!r}")
    text = clean(text).strip()
    if not text:
        raise UserError("a note needs some text")
    return Change(ev.ITEM_NOTE, {"item": key, "text": text})


def sign(state: RunState, role: str, name: str, signature: str = "") -> Change:
    role = find_role(state.checklist.signoffs, role)
    name = clean_line(name).strip()
    if not name:
        raise UserError(f"signing as {role} needs a name")
    return Change(
        ev.SIGNOFF_SIGN,
        {
            "role": role,
            "name": name,
            "signature": clean_line(signature).strip() or name,
            "open_items": open_readiness_items(state),
        },
    )


def revoke(state: RunState, role: str, reason: str) -> Change:
    role = find_role(state.checklist.signoffs, role)
    if role not in state.signoffs:
        raise UserError(f"{role} has not signed")
    reason = clean(reason).strip()
    if not reason:
        raise UserError("revoking a sign-off needs a reason")
    return Change(ev.SIGNOFF_REVOKE, {"role": role, "reason": reason})


def set_contact(state: RunState, role: str, name: str, phone: str, email: str) -> Change:
    role = find_role(list(state.contacts), role, "contact role")
    fields = {"name": name, "phone": phone, "email": email}
    return Change(ev.CONTACT_SET, {"role": role, **{k: clean_line(v).strip() for k, v in fields.items()}})
