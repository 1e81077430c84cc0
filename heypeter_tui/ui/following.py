"""Following the log: what other dashboards and pipelines append, shown truthfully.

A log replaced or cut short under the dashboard is read again from its first line and said; every line
that is not part of the run is said (once); a current run moved elsewhere is said, never followed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from heypeter_tui.core.errors import UserError
from heypeter_tui.core.paths import describe_os_error
from heypeter_tui.core.report import describe

if TYPE_CHECKING:
    from datetime import datetime

    from textual.screen import Screen

    from heypeter_tui.context import Context
    from heypeter_tui.core.run import RunState
    from heypeter_tui.core.session import RunSession
    from heypeter_tui.ui.widgets.activity import Activity

PROBLEMS_SAID = 5


class FollowsTheLog:
    """Mixin for the app: its `session`, `state`, `context` and `say` are the app's."""

    session: RunSession
    state: RunState
    now: datetime
    screen_stack: list[Screen]
    context: Context
    if TYPE_CHECKING:

        def say(self, message: str, **options) -> None: ...

    problems_shown = 0
    """How many of the session's log problems have been said: those found while following are said too."""

    def report_log_problems(self) -> None:
        self.problems_shown = 0
        self.report_new_problems()
        if self.state.read_only:
            self.say(self.state.read_only, title="Read-only", severity="warning", timeout=15)

    def report_new_problems(self) -> None:
        problems = self.session.problems[self.problems_shown :]
        for problem in problems[:PROBLEMS_SAID]:
            self.say(problem, title="Run log", severity="warning", timeout=10)
        if len(problems) > PROBLEMS_SAID:
            more = len(problems) - PROBLEMS_SAID
            self.say(f"and {more} more lines not read; `heypeter-tui status` lists them", title="Run log",
                     severity="warning", timeout=10)
        self.problems_shown += len(problems)

    log_trouble = ""
    """The last reason the log could not be followed, said once (not every half second)."""
    known_current: str | None = None
    """The state dir's current run as last seen: a change made elsewhere is said, never followed silently."""
    current_seen = False

    def follow_log(self) -> None:
        """Fold in what other dashboards and `heypeter-tui mark` appended, and say who did what. A log
        replaced or cut short is read again from the top, and said; so is every bad line found."""
        try:
            new = self.session.refresh()
        except (OSError, UserError) as error:
            trouble = describe_os_error(error) if isinstance(error, OSError) else str(error)
            if trouble != self.log_trouble:
                self.log_trouble = trouble
                self.say(f"cannot read the run log: {trouble}", title="Run log", severity="error", timeout=30)
            return
        if self.log_trouble:
            self.log_trouble = ""
            self.say("the run log can be read again", title="Run log", timeout=5)
        self.notice_current_elsewhere()
        if self.session.store.restarted:
            self.state = self.session.state
            self.say("the run's log was replaced or cut short: read again from its first line; what is shown "
                     "is what it holds now", title="Run log", severity="warning", timeout=20)
            self.report_log_problems()
            return
        self.report_new_problems()
        if not new:
            return
        self.state = self.session.state
        activity = self.activity()
        if activity is not None:  # one line per writer, counting up (ui/widgets/activity.py)
            for event in new:
                activity.add(event.actor, describe(self.state, event), self.now)

    def activity(self) -> Activity | None:
        """The dashboard's activity line, under whatever dialog is open."""
        from heypeter_tui.ui.widgets.activity import Activity

        for screen in self.screen_stack:
            for found in screen.query(Activity):
                return found
        return None

    def notice_current_elsewhere(self) -> None:
        """Someone's `new`, `open` or "Switch run…" moved the current run: this dashboard stays on its own
        run (it never changes under the people using it) and says so."""
        current = self.context.workspace.current_id()
        if not self.current_seen:
            self.current_seen, self.known_current = True, current
            return
        if current == self.known_current:
            return
        self.known_current = current
        if current and current != self.state.run_id:
            from heypeter_tui.core.workspace import read_header

            title = str(read_header(self.context.workspace.log_path(current)).get("title") or current)
            self.say(f"the current run is now {title!r} ({current}), changed elsewhere; this dashboard stays on "
                     f"{self.state.title!r}: Switch run… (ctrl+p) to follow", title="Current run", timeout=20)
