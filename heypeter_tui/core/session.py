"""One person's hold on one run: its store, its folded state, who is acting and the clock."""

from __future__ import annotations

from dataclasses import replace

from heypeter_tui.core import events as ev
from heypeter_tui.core.clock import Clock, system_clock
from heypeter_tui.core.errors import UserError
from heypeter_tui.core.events import Actor, Event, new_event
from heypeter_tui.core.run import RunLogError, RunState, advance, fold
from heypeter_tui.core.store import RunStore
from heypeter_tui.core.text import clean_line

TYPE_CHECKING = False  # the command builders load only where a change is made
if TYPE_CHECKING:
    from heypeter_tui.core.commands import Change


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
        self.own_changes: list[str] = []
        """Ids of the changes made through this session, oldest first: what undo walks back."""

    @property
    def problems(self) -> list[str]:
        return self.store.problems

    def record(self, change: Change) -> Event:
        """Append durably, then fold in everything new in the log, ours included."""
        if self.state.read_only:
            raise UserError(self.state.read_only)
        event = new_event(change.type, self.actor, self.clock(), **change.data)
        self.store.append(event)
        if event.type != ev.UNDO:
            self.own_changes.append(event.id)
        self.refresh()
        return event

    def undo_change(self) -> Change:
        """An `undo` of the latest change made here that is not undone yet (by anyone)."""
        from heypeter_tui.core.commands import Change

        for event_id in reversed(self.own_changes):
            if event_id not in self.state.undone:
                return Change(ev.UNDO, {"target": event_id})
        raise UserError("nothing to undo: no change made in this dashboard is left")

    def set_operator(self, name: str) -> None:
        """Who is at the keyboard now; every event from here on records it."""
        name = clean_line(name).strip()
        if not name:
            raise UserError("the operator needs a name")
        self.actor = replace(self.actor, operator=name)

    def refresh(self) -> list[Event]:
        """Fold in what others appended since the last read; returns those events."""
        new = self.store.read_new()
        if new:
            self.state = advance(self.state, new)
        return new
