"""The header's clock: T-minus, the open maintenance window, a running timer. Redrawn alone, each second."""

from __future__ import annotations

from textual.content import Content
from textual.widget import Widget

from heypeter_tui.core.durations import format_clock
from heypeter_tui.core.schedule import countdown, running_timers, timer_remaining, windows


class DeployClock(Widget):
    DEFAULT_CSS = """
    DeployClock { width: auto; height: 2; padding: 0 1; background: $panel; }
    """

    def on_mount(self) -> None:
        self.watch(self.app, "now", self.refresh, init=False)
        self.watch(self.app, "state", self.refresh, init=False)

    def render(self) -> Content:
        state, now = self.app.state, self.app.now
        clock = countdown(state, now)
        first = Content.styled(clock, "bold") if clock else Content.styled("no T-0 (T)", "$text-muted")
        parts: list[Content] = []
        for window in windows(state):
            if window.is_open:
                label = f"{window.name.upper()} {format_clock(window.seconds(now))}"
                parts.append(Content.styled(label, "bold $warning"))
        for timer in running_timers(state):
            remaining = timer_remaining(timer, now)
            if remaining > 0:
                parts.append(Content.styled(f"timer {format_clock(remaining)}", "bold $accent"))
            else:
                parts.append(Content.styled("timer: time's up", "bold reverse $warning"))
        return Content("\n").join([first, Content(" · ").join(parts)])
