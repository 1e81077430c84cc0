"""When a sign-off still vouches for the readiness that is there: by a digest of what was signed.

A signature records the digest of what its signer saw of what the role vouches for: the status and reason of
every item of its `covers:` (core/checklist.py, `covered_groups`), or of every readiness item for a role without
one. It is stale while that differs, and fresh again once a change is undone or reversed: a stray `space` that is
put back leaves every sign-off as it was, and a tick in Documentation leaves the Tech Lead's, which covers Code
Readiness, as it was. A signature from a log written before digests (no `readiness` field) keeps the old rule:
stale after any later readiness change.
"""

from __future__ import annotations

import hashlib
import json

from heypeter_tui.core import events as ev
from heypeter_tui.core.memo import for_state
from heypeter_tui.core.run import NEEDS_REASON, PENDING, RunState

TYPE_CHECKING = False
if TYPE_CHECKING:
    from datetime import datetime

    from heypeter_tui.core.commands import Change
    from heypeter_tui.core.events import Actor, Event


def _digest(statuses: list[list[str]]) -> str:
    return hashlib.sha256(json.dumps(statuses, ensure_ascii=True, separators=(",", ":")).encode()).hexdigest()


def _entry(key: str, status: str, reason: str) -> list[str]:
    # A reason counts only where it is part of the status (N/A, blocked): the signer vouched for it.
    return [key, status, reason if status in NEEDS_REASON else ""]


def readiness_digest(state: RunState, role: str | None = None) -> str:
    """SHA-256 of the key, status and reason of every item `role` vouches for (without a role, or for a role
    without `covers:`, every readiness item), in checklist order: what its signature records."""

    def entry(key: str) -> list[str]:
        current = state.item(key)
        return _entry(key, current.status, current.reason)

    keys = covered_keys(state, role)
    return for_state(f"readiness-digest {role or ''}", state, lambda: _digest([entry(key) for key in keys]))


def covered_keys(state: RunState, role: str | None = None) -> list[str]:
    """The keys of the items `role` vouches for, in checklist order (every readiness item without a role)."""
    groups = state.checklist.covered_groups(role) if role is not None else state.checklist.sections
    return [group.key(item) for group in groups for item in group.items]


def is_stale(state: RunState, role: str) -> bool:
    """A signature no longer vouches for what its role covers as it is now."""
    signature = state.signoffs.get(role)
    if signature is None:
        return False
    if signature.readiness:
        return signature.readiness != readiness_digest(state, role)
    return state.readiness_seq > signature.seq


def stale_roles(state: RunState) -> list[str]:
    return [role for role in state.checklist.signoffs if is_stale(state, role)]


def made_stale_by(state: RunState, change: Change, actor: Actor, now: datetime) -> list[str]:
    """The roles signed and fresh now that `change` would make stale: what to ask about first."""
    from heypeter_tui.core.events import new_event
    from heypeter_tui.core.run import advance

    fresh = [role for role in state.checklist.signoffs if role in state.signoffs and not is_stale(state, role)]
    if not fresh or change.type not in (ev.ITEM_STATUS, ev.UNDO):
        return []
    after = advance(state, [new_event(change.type, actor, now, **change.data)])
    return [role for role in fresh if is_stale(after, role)]


def stale_since(state: RunState, role: str) -> Event | None:
    """The change that last moved readiness away from what `role` signed, if it is stale."""
    if not is_stale(state, role):
        return None
    return for_state("stale-since", state, lambda: _stale_since_all(state)).get(role)


def _stale_since_all(state: RunState) -> dict[str, Event]:
    """One walk over the log for every stale role. Each readiness item's value is replayed as the fold
    makes it (an undo puts back the latest earlier change still in force), and the items that differ
    from what each role signed are kept as a set: a step costs one item per role, not the whole list."""
    roles = {state.signoffs[role].seq: role for role in state.checklist.signoffs if is_stale(state, role)}
    covered = {role: covered_keys(state, role) for role in roles.values()}
    keys = state.checklist.readiness_keys.union(*map(set, covered.values()))
    history: dict[str, list[tuple[str, list[str]]]] = {}  # key -> (event id, entry), in log order
    values: dict[str, list[str]] = {}
    undone: set[str] = set()
    changed_by: dict[str, str] = {}  # event id -> the readiness key it changed
    watching: dict[str, tuple[dict[str, list[str]], set[str]]] = {}  # role -> (what it signed, keys differing)
    since: dict[str, Event] = {}
    legacy: set[str] = set()
    from heapq import merge

    log = state.events  # only the events this walk can act on, by the log's index: status changes of these keys,
    index = log.index  # undos, sign-offs; in log order
    wanted = [log.positions(index.statuses.get(key)) for key in keys]
    for position in merge(*wanted, log.positions(index.undos), log.positions(index.signing)):
        event = log[position]
        changed = None
        if event.type == ev.ITEM_STATUS and event.get("item") in keys:
            changed = event.data["item"]
            changed_by.setdefault(event.id, changed)
            entry = _entry(changed, str(event.data["status"]), str(event.data.get("reason") or ""))
            history.setdefault(changed, []).append((event.id, entry))
        elif event.type == ev.UNDO and event.get("target") in changed_by and event.data["target"] not in undone:
            undone.add(event.data["target"])  # only an earlier line is in `changed_by`: as the fold judges
            changed = changed_by[event.data["target"]]
        if changed is not None:
            for role in legacy if changed in state.checklist.readiness_keys else ():
                since.setdefault(role, event)
            in_force = [entry for event_id, entry in history[changed] if event_id not in undone]
            values[changed] = in_force[-1] if in_force else _entry(changed, PENDING, "")
            for role, (signed, differing) in watching.items():
                if changed not in signed:
                    continue  # not what this role vouches for
                was_stale = bool(differing)
                if values[changed] != signed[changed]:
                    differing.add(changed)
                else:
                    differing.discard(changed)
                if differing and not was_stale:
                    since[role] = event
        role = roles.get(position)
        if role is not None and event.type == ev.SIGNOFF_SIGN:
            signature = state.signoffs[role]
            signed = {key: values.get(key) or _entry(key, PENDING, "") for key in covered[role]}
            # Rare: a change landed as they signed, so they saw other than the log held. Said stale from
            # the signing on (were it fresh again, then stale once more, this still names the signing).
            seen = _digest(list(signed.values()))
            if signature.readiness and seen != signature.readiness:
                since[role] = event
                continue
            if signature.readiness:
                watching[role] = (signed, set())
            else:
                legacy.add(role)  # a log from before digests: stale from the first later readiness change
    return since

