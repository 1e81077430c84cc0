"""HeyPeterApp: wires a run session to the dashboard. Every change goes through the core's store."""

from __future__ import annotations

from textual.app import App
from textual.binding import Binding
from textual.reactive import reactive

from heypeter_tui.core.clock import Clock
from heypeter_tui.core.config import Config
from heypeter_tui.core.errors import UserError
from heypeter_tui.core.run import RunState
from heypeter_tui.core.session import RunSession
from heypeter_tui.ui.messages import ChangeRequested
from heypeter_tui.ui.screens.dashboard import DashboardScreen
from heypeter_tui.ui.screens.help import HelpScreen
from heypeter_tui.ui.themes import DEFAULT_THEME, builtin_themes
from heypeter_tui.ui.widgets.items import ItemList
from heypeter_tui.ui.widgets.navigator import Navigator
from heypeter_tui.ui.widgets.tables import ContactsTable, SignoffTable

LOG_POLL_SECONDS = 1.0


class HeyPeterApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "heypeter-tui"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark", "help", "Help", id="app.help"),
    ]

    state: reactive[RunState] = reactive(None, always_update=True, init=False)  # type: ignore[arg-type]
    """The run as the log says now. Widgets watch it; only `record` and the log poll set it."""

    def __init__(self, session: RunSession, config: Config | None = None, clock: Clock | None = None) -> None:
        super().__init__()
        self.session = session
        self.clock: Clock = clock or session.clock
        self.config = config or Config()
        self.user_keymap = dict(self.config.keymap)
        self.set_reactive(HeyPeterApp.state, session.state)

    def get_default_screen(self) -> DashboardScreen:
        return DashboardScreen()

    def on_mount(self) -> None:
        for theme in builtin_themes():
            self.register_theme(theme)
        wanted = self.config.theme or DEFAULT_THEME
        self.theme = wanted if wanted in self.available_themes else DEFAULT_THEME
        if self.user_keymap:
            self.set_keymap(self.user_keymap)
        for problem in self.session.problems:
            self.notify(problem, title="Run log", severity="warning", markup=False, timeout=10)
        self.set_interval(LOG_POLL_SECONDS, self.follow_log)

    # -- changes -------------------------------------------------------------------------------

    def on_change_requested(self, message: ChangeRequested) -> None:
        self.record(message)

    def record(self, message: ChangeRequested) -> None:
        """Durably append, then show: the screen changes only once the event is on disk."""
        try:
            self.session.record(message.change)
        except UserError as error:
            self.notify(str(error), severity="error", markup=False)
        except OSError as error:
            self.notify(f"not saved: {error}", title="Run log", severity="error", markup=False, timeout=15)
        self.state = self.session.state

    def follow_log(self) -> None:
        """Fold in what other dashboards and `heypeter-tui mark` appended."""
        try:
            new = self.session.refresh()
        except OSError as error:
            self.notify(f"cannot read the run log: {error}", severity="error", markup=False)
            return
        if new:
            self.state = self.session.state

    # -- help ----------------------------------------------------------------------------------

    def action_help(self) -> None:
        sections = [
            ("Dashboard", DashboardScreen.BINDINGS),
            ("Navigator", Navigator.BINDINGS),
            ("Items", ItemList.BINDINGS),
            ("Sign-offs", SignoffTable.BINDINGS),
            ("Contacts", ContactsTable.BINDINGS),
            ("App", HeyPeterApp.BINDINGS),
        ]
        self.push_screen(HelpScreen(sections))
