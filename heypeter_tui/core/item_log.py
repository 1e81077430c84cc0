"""Each item's notes, checks and history, the sign-offs and undos of a run, read by their positions in its log.

A monitoring day leaves a hundred thousand check results and tens of thousands of notes; the fold keeps each item's
latest check and newest notes (core/run.py). What shows them all (the record, the item's detail, search) asks here
for their positions and reads each one as it is shown (`Picked`), so none is held longer than it takes to show it,
and the log is never walked to find them: its index knows where they are.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Sequence
from heapq import merge

from heypeter_tui.core.events import Actor, Event
from heypeter_tui.core.run import Note, RunState


class ItemLog:
    """What a state's log holds of each kind, that still counts (not undone), found once per state and kind."""

    def __init__(self, state: RunState) -> None:
        self.state = state
        self._found: dict[tuple[str, str], array] = {}

    def _counting(self, name: str, key: str, found: array | None) -> array:
        cached = self._found.get((name, key))
        if cached is None:
            log, undone = self.state.events, self.state.undone
            cached = log.positions(found)
            if undone:  # an undone change is no note, no check: read each to know (most runs have no undo)
                cached = array("I", (at for at in cached if log[at].id not in undone))
            self._found[(name, key)] = cached
        return cached

    def notes(self, key: str) -> array:
        return self._counting("notes", key, self.state.events.index.notes.get(key))

    def checks(self, key: str) -> array:
        return self._counting("checks", key, self.state.events.index.checks.get(key))

    def all_checks(self) -> array:
        """Every check of an item of this checklist, in log order."""
        index = self.state.events.index
        keys = [key for key in self.state.checklist.items_by_key if key in index.checks]
        return array("I", merge(*(self.checks(key) for key in keys)))

    def history(self, key: str) -> array:
        """Every status, note and check of one item, undone or not."""
        return self.state.events.positions(self.state.events.index.subjects.get(("item", key)))

    def signing(self) -> array:
        """Every sign and revoke, undone or not."""
        return self.state.events.positions(self.state.events.index.signing)

    def undos(self) -> array:
        return self.state.events.positions(self.state.events.index.undos)

    @property
    def participants(self) -> list[Actor]:
        return self.state.events.participants()


def item_log(state: RunState) -> ItemLog:
    from heypeter_tui.core.memo import for_state

    return for_state("item_log", state, lambda: ItemLog(state))


class Picked(Sequence[Event]):
    """Some of a log's events, by position, each read when it is asked for."""

    def __init__(self, log: Sequence[Event], positions: Sequence[int]) -> None:
        self.log, self.positions = log, positions

    def __len__(self) -> int:
        return len(self.positions)

    def __getitem__(self, index):  # type: ignore[override]
        if isinstance(index, slice):
            return [self.log[at] for at in self.positions[index]]
        return self.log[self.positions[index]]

    def __iter__(self) -> Iterator[Event]:
        log = self.log
        for at in self.positions:
            yield log[at]


def all_notes(state: RunState, key: str) -> tuple[Note, ...]:
    """Every note on an item that still counts, oldest first: the fold keeps only the newest NOTES_KEPT, so where an
    item has more they are read from the log, each by its position."""
    current = state.item(key)
    if current.note_count <= len(current.notes):
        return current.notes
    found = Picked(state.events, item_log(state).notes(key))
    return tuple(Note(event.data["text"], event.actor, event.ts) for event in found)


def item_history(state: RunState, key: str) -> list[tuple[Event, bool]]:
    """Every event about one item, oldest first, each with whether it was undone since."""
    return [(event, event.id in state.undone) for event in Picked(state.events, item_log(state).history(key))]


def item_change_count(state: RunState, key: str) -> int:
    """How many events about item `key` the run's log holds (undone or not): its history's length."""
    return len(item_log(state).history(key))


def latest_item_history(state: RunState, key: str, limit: int) -> tuple[list[tuple[Event, bool]], int]:
    """The newest `limit` events about item `key`, oldest first, each with whether it was undone since, and how many
    earlier ones there are: what an item's detail and the side pane show, reading only those."""
    found = item_log(state).history(key)
    total = len(found)
    first = max(total - max(limit, 0), 0)
    log, undone = state.events, state.undone
    entries = []
    for position in found[first:total]:
        event = log[position]
        entries.append((event, event.id in undone))
    return entries, first
