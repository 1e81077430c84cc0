"""A dashboard on a PostgreSQL store: it listens in a thread worker, and shows when the database is away.

The worker (core/pg_listen.py) posts typed messages: `StoreChanged` for an append to a run, `StoreReachable`
when the connection comes or goes. A change hint only starts the usual catch-up (ui/following.py, which reads
by seq), so what shows is always what the database holds. While the database is away the header says
OFFLINE and every change is refused before it is tried: nothing is shown as done that was not committed.
Back, the dashboard reads everything it missed and says so.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import work
from textual.reactive import reactive
from textual.worker import get_current_worker

from heypeter_tui.ui.messages import StoreChanged, StoreReachable

if TYPE_CHECKING:
    from heypeter_tui.context import Context
    from heypeter_tui.core.session import RunSession

LISTENING_POLL_SECONDS = 5.0
"""With notifications, the poll is only a safety net."""


class ListensToTheStore:
    """Mixin for the app: its `context`, `session`, `follow_log` and `say` are the app's."""

    context: Context
    session: RunSession
    offline: reactive[str] = reactive("", init=False, repaint=False)
    """Why the database is away; empty while it is there. The header shows OFFLINE while it is set."""
    if TYPE_CHECKING:

        def say(self, message: str, **options) -> None: ...
        def follow_log(self) -> None: ...
        def post_message(self, message) -> bool: ...
        def clear_notifications(self) -> None: ...
        def record_kept_checks(self) -> None: ...

    @property
    def listens(self) -> bool:
        return getattr(self.context.workspace, "kind", "file") == "postgres"

    @work(thread=True, group="listen", exclusive=True, exit_on_error=False)
    def listen_to_store(self) -> None:
        from heypeter_tui.core.pg_listen import listen

        worker = get_current_worker()
        listen(self.context.workspace.db,  # type: ignore[attr-defined]
               changed=lambda run_id: self.post_message(StoreChanged(run_id)),
               reachable=lambda up, why: self.post_message(StoreReachable(up, why)),
               stopped=lambda: worker.is_cancelled)

    def on_store_changed(self, message: StoreChanged) -> None:
        self.follow_log()

    def on_store_reachable(self, message: StoreReachable) -> None:
        if not message.up:
            if not self.offline:
                self.clear_notifications()  # what was said before is moot; this must show (toasts do not scroll)
                self.say(f"{message.why}; changes are refused until it is back (trying again)",
                         title="OFFLINE", severity="error", timeout=20)
            self.offline = message.why or "the database is unreachable"
            return
        if self.offline:
            self.clear_notifications()
            self.say("the database is back: caught up with every change made meanwhile", title="Online", timeout=8)
        self.offline = ""
        self.follow_log()  # whatever was appended while no one listened
        self.record_kept_checks()  # results of checks that ended while it was away (ui/checking.py)

    def refuse_offline(self, refused: Callable[[str], object] | None = None) -> bool:
        """Said, and True, while the database is away: a change is not even tried. `refused`: a dialog still open,
        which says it in place and keeps what was typed for a save once the database is back."""
        if not self.offline:
            return False
        if refused is not None:
            refused(f"OFFLINE: {self.offline}; nothing was changed. Save again once it is back")
            return True
        self.clear_notifications()  # the answer to the key just pressed must be seen, not stacked off the screen
        self.say(f"OFFLINE: {self.offline}; nothing was changed", severity="error", timeout=10)
        return True
