"""Deployment-day time: the T-0 countdown, phases coming due, item timers, named windows.

Pure functions of a run's state and the current time; the UI passes in its (injectable) clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from heypeter_tui.core.checklist import Group
from heypeter_tui.core.clock import parse_iso
from heypeter_tui.core.durations import format_clock
from heypeter_tui.core.events import Actor
from heypeter_tui.core.memo import for_state
from heypeter_tui.core.run import DONE, RunState, Timer


def t0_of(state: RunState) -> datetime | None:
    return parse_iso(state.t0) if state.t0 else None


def countdown(state: RunState, now: datetime) -> str | None:
    """`T-01:42:10` before T-0, `T+00:12:33` after; None while no T-0 is set."""
    t0 = t0_of(state)
    if t0 is None:
        return None
    seconds = int((t0 - now).total_seconds())
    return f"T-{format_clock(seconds)}" if seconds > 0 else f"T+{format_clock(-seconds)}"


def due_at(state: RunState, group: Group) -> datetime | None:
    t0 = t0_of(state)
    if t0 is None or group.due is None:
        return None
    return t0 + timedelta(seconds=group.due)


def is_overdue(state: RunState, group: Group, now: datetime) -> bool:
    """Its due time has passed and something in it is still open.

    Passed means strictly after, to the second (the countdown's unit): a T-0 set to +2h makes a phase due at
    T-2h due *now*, not overdue. T-0 keeps the milliseconds it was set at and the screen redraws a moment
    later, so judged to the microsecond that phase read OVERDUE on the very first frame; it does from the
    next second, when it truly is late.
    """
    due = due_at(state, group)
    if due is None or now.replace(microsecond=0) <= due.replace(microsecond=0):
        return False
    return any(not state.item(group.key(item)).complete for item in group.items)


def timer_remaining(timer: Timer, now: datetime) -> int:
    """Seconds left (negative once it has run out); a stopped timer keeps what it had left."""
    end = parse_iso(timer.stopped_at) if timer.stopped_at else now
    return timer.seconds - int((end - parse_iso(timer.started_at)).total_seconds())


def timer_ran(timer: Timer, as_of: datetime) -> tuple[int, datetime | None]:
    """How long `timer` had counted down as of `as_of` (at most its length; never less than 0), and when it ran out
    where it had by then (stopped or not): a record says "ran out at 14:32, not stopped", never "still running"."""
    end = parse_iso(timer.stopped_at) if timer.stopped_at else as_of
    elapsed = max(0, int((end - parse_iso(timer.started_at)).total_seconds()))
    ran_out = parse_iso(timer.started_at) + timedelta(seconds=timer.seconds) if elapsed >= timer.seconds else None
    return min(elapsed, timer.seconds), ran_out


def running_timers(state: RunState) -> list[Timer]:
    return [timer for timer in state.timers.values() if timer.stopped_at is None]


def timer_label(timer: Timer, now: datetime) -> str:
    remaining = timer_remaining(timer, now)
    if timer.stopped_at:
        return f"timer stopped with {format_clock(max(remaining, 0))} left"
    if remaining > 0:
        return f"timer {format_clock(remaining)} left"
    return "time's up: tick it when done"


@dataclass(frozen=True)
class Window:
    """A named window opened by one item and closed by another (the maintenance window)."""

    name: str
    opened_at: str | None = None
    opened_by: Actor | None = None
    closed_at: str | None = None
    closed_by: Actor | None = None

    @property
    def is_open(self) -> bool:
        return self.opened_at is not None and self.closed_at is None

    def seconds(self, now: datetime) -> int:
        if self.opened_at is None:
            return 0
        end = parse_iso(self.closed_at) if self.closed_at else now
        return max(0, int((end - parse_iso(self.opened_at)).total_seconds()))


def windows(state: RunState) -> list[Window]:
    """Every window the checklist names, from the items that open and close it being done."""
    return for_state("windows", state, lambda: _windows(state))


def _windows(state: RunState) -> list[Window]:
    found: dict[str, Window] = {}
    for group in state.checklist.groups:
        for item in group.items:
            current = state.item(group.key(item))
            done = current.status == DONE
            if item.opens:
                window = found.get(item.opens, Window(item.opens))
                if done:
                    window = Window(item.opens, current.at, current.actor, window.closed_at, window.closed_by)
                found[item.opens] = window
            if item.closes:
                window = found.get(item.closes, Window(item.closes))
                if done:
                    window = Window(item.closes, window.opened_at, window.opened_by, current.at, current.actor)
                found[item.closes] = window
    return [
        window if window.opened_at else Window(window.name)  # closed before it opened: not a window
        for window in found.values()
    ]
