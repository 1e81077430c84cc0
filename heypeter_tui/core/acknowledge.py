"""A break in the hash chain can be acknowledged, never hidden.

A broken link (a line edited, removed, inserted; a database row the server never linked) holds the gate NO-GO until
someone looks. `verify --acknowledge LINE --reason R` records who looked at which break and why (a `chain.acknowledge`
event naming the line and the hash of that line as it is now): the gate may then pass, while `verify` still reports the
break and the record lists it with its acknowledgement among its first-screen exceptions. An acknowledgement covers
that line as it was seen: the line changed again, or another break, needs its own.
"""

from __future__ import annotations

from heypeter_tui.core import events as ev
from heypeter_tui.core.chain import Break, Chain
from heypeter_tui.core.errors import UserError
from heypeter_tui.core.events import Event
from heypeter_tui.core.run import RunState
from heypeter_tui.core.text import MAX_REASON, check_length, clean, clean_line

TYPE_CHECKING = False
if TYPE_CHECKING:
    from heypeter_tui.core.commands import Change


def acknowledgements(state: RunState) -> dict[tuple[int, str], Event]:
    """Each acknowledged break, by its line and that line's hash: the latest acknowledgement of it, undone ones
    left out."""
    found: dict[tuple[int, str, str], Event] = {}
    log = state.events
    for event in (log[at] for at in log.positions(log.index.acks)):  # by the log's index: no walk
        if event.type == ev.CHAIN_ACKNOWLEDGE and event.id not in state.undone:
            found[(event.get("line"), event.get("line_sha256"), event.get("before_sha256") or "")] = event
    return found


def unacknowledged(chain: Chain, state: RunState) -> list[Break]:
    """The breaks nobody has acknowledged: what holds the gate. Breaks past the walk's count are never covered."""
    if chain.broken is None:
        return []
    acks = acknowledgements(state)
    left = [found for found in chain.breaks if (found.line, found.digest, found.before) not in acks]
    if chain.more_breaks and not left:
        return [chain.breaks[-1]]  # more breaks than kept, one by one: none can be said acknowledged
    return left


def said(found: Break, state: RunState) -> str:
    """A break, and who acknowledged it and why where someone did: one line for `verify` and the record."""
    ack = acknowledgements(state).get((found.line, found.digest, found.before))
    if ack is None:
        return str(found)
    return (f"{found}; acknowledged by {clean_line(ack.actor.operator)} ({clean_line(ack.actor.user)}@"
            f"{clean_line(ack.actor.host)}), {ack.ts}: {clean_line(str(ack.get('reason')))}")


def acknowledge(chain: Chain, line: int, reason: str) -> Change:
    """The acknowledgement of the break at `line`; UserError where there is none there, or no reason."""
    from heypeter_tui.core.commands import Change

    reason = check_length(clean(reason).strip(), MAX_REASON, "the reason")
    if not reason:
        raise UserError("acknowledging a break needs a reason (--reason): who looked, and what they found")
    found = next((each for each in chain.breaks if each.line == line), None)
    if found is None:
        where = ", ".join(str(each.line) for each in chain.breaks[:10])
        raise UserError(f"line {line} is no broken link of this run" +
                        (f"; the chain breaks at line {where}" if where else ": its chain is intact"))
    return Change(ev.CHAIN_ACKNOWLEDGE, {"line": line, "line_sha256": found.digest, "before_sha256": found.before,
                                         "reason": reason})
