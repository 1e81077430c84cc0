"""`store copy`: a run from one store to another, every event as it was (id, time, actor), again and again.

A run started offline moves to the team's database; a database run is archived to a file for the change
ticket. The copy adds, in the source's order, only the events the target does not hold yet (by id), all in one
append: a second copy adds nothing, and a copy after more work adds just that work.
"""

from __future__ import annotations

from dataclasses import dataclass

from heypeter_tui.core.errors import UserError
from heypeter_tui.core.events import RUN_CREATED, Event
from heypeter_tui.core.workspace import RunSpace


@dataclass(frozen=True)
class Copied:
    run_id: str
    created: bool
    """The target had no such run: it was made."""
    added: int
    """Events added (the first, where the run was made, counted)."""
    present: int
    """Events the target held already."""
    not_copied: tuple[str, ...] = ()
    """The source's lines that are not events (skipped when read): said, never copied."""


def copy_run(source: RunSpace, run_id: str, target: RunSpace) -> Copied:
    store = source.store(run_id)
    events = store.load()
    not_copied = tuple(str(problem) for problem in store.problems)
    if not events or events[0].type != RUN_CREATED:
        raise UserError(f"{source.where(run_id)}: not a readable run (no run.created first); nothing copied")
    if store.chain.broken is not None:  # a copy links its events anew: it would hide the break, so it is refused
        raise UserError(f"{source.where(run_id)}: its hash chain is broken at {store.chain.broken}; nothing copied "
                        "(`heypeter-tui verify` says more)")
    created = False
    if target.exists(run_id):
        held = target.store(run_id).load()
        if not held or held[0].id != events[0].id:
            raise UserError(f"{target.where(run_id)}: another run of this id is there already; nothing copied")
    else:
        target.ensure()
        created = target.add_run(run_id, events[0])
        held = [events[0]] if created else target.store(run_id).load()
    ids = {event.id for event in held}
    missing: list[Event] = []
    for event in events[1:]:
        if event.id not in ids:  # a log with one id twice (edited by hand) is copied with it once
            ids.add(event.id)
            missing.append(event)
    if missing:
        target.store(run_id, writer=True).append(*missing)
    return Copied(run_id, created, len(missing) + created, len(held) - created, not_copied)
