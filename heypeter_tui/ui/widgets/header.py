"""The header: two lines that never hide what matters, laid out again whenever anything in them changes.

Line one: product and checklist, the next open item on deployment day, who is operating.
Line two: the run, its progress, the running timers, the open maintenance window, the countdown, the verdict.
When narrow, parts shrink and then go by priority (ui/widgets/fit.py): the verdict and the countdown last.
It is one widget of fixed size that draws both lines from the state and the clock each time either moves,
so a timer started or a window opened shows at once, never only after a resize.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from textual.content import Content
from textual.widget import Widget

from heypeter_tui.core.durations import format_clock
from heypeter_tui.core.next_items import next_items
from heypeter_tui.core.rules import is_go, overall_progress
from heypeter_tui.core.run import RunState
from heypeter_tui.core.schedule import countdown, running_timers, t0_of, timer_remaining, windows
from heypeter_tui.ui.literal import literal
from heypeter_tui.ui.widgets.bars import progress_bar
from heypeter_tui.ui.widgets.fit import Part, elided, fit_line, fixed

DEPLOYMENT_DAY = timedelta(hours=12)
"""From this long before T-0 on, the header names the next open item."""

# Priorities: higher stays longer.
OFFLINE = 110
VERDICT, COUNTDOWN, WINDOW, TIMER, COUNT, OPERATOR, NEXT, RUN_TITLE, BAR, CHECKLIST = 100, 90, 80, 70, 60, 50, 40, 30, \
    20, 10


class RunHeader(Widget):
    DEFAULT_CSS = """
    RunHeader { width: 1fr; height: 2; padding: 0 1; background: $panel; }
    """

    def on_mount(self) -> None:
        for name in ("state", "now", "operator", "offline"):
            self.watch(self.app, name, self.refresh, init=False)

    def render(self) -> Content:
        width = max(self.size.width - 2, 1)
        state, now = self.app.state, self.app.now
        return Content("\n").join([
            fit_line(first_line(state, now, self.app.operator), width),
            fit_line(second_line(state, now, self.app.offline, chain_break(self.app)), width),
        ])


def first_line(state: RunState, now: datetime, operator: str) -> list[Part]:
    checklist = state.checklist
    names = " · ".join([checklist.product, checklist.title] if checklist.product else [checklist.title])
    parts = [elided(literal(names, "bold"), CHECKLIST)]
    following = next_item(state, now)
    if following is not None:
        label = Content.assemble(("next ", "$text-muted"), literal(following, "$accent"))
        parts.append(elided(label, NEXT, minimum=12, right=True))
    who = Content.assemble(("operator ", "$text-muted"), literal(operator, "bold", 60))
    parts.append(elided(who, OPERATOR, minimum=14, right=True))
    return parts


def second_line(state: RunState, now: datetime, offline: str = "", broken: int = 0) -> list[Part]:
    progress = overall_progress(state)
    parts = [elided(literal(state.title, "$accent bold"), RUN_TITLE)]
    parts.append(Part(BAR, lambda width: progress_bar(progress, width), 40, 6))
    parts.append(fixed(Content(f"{progress}"), COUNT))
    for timer in running_timers(state):
        remaining = timer_remaining(timer, now)
        label = f"timer {format_clock(remaining)}" if remaining > 0 else "timer: time's up"
        parts.append(fixed(Content.styled(label, "bold $accent" if remaining > 0 else "bold reverse $warning"),
                           TIMER, right=True))
    for window in windows(state):
        if window.is_open:
            label = f"{window.name.upper()} {format_clock(window.seconds(now))}"
            parts.append(fixed(Content.styled(label, "bold $warning"), WINDOW, right=True))
    clock = countdown(state, now)
    parts.append(fixed(Content.styled(clock, "bold") if clock else Content.styled("no T-0 (T)", "$text-muted"),
                       COUNTDOWN, right=True))
    go = is_go(state)
    badge = Content.styled(" GO " if go else " NO-GO ", "bold $text on $success" if go else "bold $text on $error")
    parts.append(fixed(badge, VERDICT, right=True))
    if offline:  # the database is away: what shows may be behind, and nothing can be changed
        parts.append(fixed(Content.styled(" OFFLINE ", "bold $text on $error"), OFFLINE, right=True))
    if broken:  # a past line of the log was changed: `heypeter-tui verify` says which
        parts.append(fixed(Content.styled(f" CHAIN BROKEN L{broken} ", "bold $text on $error"), OFFLINE, right=True))
    return parts


def chain_break(app) -> int:
    """The line (or seq) where the run's hash chain first broke, as the dashboard's reads found it; 0 if whole."""
    broken = app.session.store.chain.broken
    return broken.line if broken is not None else 0


def next_item(state: RunState, now: datetime) -> str | None:
    """On deployment day: the most urgent open item (core/next_items.py: overdue first, then by due time)."""
    t0 = t0_of(state)
    if t0 is None or now < t0 - DEPLOYMENT_DAY:
        return None
    first = next_items(state, now, limit=1)
    return first[0].text if first else None
