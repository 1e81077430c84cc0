"""Following the log: what other dashboards and pipelines append, shown truthfully.

A log replaced or cut short under the dashboard is read again from its first line and said; every line
that is not part of the run is said (once); a current run moved elsewhere is said, never followed.

The reading is done in a worker thread, the taking in on the event loop. Why that is safe: the thread reads
with a fork of the session's store and folds onto the immutable RunState it was given, so it changes nothing
the event loop holds; the session's state and read position change only in `RunSession.take` (and in
`record`, whose refresh goes the same way), both on the event loop, one at a time. A read that the session
has overtaken meanwhile (a change made here) is not taken: nothing is folded twice or lost.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work

from heypeter_tui.core.errors import UserError
from heypeter_tui.core.paths import describe_os_error
from heypeter_tui.core.record_text import describe
from heypeter_tui.ui.messages import LogRead

if TYPE_CHECKING:
    from datetime import datetime

    from textual.screen import Screen

    from heypeter_tui.context import Context
    from heypeter_tui.core.run import RunState
    from heypeter_tui.core.session import Catchup, RunSession
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

    def report_witness(self) -> None:
        """This host's witness of the chain not kept (a full disk), said once each time it starts or stops failing:
        the change was kept, but `verify` here can no longer tell an edit of the run's latest lines."""
        trouble = self.session.witness_trouble
        if trouble != self.witness_said:
            if trouble:
                self.say(trouble, title="Witness", severity="warning", timeout=20)
            elif self.witness_said:
                self.say("this host's witness of the chain is kept again", title="Witness", timeout=5)
            self.witness_said = trouble

    witness_said = ""
    log_trouble = ""
    """The last reason the log could not be followed, said once (not every half second)."""
    known_current: str | None = None
    """The state dir's current run as last seen: a change made elsewhere is said, never followed silently."""
    current_seen = False
    log_read_pending = False
    """A read is under way in a worker thread: a poll meanwhile starts no second one (on a slow disk reads would
    pile up, each holding a thread), it asks for one more read once this one is taken in."""
    read_again = False

    def follow_log(self) -> None:
        """The poll: what other dashboards and `heypeter-tui mark` appended is read in a worker thread, never on
        the event loop (a slow or stuck disk leaves the dashboard answering keys), then taken in by
        `on_log_read`. At most one read is under way; a poll meanwhile is kept as one more read after it, so
        none is lost and no two reads' messages need merging."""
        if self.log_read_pending:
            self.read_again = True
            return
        self.log_read_pending = True
        # The fork is made here, on the event loop, the one thread that moves the session (core/session.py).
        self.read_log(self.session, self.session.read_apart(), self.known_current)

    @work(thread=True, group="follow")
    def read_log(self, session: RunSession, catchup: Catchup, known_current: str | None) -> None:
        """In a worker thread: the log read and folded on the catch-up's own fork, and the current run looked up.
        Nothing the event loop uses is touched here; what was found goes back as a LogRead message."""
        try:
            catchup.run()
        except (OSError, UserError) as error:
            trouble = describe_os_error(error) if isinstance(error, OSError) else str(error)
            self.post_message(LogRead(session, None, trouble))
            return
        workspace = self.context.workspace
        current = workspace.current_id()
        title = ""
        if current and current != known_current:  # the one header read, where the current run moved
            title = str(workspace.header(current).get("title") or current)
        self.post_message(LogRead(session, catchup, "", current, title))

    def on_log_read(self, read: LogRead) -> None:
        """On the event loop: fold in what the worker read and say who did what. A log replaced or cut short
        is read again from the top, and said; so is every bad line found."""
        self.log_read_pending = False
        if read.session is self.session:  # else a read of the run shown before "Switch run…": moot
            self.take_in(read)
        if self.read_again:
            self.read_again = False
            self.follow_log()

    def take_in(self, read: LogRead) -> None:
        if read.catchup is None:
            if getattr(self, "offline", ""):  # the header says OFFLINE already, and the listener says when it is back
                return
            if read.trouble != self.log_trouble:
                self.log_trouble = read.trouble
                self.say(f"cannot read the run log: {read.trouble}", title="Run log", severity="error", timeout=30)
            return
        if self.log_trouble:
            self.log_trouble = ""
            self.say("the run log can be read again", title="Run log", timeout=5)
        self.notice_current_elsewhere(read.current, read.current_title)
        new = self.session.take(read.catchup)
        if new is None:  # this dashboard recorded meanwhile, and read on past it: the next poll reads from there
            return
        if read.catchup.restarted:
            self.state = self.session.state
            self.say(f"{read.catchup.restart_why}: read again from its first line; what is shown is what it holds "
                     "now", title="Run log", severity="warning", timeout=20)
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

    def notice_current_elsewhere(self, current: str | None, title: str) -> None:
        """Someone's `new`, `open` or "Switch run…" moved the current run: this dashboard stays on its own
        run (it never changes under the people using it) and says so. `title` is the worker's reading of
        the new current run's title."""
        if not self.current_seen:
            self.current_seen, self.known_current = True, current
            return
        if current == self.known_current:
            return
        self.known_current = current
        if current and current != self.state.run_id:
            title = title or current
            self.say(f"the current run is now {title!r} ({current}), changed elsewhere; this dashboard stays on "
                     f"{self.state.title!r}: Switch run… (ctrl+p) to follow", title="Current run", timeout=20)
