"""One person's hold on one run: its store, its folded state, who is acting and the clock."""

from __future__ import annotations

from heypeter_tui.core.clock import Clock, system_clock
from heypeter_tui.core.commands import Change
from heypeter_tui.core.errors import UserError
from heypeter_tui.core.events import Actor, Event, new_event
from heypeter_tui.core.run import RunLogError, RunState, advance, fold
from heypeter_tui.core.store import RunStore


class RunSession:
    def __init__(self, store: RunStore, actor: Actor, clock: Clock = system_clock) -> None:
        self.store = store
        self.actor = actor
        self.clock = clock
        try:
            self.state: RunState = fold(store.load())
        except RunLogError as error:
            raise UserError(f"{store.path}: not a readable run: {error}") from error
        except OSError as error:
            raise UserError(f"{store.path}: cannot read: {error.strerror or error}") from error

    @property
    def problems(self) -> list[str]:
        return self.store.problems

    def record(self, change: Change) -> Event:
        """Append durably, then fold in everything new in the log, ours included."""
        event = new_event(change.type, self.actor, self.clock(), **change.data)
        self.store.append(event)
        self.refresh()
        return event

    def refresh(self) -> list[Event]:
        """Fold in what others appended since the last read; returns those events."""
        new = self.store.read_new()
        if new:
            self.state = advance(self.state, new)
        return new
