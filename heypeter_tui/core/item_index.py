"""An item's newest changes (ticks, notes, checks) and how many came before, as its detail shows them.

An item's detail shows its newest changes and the side pane redraws it with every change to the run; a deployment
day leaves tens of thousands of monitoring checks and notes on one item. The log's own index (core/log_index.py) knows
where each of an item's events is, kept as the log grows, so only the events shown are read, however long the log.
"""

from __future__ import annotations

from heypeter_tui.core.events import Event
from heypeter_tui.core.run import RunState


def item_change_count(state: RunState, key: str) -> int:
    """How many events about item `key` the run's log holds (undone or not): its history's length."""
    from heypeter_tui.core.item_log import item_log

    return len(item_log(state).history(key))


def latest_item_history(state: RunState, key: str, limit: int) -> tuple[list[tuple[Event, bool]], int]:
    """The newest `limit` events about item `key`, oldest first, each with whether it was undone since, and how many
    earlier ones there are: `item_history`'s tail, without walking the log."""
    from heypeter_tui.core.item_log import item_log

    found = item_log(state).history(key)
    total = len(found)
    first = max(total - max(limit, 0), 0)
    log, undone = state.events, state.undone
    entries = []
    for position in found[first:total]:
        event = log[position]
        entries.append((event, event.id in undone))
    return entries, first
