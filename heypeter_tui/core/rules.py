"""The rules over a run's state: progress per group and overall, and the Go / No-Go gate. Pure functions.

The screen asks about the latest state from several widgets at once: see core/memo.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from heypeter_tui.core.checklist import Group, GroupKind
from heypeter_tui.core.memo import for_state
from heypeter_tui.core.run import BLOCKED, COMPLETE, RunState
from heypeter_tui.core.staleness import is_stale

TYPE_CHECKING = False  # typing is not imported at run time: `status` starts without it
if TYPE_CHECKING:
    from typing import Any


@dataclass(frozen=True)
class Progress:
    """Items complete (done or n/a) out of all, and how many are blocked."""

    complete: int
    total: int
    blocked: int = 0

    @property
    def fraction(self) -> float:
        return self.complete / self.total if self.total else 1.0

    def __str__(self) -> str:
        return f"{self.complete}/{self.total}"


def _progress_by_group(state: RunState) -> dict[str, Progress]:
    def compute() -> dict[str, Progress]:
        result = {}
        for group in state.checklist.groups:
            statuses = [state.item(group.key(item)).status for item in group.items]
            result[group.id] = Progress(
                sum(status in COMPLETE for status in statuses), len(statuses), statuses.count(BLOCKED)
            )
        return result

    return for_state("progress", state, compute)


def group_progress(state: RunState, group: Group) -> Progress:
    return _progress_by_group(state)[group.id]


def overall_progress(state: RunState, groups: Iterable[Group] | None = None) -> Progress:
    parts = [group_progress(state, group) for group in (groups if groups is not None else state.checklist.groups)]
    return Progress(sum(p.complete for p in parts), sum(p.total for p in parts), sum(p.blocked for p in parts))


@dataclass(frozen=True)
class Gate:
    """The Go / No-Go verdict and every reason it is not GO."""

    go: bool
    reasons: tuple[str, ...]
    kinds: tuple[str, ...] = ()
    """Each reason's rule (`open`, `blocked`, `not signed`, `stale`), so the record can count them without
    reading its sentences."""
    keys: tuple[str, ...] = ()
    """Each reason's item key where it names an item (`open`, `blocked`), else "": the dashboard goes to it."""

    @property
    def verdict(self) -> str:
        return "GO" if self.go else "NO-GO"


def gate(state: RunState) -> Gate:
    return for_state("gate", state, lambda: _judge(state))


def is_go(state: RunState) -> bool:
    """The verdict alone, without writing out thousands of reasons: what the header and badges need."""
    return for_state("go", state, lambda: _nothing_in_the_way(state))


def _nothing_in_the_way(state: RunState) -> bool:
    if state.doubt:
        return False
    for group in state.checklist.groups:
        readiness = group.kind == GroupKind.SECTION
        for item in group.items:
            current = state.item(group.key(item))
            if current.status == BLOCKED or (readiness and not current.complete and not item.optional):
                return False
    return all(role in state.signoffs and not is_stale(state, role) and not needs_signature(state, role)
               for role in state.checklist.signoffs)


def needs_signature(state: RunState, role: str) -> bool:
    """A role that counts only when signed with a key of one of its principals, signed otherwise (or unverified)."""
    signers = state.checklist.signers_of(role)
    return signers is not None and signers.required and role not in state.verified


def _judge(state: RunState) -> Gate:
    """GO only when every readiness item is done or N/A (optional ones may stay open), nothing is
    blocked, and every sign-off role has signed the readiness that is there now."""
    reasons: list[str] = [f"log: {state.doubt}; `heypeter-tui verify` says more"] if state.doubt else []
    kinds: list[str] = ["log"] if state.doubt else []
    keys: dict[int, str] = {}
    for group in state.checklist.groups:  # anything blocked holds the gate; open readiness items do too
        readiness = group.kind == GroupKind.SECTION
        for item in group.items:
            current = state.item(group.key(item))
            if current.status == BLOCKED or (readiness and not current.complete and not item.optional):
                keys[len(reasons)] = group.key(item)
            if current.status == BLOCKED:
                because = f": {current.reason}" if current.reason else ""
                reasons.append(f"blocked: {group.title} / {item.text}{because}")
                kinds.append("blocked")
            elif readiness and not current.complete and not item.optional:
                reasons.append(f"open: {group.title} / {item.text}")
                kinds.append("open")
    for role in state.checklist.signoffs:
        if role not in state.signoffs:
            reasons.append(f"not signed: {role}")
            kinds.append("not signed")
        elif is_stale(state, role):
            reasons.append(f"stale: {role} signed before {state.checklist.latest_change_text(role)}; sign again")
            kinds.append("stale")
        elif needs_signature(state, role):
            principals = ", ".join(state.checklist.signers_of(role).principals)  # type: ignore[union-attr]
            reasons.append(f"unverified: {role} must be signed with an SSH key of {principals}, verified against the "
                           "allowed signers")
            kinds.append("unverified")
    return Gate(not reasons, tuple(reasons), tuple(kinds), tuple(keys.get(n, "") for n in range(len(reasons))))


def open_readiness_items(state: RunState, role: str | None = None) -> int:
    """Items still open (neither done nor N/A) of what `role` vouches for; without a role, of all readiness."""
    groups = state.checklist.covered_groups(role) if role is not None else state.checklist.sections
    return sum(not state.item(group.key(item)).complete for group in groups for item in group.items)


def summary(state: RunState) -> dict[str, Any]:
    """A small dict for `status --json` and the runs table."""
    progress = overall_progress(state)
    verdict = gate(state)
    return {
        "run": state.run_id,
        "title": state.title,
        "checklist": state.checklist.id,
        "t0": state.t0,
        "progress": {"complete": progress.complete, "total": progress.total, "blocked": progress.blocked},
        "gate": {"go": verdict.go, "verdict": verdict.verdict, "reasons": list(verdict.reasons)},
    }
