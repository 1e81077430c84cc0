"""A run's events in log order, as a sequence that need not hold them all.

A long run's state (folded a block at a time, or resumed from a checkpoint: core/session.py, core/checkpoint.py) knows
its first events only as a count, a few it kept (the ones a state points at by position: the first, the last,
standing sign-offs, the latest readiness change) and a way to read them again from the log (core/log_scan.py).
Everything that walks the whole log (the record, an undo, an item's history) still can: each walk reads them again,
a block at a time, checked against the digest of the bytes the state was folded from, and holds none. What only
looks at the newest events (the activity pane, a refresh) never reads them.

States share one growing list for their newest events: a fold that goes on from a state appends to that state's
list in place where no later state has (the common case, a dashboard tailing its log), else copies it. A state never
sees more than its own length, so an older state is unchanged by what a later fold appends.
"""

from __future__ import annotations

from _thread import allocate_lock  # threading's own lock, without importing threading
from array import array
from collections.abc import Iterable, Iterator, Sequence

from heypeter_tui.core.events import Actor, Event
from heypeter_tui.core.log_index import LogIndex, upto

TYPE_CHECKING = False  # typing stays unimported where only commands like `status` run
if TYPE_CHECKING:
    from heypeter_tui.core.log_scan import LogSource as Source


class Prefix:
    """The first `count` events of a log, known by a few of them (`kept`, by position); the rest read again from
    `source` (core/log_scan.py) each time something walks them, never held."""

    def __init__(self, count: int, kept: dict[int, Event], source: Source) -> None:
        self.count = count
        self.kept = kept
        self.source = source

    @property
    def loads(self) -> int:
        """How often the whole prefix was read again (tests and the bench count what a command touched)."""
        return self.source.scans

    def __iter__(self) -> Iterator[Event]:
        count = 0
        for event in self.source.scan():
            count += 1
            yield event
        if count != self.count:
            raise ValueError(f"the log's first {self.count:,} events read back as {count:,}")

    def get(self, index: int) -> Event:
        kept = self.kept.get(index)
        return kept if kept is not None else self.source.fetch(index)


class _Tail:
    """The list the newest events of several states share (each knows how much of it is its own), and the index of
    the whole log (core/log_index.py), grown with it."""

    __slots__ = ("items", "index", "lock")

    def __init__(self, items: list[Event], index: LogIndex) -> None:
        self.items = items
        self.index = index
        self.lock = allocate_lock()


class EventLog(Sequence[Event]):
    __slots__ = ("_prefix", "_tail", "_own")

    def __init__(self, events: Iterable[Event] = (), prefix: Prefix | None = None,
                 index: LogIndex | None = None) -> None:
        """`index`: of the prefix's events (a log that holds none apart indexes its own)."""
        self._prefix = prefix
        events = list(events)
        index = index if index is not None else LogIndex()
        index.add(events)
        self._tail = _Tail(events, index)
        self._own = len(events)

    def held_apart(self, prefix: Prefix) -> EventLog:
        """This log's events, all of them held apart in `prefix` (core/checkpoint.py, `held_apart`)."""
        return EventLog((), prefix, self._tail.index.cut(len(self)).held_apart())

    # -- what the index says, as of this log's length ----------------------------------------------

    def positions(self, found: array | None) -> array:
        return upto(found, len(self)) if found is not None else array("I")

    @property
    def index(self) -> LogIndex:
        """The whole log's index: it may know of events after this log's own (`positions` cuts them)."""
        return self._tail.index

    def participants(self) -> list[Actor]:
        size = len(self)
        return [actor for actor, at in self._tail.index.participants.items() if at < size]

    def first_position(self, event_id: str) -> int | None:
        """Where the first event of that id is, if any: from the index, reading the events held apart only where
        the id may be among them."""
        size, index = len(self), self._tail.index
        at = index.ids.get(event_id)
        if at is not None and at >= size:
            at = None
        if self._prefix is None or index.apart is None or not index.apart.may_hold(event_id):
            return at
        for position, event in enumerate(self._prefix):
            if event.id == event_id:
                return position
        return at

    @property
    def prefix(self) -> Prefix | None:
        return self._prefix

    @property
    def start(self) -> int:
        """Positions below this are the prefix's."""
        return self._prefix.count if self._prefix is not None else 0

    def extended(self, new: Sequence[Event]) -> EventLog:
        """This log with `new` after it; this one unchanged."""
        if not new:
            return self
        log = EventLog.__new__(EventLog)
        log._prefix = self._prefix
        with self._tail.lock:
            if len(self._tail.items) == self._own:
                self._tail.items.extend(new)
                self._tail.index.add(new)
                log._tail = self._tail
            else:
                index = self._tail.index.cut(len(self))
                index.add(new)
                log._tail = _Tail(self._tail.items[: self._own] + list(new), index)
        log._own = self._own + len(new)
        return log

    def __len__(self) -> int:
        return self.start + self._own

    def __getitem__(self, index):  # type: ignore[override]
        if isinstance(index, slice):
            return tuple(self._all()[index]) if self.start else tuple(self._tail.items[: self._own][index])
        size = len(self)
        if index < 0:
            index += size
        if not 0 <= index < size:
            raise IndexError("event position out of range")
        start = self.start
        if index >= start:
            return self._tail.items[index - start]
        assert self._prefix is not None
        return self._prefix.get(index)

    def _all(self) -> list[Event]:
        return list(self)

    def __iter__(self) -> Iterator[Event]:
        if self._prefix is not None:
            yield from self._prefix
        tail = self._tail.items
        for index in range(self._own):
            yield tail[index]

    def __reversed__(self) -> Iterator[Event]:
        """Newest first, reading the prefix back only if the walk gets that far."""
        tail = self._tail.items
        for index in range(self._own - 1, -1, -1):
            yield tail[index]
        if self._prefix is not None:
            for index in range(self._prefix.count - 1, -1, -1):
                yield self._prefix.get(index)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (EventLog, tuple, list)):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"EventLog({len(self)} events, {self.start} from a checkpoint)"
