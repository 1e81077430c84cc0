"""What other writers are doing: one line per writer, updated in place, gone a while after they stop.

A pipeline marking 48 items would otherwise stack 48 notifications (or 8 of "6 changes") over the
screen. Here it is one line, `Bob (ci@runner): 48 changes · latest: Enable maintenance mode: done`, that
counts up as the changes arrive. It sits above the footer on its own layer, never over the header.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from textual.content import Content
from textual.widget import Widget

from heypeter_tui.core.events import Actor
from heypeter_tui.core.text import count
from heypeter_tui.ui.literal import literal

SHOWN_FOR = timedelta(seconds=8)
"""A writer's line stays this long after their latest change."""
WRITERS_SHOWN = 4


class Burst:
    """One writer's changes lately (a plain class: the dashboard imports it on the way to its first frame)."""

    __slots__ = ("changes", "latest", "at")

    def __init__(self, changes: int, latest: str, at: datetime) -> None:
        self.changes, self.latest, self.at = changes, latest, at


def writer_name(actor: Actor) -> str:
    return f"{actor.operator} ({actor.user}@{actor.host})"


class Activity(Widget):
    DEFAULT_CSS = """
    Activity {
        layer: activity; dock: bottom; height: auto; max-height: 5; width: 1fr;
        margin-bottom: 1; padding: 0 1; background: $panel-lighten-1; display: none;
    }
    """

    def __init__(self) -> None:
        super().__init__(id="activity")
        self.bursts: dict[str, Burst] = {}

    def on_mount(self) -> None:
        self.watch(self.app, "now", self.expire, init=False)

    def add(self, actor: Actor, latest: str, now: datetime) -> None:
        """One more change by `actor`: their line counts it and names it."""
        name = writer_name(actor)
        burst = self.bursts.pop(name, None)
        changes = burst.changes + 1 if burst and now - burst.at <= SHOWN_FOR else 1
        self.bursts[name] = Burst(changes, latest, now)  # the latest writer goes to the bottom
        self.show()

    def expire(self, now: datetime) -> None:
        stale = [name for name, burst in self.bursts.items() if now - burst.at > SHOWN_FOR]
        for name in stale:
            del self.bursts[name]
        if stale:
            self.show()

    def show(self) -> None:
        self.display = bool(self.bursts)
        self.refresh(layout=True)

    def render(self) -> Content:
        lines = []
        width = max(self.size.width - 2, 10)
        for name, burst in list(self.bursts.items())[-WRITERS_SHOWN:]:
            what = count(burst.changes, "change")
            line = Content.assemble(literal(name, "bold", 80), (f": {what} · latest: ", "$text-muted"),
                                    literal(burst.latest, "", 200))
            # One line per writer, whatever they wrote: a long reason must not push the newest writer out.
            lines.append(line if line.cell_length <= width else line.truncate(width - 1) + Content("…"))
        return Content("\n").join(lines)
