"""`store copy`: a run from one store to another, every event as it was (id, time, actor), again and again.

A run started offline moves to the team's database; a database run is archived to a file for the change
ticket. The copy adds, in the source's order, only the events the target does not hold yet (by id), all in one
append: a second copy adds nothing, and a copy after more work adds just that work.

A copy links its events anew in the target, so it would launder what `verify` finds wrong with the source: a run
whose chain is broken, whose first line names another run, or whose last lines contradict this host's witness
(core/witness.py) is refused, nothing copied. A copy that fails part way says how many events it wrote.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from heypeter_tui.core.chain import Chain
from heypeter_tui.core.errors import UserError
from heypeter_tui.core.events import RUN_CREATED, Event
from heypeter_tui.core.paths import describe_os_error
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


def copy_run(source: RunSpace, run_id: str, target: RunSpace, witness: Path | None = None) -> Copied:
    """`witness`: where this host keeps what it saw of the source run's chain (Context.witness_path)."""
    store = source.store(run_id)
    events = store.load()
    not_copied = tuple(str(problem) for problem in store.problems)
    if not events or events[0].type != RUN_CREATED:
        raise UserError(f"{source.where(run_id)}: not a readable run (no run.created first); nothing copied")
    doubt = _doubt(store.chain, events[0], run_id, witness)
    if doubt:  # a copy links its events anew: it would hide what `verify` finds, so it is refused
        raise UserError(f"{source.where(run_id)}: {doubt}; nothing copied (`heypeter-tui verify` says more)")
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
        try:
            target.store(run_id, writer=True).append(*missing)
        except (UserError, OSError) as error:
            raise UserError(_partly(target, run_id, created, [events[0], *missing] if created else missing,
                                    error)) from error
    return Copied(run_id, created, len(missing) + created, len(held) - created, not_copied)


def _doubt(chain: Chain, first: Event, run_id: str, witness: Path | None) -> str:
    """What `verify` would exit 1 for in the chain itself: a break, a first line of another run, a witness
    contradicted. Empty where there is none."""
    if chain.broken is not None:
        return f"its hash chain is broken at {chain.broken}"
    if str(first.get("run", "")) != run_id:
        return "its first line names another run"
    if witness is not None:
        from heypeter_tui.core.witness import judge

        seen = judge(witness, chain)
        if seen:
            return f"{seen} (this host's witness of the chain)"
    return ""


def _partly(target: RunSpace, run_id: str, created: bool, wanted: list[Event], error: Exception) -> str:
    """What a copy that failed part way wrote, exactly: the events of `wanted` the target holds now, read back
    (the run made with its first event, then the rest refused). Said in one line with why it stopped."""
    reason = describe_os_error(error) if isinstance(error, OSError) else str(error)
    reason = reason.removesuffix("; nothing written")  # of the append alone: the run itself may have been made
    ids = {event.id for event in wanted}
    try:
        written = sum(1 for event in target.store(run_id).load() if event.id in ids)
        unsure = ""
    except (UserError, OSError) as unread:
        written, unsure = int(created), f" (at least; not read back: {unread})"
    where = target.where("")
    if not written:
        return f"nothing copied of {run_id} to {where}: {reason}"
    return f"copied {written} of {len(wanted)} events of {run_id} to {where}{unsure} before: {reason}"
