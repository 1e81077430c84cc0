"""Where each item's changes (ticks, notes, checks) are in a run's log, kept as the log grows.

An item's detail shows its newest changes and how many came before, and the side pane redraws it with every change
to the run. Walking the whole log for that (tens of thousands of monitoring checks and notes on a deployment day)
on every key cost seconds. The positions are indexed once, then extended by the events a later state added: a
dashboard tailing its log indexes each event once. A state whose log is not the indexed one continued (another run,
a log replaced) is indexed afresh.

Only the latest log's index is kept (the screen asks about the latest state); an older state of the same log (an
item's detail opened before the latest change) reads the same index up to its own length.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Iterable, Sequence

from heypeter_tui.core import events as ev
from heypeter_tui.core.events import Event
from heypeter_tui.core.run import RunState

ITEM_TYPES = frozenset({ev.ITEM_STATUS, ev.ITEM_NOTE, ev.ITEM_CHECK})


class _Index:
    __slots__ = ("log", "size", "positions")

    def __init__(self, log: Sequence[Event]) -> None:
        self.log = log
        """The log indexed (the latest asked about): its first `size` events are."""
        self.size = 0
        self.positions: dict[str, array] = {}
        """Item key -> positions of its events, ascending (4 bytes each: a day of checks is many)."""

    def add(self, events: Iterable[Event], first: int) -> None:
        """`events`, the log's from position `first` on (one loop, its names local: it may see 200,000)."""
        positions, types = self.positions, ITEM_TYPES
        for position, event in enumerate(events, first):
            if event.type in types:
                key = event.data.get("item")
                found = positions.get(key)
                if found is None:
                    if not isinstance(key, str):
                        continue
                    found = positions[key] = array("I")
                found.append(position)


_LATEST: _Index | None = None


def _continues(log: Sequence[Event], index: _Index) -> bool:
    """Whether `log` and the indexed one are the same log as far as both go: the one event where the shorter ends is
    the same object (states of one fold share their events; another read of a log makes new ones)."""
    shared = min(len(log), index.size)
    return shared > 0 and log[shared - 1] is index.log[shared - 1]


def _index_of(log: Sequence[Event]) -> _Index:
    global _LATEST
    index = _LATEST
    size = len(log)
    if index is None or not _continues(log, index):
        index = _Index(log)
        index.add(log, 0)  # the one walk of the whole log
        index.size = size
        _LATEST = index
    elif size > index.size:
        # Only what was appended, read by position: near the end, where the log is cheap.
        index.add((log[position] for position in range(index.size, size)), index.size)
        index.log, index.size = log, size
    return index


def item_change_count(state: RunState, key: str) -> int:
    """How many events about item `key` the run's log holds (undone or not): its history's length."""
    log = state.events
    found = _index_of(log).positions.get(key)
    return bisect_left(found, len(log)) if found is not None else 0


def latest_item_history(state: RunState, key: str, limit: int) -> tuple[list[tuple[Event, bool]], int]:
    """The newest `limit` events about item `key`, oldest first, each with whether it was undone since, and how many
    earlier ones there are: `item_history`'s tail, without walking the log each time."""
    log = state.events
    found = _index_of(log).positions.get(key)
    if found is None:
        return [], 0
    total = bisect_left(found, len(log))
    first = max(total - max(limit, 0), 0)
    undone = state.undone
    entries = []
    for position in found[first:total]:
        event = log[position]
        entries.append((event, event.id in undone))
    return entries, first
