"""A sign-off's whole history: who signed, with which key, whether it verified, who revoked it and why.

The sign-off table shows where a role stands now; a revoke's reason, a signature replaced by another, a key
signature that never verified are gone from it the moment the next signature lands. This is what the sign-offs
view shows one key away (`i`): every sign and revoke line of the role, oldest first, each with who wrote it and
when, and whether an undo took it back since.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from heypeter_tui.core import events as ev
from heypeter_tui.core.events import Actor, Event
from heypeter_tui.core.run import RunState, misplaced

TYPE_CHECKING = False
if TYPE_CHECKING:
    from heypeter_tui.core.signoff_check import RoleCheck


@dataclass(frozen=True)
class Entry:
    """One line of a sign-off's history: when, by whom (the login that wrote it), and what."""

    at: str
    actor: Actor
    text: str
    undone: Event | None = None
    """The undo that took it back, where one did: said, never hidden."""


def signoff_history(state: RunState, role: str, checks: Mapping[int, RoleCheck] | None = None) -> list[Entry]:
    """Every sign and revoke of `role`, oldest first. `checks`: each key-signed line's own verdict by its position
    (core/signoff_check.py, `line_checks`); a key signature without one is said as not checked yet."""
    from heypeter_tui.core.item_log import item_log
    from heypeter_tui.core.ssh_signatures import signature_key

    undos = undos_of(state)
    entries = []
    for position in item_log(state).signing():
        event = state.events[position]
        if event.get("role") != role:
            continue
        if event.type == ev.SIGNOFF_REVOKE:
            text = f"revoked: {event.get('reason') or 'no reason given'}"
        else:
            name, typed = str(event.get("name") or ""), str(event.get("signature") or "")
            text = f"signed by {name}" + (f" (signature: {typed})" if typed and typed != name else "")
            key = event.get("ssh_signature")
            if key:
                key_type, fingerprint = signature_key(key) or ("unreadable", "signature")
                text += f" with {key_type} key {fingerprint}: " + _verdict(event, (checks or {}).get(position))
            else:
                text += ", by name (no key)"
        entries.append(Entry(event.ts, event.actor, text, undos.get(event.id) if event.id in state.undone else None))
    return entries


def undos_of(state: RunState) -> dict[str, Event]:
    """Each undone change's id -> the undo that counts for it (the first after it, as the fold judges)."""
    from heypeter_tui.core.item_log import item_log
    from heypeter_tui.core.run import event_positions

    positions = event_positions(state)
    found: dict[str, Event] = {}
    for position in item_log(state).undos():
        event = state.events[position]
        target = str(event.get("target", ""))
        if target in state.undone and positions.get(target, position) < position:  # only an earlier line
            found.setdefault(target, event)
    return found


def _verdict(event: Event, check: RoleCheck | None) -> str:
    if misplaced(event):
        return "not counted: signed for another place in the chain (a sign line replayed or moved)"
    if check is None:
        return "not checked yet"
    return f"verified, {check.said}" if check.ok else f"NOT verified: {check.said}"
