"""A run's events in log order, as a sequence that need not hold them all.

A fold resumed from a checkpoint (core/checkpoint.py) knows its first events only as a count, a few it kept (the
ones a state points at by position: the first, the last, standing sign-offs, the latest readiness change) and a way
to read them again from the log. Everything that walks the whole log (the record, an undo, an item's history) still
can: the first such walk reads the prefix back once, checked against the checkpoint's digest, and keeps it. What only
looks at the newest events (the activity pane, a refresh) never does.

States share one growing list for their newest events: a fold that goes on from a state appends to that state's
list in place where no later state has (the common case, a dashboard tailing its log), else copies it. A state never
sees more than its own length, so an older state is unchanged by what a later fold appends.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Sequence

from heypeter_tui.core.events import Event


class Prefix:
    """The first `count` events of a log, known by a few of them until something needs them all."""

    def __init__(self, count: int, kept: dict[int, Event], load: Callable[[], list[Event]]) -> None:
        self.count = count
        self.kept = kept
        self._load = load
        self._events: list[Event] | None = None
        self._lock = threading.Lock()
        self.loads = 0
        """How often the whole prefix was read back (the bench and tests count what a command touched)."""

    def events(self) -> list[Event]:
        with self._lock:
            if self._events is None:
                events = self._load()
                if len(events) != self.count:
                    raise ValueError(f"the log's first {self.count:,} events read back as {len(events):,}")
                self._events, self.loads = events, self.loads + 1
            return self._events

    def get(self, index: int) -> Event:
        kept = self.kept.get(index)
        return kept if kept is not None else self.events()[index]


class _Tail:
    """The list the newest events of several states share (each knows how much of it is its own)."""

    __slots__ = ("items", "lock")

    def __init__(self, items: list[Event]) -> None:
        self.items = items
        self.lock = threading.Lock()


class EventLog(Sequence[Event]):
    __slots__ = ("_prefix", "_tail", "_own")

    def __init__(self, events: Iterable[Event] = (), prefix: Prefix | None = None) -> None:
        self._prefix = prefix
        self._tail = _Tail(list(events))
        self._own = len(self._tail.items)

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
                log._tail = self._tail
            else:
                log._tail = _Tail(self._tail.items[: self._own] + list(new))
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
        head = self._prefix.events() if self._prefix is not None else []
        return head + self._tail.items[: self._own]

    def __iter__(self) -> Iterator[Event]:
        if self._prefix is not None:
            yield from self._prefix.events()
        tail = self._tail.items
        for index in range(self._own):
            yield tail[index]

    def __reversed__(self) -> Iterator[Event]:
        """Newest first, reading the prefix back only if the walk gets that far."""
        tail = self._tail.items
        for index in range(self._own - 1, -1, -1):
            yield tail[index]
        if self._prefix is not None:
            yield from reversed(self._prefix.events())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (EventLog, tuple, list)):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"EventLog({len(self)} events, {self.start} from a checkpoint)"
