"""HeyPeterApp: wires a run session to the dashboard. Every change goes through the core's store."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import TYPE_CHECKING

from textual import events, work
from textual.app import App
from textual.binding import Binding
from textual.geometry import Size
from textual.reactive import reactive
from textual.screen import Screen

from heypeter_tui.core.clock import Clock, parse_when
from heypeter_tui.core.errors import UserError
from heypeter_tui.core.run import RunState
from heypeter_tui.core.schedule import running_timers, timer_remaining
from heypeter_tui.core.session import RunSession
from heypeter_tui.core.text import clean, clean_line, shorten
from heypeter_tui.ui.checking import RunsChecks
from heypeter_tui.ui.flows import FAILED, ChangeFlows, flow
from heypeter_tui.ui.following import FollowsTheLog
from heypeter_tui.ui.listening import LISTENING_POLL_SECONDS, ListensToTheStore
from heypeter_tui.ui.screens.dashboard import DashboardScreen
from heypeter_tui.ui.shutdown import BoundedShutdown
from heypeter_tui.ui.themes import ThemeChoice
from heypeter_tui.ui.typeahead import HoldsKeys

if TYPE_CHECKING:
    from textual.command import Provider

    from heypeter_tui.context import Context, NewRun

MINIMUM_SIZE = Size(40, 12)
"""Below it nothing useful fits (the -tiny and -short breakpoints): the "too small" notice covers everything."""
LOG_POLL_SECONDS = 0.5
"""How often the log is checked for others' changes: a change shows elsewhere within a second."""


def run_commands() -> type[Provider]:
    """The palette's own commands (ui/providers.py), imported when the palette first opens: search and the runs
    index are not on the way to the first frame."""
    from heypeter_tui.ui.providers import RunCommands

    return RunCommands


class HeyPeterApp(HoldsKeys, RunsChecks, ChangeFlows, FollowsTheLog, ListensToTheStore, ThemeChoice, App[None]):
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {run_commands}
    TITLE = "heypeter-tui"
    # Below 40x12 nothing useful fits: a notice says so. Below 100 columns one pane shows at a time.
    # From 160 the highlighted item shows in full beside the list.
    HORIZONTAL_BREAKPOINTS = [(0, "-tiny"), (40, "-narrow"), (100, "-wide"), (160, "-xwide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (12, "-tall")]
    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark", "help", "Help", id="app.help"),
    ]

    # repaint=False: a reactive on the App otherwise repaints the whole screen each time it is set (the
    # clock, once a second). The widgets that show these watch them and redraw what they own.
    state: reactive[RunState] = reactive(None, always_update=True, init=False, repaint=False)  # type: ignore[arg-type]
    """The run as the log says now. Widgets watch it; only `apply` and the log poll set it."""
    operator: reactive[str] = reactive("", init=False, repaint=False)
    now: reactive[datetime] = reactive(None, init=False, repaint=False)  # type: ignore[arg-type]
    """The clock, once a second: the countdown, timers and due phases follow it."""

    minding_size = False
    """Set at mount: before it there is no screen stack to put the "too small" notice on."""
    notices: tuple[Screen[None], ...] = ()
    """The "too small" notices on the screen stack (one, unless a screen was pushed over it meanwhile)."""

    def __init__(self, context: Context, session: RunSession | None = None, theme: str | None = None) -> None:
        """The dashboard on `session` (by default the context's current run); the clock is the context's."""
        super().__init__()
        self.theme_override = theme
        self.context = context
        self.session = session or context.current_session()
        self.clock: Clock = context.clock
        self.config = context.config
        self.user_keymap = dict(self.config.keymap)
        self.set_reactive(HeyPeterApp.state, self.session.state)
        self.set_reactive(HeyPeterApp.operator, self.session.actor.operator)
        self.set_reactive(HeyPeterApp.now, self.clock())
        self.init_checks()
        self.choose_theme()
        # SIGTERM and SIGHUP end the dashboard as `q` does, the terminal restored where there is one, and within two
        # seconds whatever Textual's writer thread does (ui/shutdown.py); the CLI installs it before the app starts.
        self.shutdown = BoundedShutdown(self.end_by_signal, lambda: getattr(self.session.store, "path", None),
                                        lambda: bool(self.cancels))

    def get_default_screen(self) -> DashboardScreen:
        return DashboardScreen()

    def on_mount(self) -> None:
        self.report_theme_problems()
        self.watch(self, "theme", self.pick_theme, init=False)
        self.theme_changed_signal.subscribe(self, self.remember_theme, immediate=True)
        self.minding_size = True
        self.fit_notice(self.size)
        # Whatever opens or closes over the notice (a message in flight as the terminal shrank), the notice
        # is judged again: it goes over what opened, and goes once it surfaces in a terminal that fits.
        self.screen_change_signal.subscribe(self, lambda _: self.fit_notice(self.size))
        self.shutdown.attach(asyncio.get_running_loop())
        if self.user_keymap:
            self.set_keymap(self.user_keymap)
        self.report_log_problems()
        if self.context.opening_note:  # the first launch here opened a run someone had made: which, and by whom
            self.say(self.context.opening_note, title="Run", timeout=12)
        self.watch(self, "state", lambda _: self.report_witness(), init=True)  # after each change made or read
        if self.listens:  # a database store says when it changed: the poll is only a safety net
            self.listen_to_store()
        self.set_interval(LISTENING_POLL_SECONDS if self.listens else LOG_POLL_SECONDS, self.follow_log)
        self.set_interval(1.0, self.tick)

    def tick(self) -> None:
        """A second passed: move the clock, and ring when a timer runs out."""
        before, after = self.now, self.clock()
        for timer in running_timers(self.state):
            if timer_remaining(timer, before) > 0 >= timer_remaining(timer, after):
                text = self.state.checklist.items_by_key[timer.key][1].text
                self.bell()
                self.say(f"{text}: time's up; tick it when done", title="Timer", severity="warning", timeout=30)
        self.now = after
        self.repeat_checks(after)

    # -- too small, and signals ----------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        # The terminal's own size, as it arrives: Resize does not bubble, so no widget's reaches here.
        self.fit_notice(event.size)

    def fit_notice(self, size: Size) -> None:
        """Below 40x12 the notice goes over every screen; once the terminal fits it goes, and what was
        underneath (the dashboard, a dialog) is back as it was left."""
        if not self.minding_size:
            return
        self.notices = tuple(notice for notice in self.notices if notice in self.screen_stack)
        if size.width < MINIMUM_SIZE.width or size.height < MINIMUM_SIZE.height:
            if not self.notice_up:
                from heypeter_tui.ui.screens.too_small import TooSmallScreen

                notice = TooSmallScreen(MINIMUM_SIZE)
                self.notices += (notice,)
                self.push_screen(notice)
        elif self.notice_up:
            self.notices = tuple(notice for notice in self.notices if notice is not self.screen)
            self.pop_screen()

    @property
    def notice_up(self) -> bool:
        """The notice is what shows: keys and clicks reach it alone."""
        stack = self.screen_stack
        return bool(stack) and stack[-1] in self.notices

    def end_by_signal(self) -> None:
        """SIGTERM or SIGHUP (a closed tmux window, a lost SSH session): as `q`, the checks running are cancelled and
        their cancel recorded before the end; a second signal ends at once."""
        if self.cancels and not self.ending_after_checks:
            self.ending_after_checks = True
            self.cancel_checks()
            return
        self.exit()

    def on_unmount(self) -> None:
        self.minding_size = False  # the screens are gone
        for cancel in self.cancels.values():  # ended by a signal: no command outlives the dashboard
            cancel.set()
        self.shutdown.attach(None)  # the loop is ending: a signal from here on is the watchdog's alone
        self.shutdown.begin()  # Textual closes the terminal next: however that goes, it ends within two seconds

    # Actions a binding or the palette may run on the app; nothing else runs, whatever a text says.
    ALLOWED_ACTIONS = frozenset({
        "quit", "help", "undo", "set_operator", "set_t0", "new_run", "new_run_from_checklist", "switch_run",
        "command_palette", "focus_next", "focus_previous", "back", "pop_screen", "help_quit",
        "change_theme", "show_help_panel", "hide_help_panel", "dismiss", "search", "run_section_checks",
    })

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.notice_up:
            return action == "quit"  # under the "too small" notice only quitting works
        return action in self.ALLOWED_ACTIONS

    def say(self, message: str, **options) -> None:
        """A notification of text that may come from files or people: cleaned, cut short, never markup."""
        title = options.pop("title", "")
        self.notify(clean(shorten(message, 600)), title=clean_line(shorten(title, 80)), markup=False, **options)

    # -- actions that open a flow (ui/flows.py) ---------------------------------------------------
    # Each holds the keys typed next for the dialog it opens (ui/typeahead.py).

    def action_set_operator(self) -> None:
        self.hold_keys()
        self.set_operator()

    def action_undo(self) -> None:
        self.hold_keys()
        self.undo()

    def action_set_t0(self) -> None:
        self.hold_keys()
        self.set_t0()

    def action_new_run(self) -> None:
        self.hold_keys()
        self.new_run(None)

    def action_new_run_from_checklist(self) -> None:
        self.new_run_from_checklist()

    @work(group="flow")
    async def new_run_from_checklist(self) -> None:
        from heypeter_tui.ui.screens.checklist_picker import ChecklistPicker

        path = await self.push_screen_wait(ChecklistPicker(self.context.checklist_files()))
        if path is not None:
            self.new_run(str(path))

    @flow
    async def new_run(self, checklist_ref: str | None) -> None:
        """A new run of this run's checklist, or of the one picked: title and T-0 asked, then switched to."""
        from heypeter_tui.ui.screens.dialogs import NewRunDialog

        loaded = self.attempt(lambda: self.context.load_checklist(checklist_ref)) if checklist_ref else None
        if loaded is FAILED:
            return
        title = loaded[0].title if loaded else self.state.checklist.title
        reference = checklist_ref or self.state.checklist.id
        made: list[NewRun] = []

        async def save(values: dict[str, str]) -> bool | str:
            """Made, or why not, said in the dialog, which stays open with what was typed (a full disk, a store
            gone away)."""
            def create() -> NewRun:
                try:  # with a saver the dialog's own check is not run: the T-0 is judged here, said in the dialog
                    t0 = parse_when(values["t0"], self.clock()) if values["t0"].strip() else None
                except ValueError as error:
                    raise UserError(str(error)) from None
                return self.context.new_run(values["title"].strip(), reference, t0, loaded)

            reasons: list[str] = []
            result = self.attempt(create, failed="no new run", refused=reasons.append)
            if result is FAILED:
                return reasons[-1] if reasons else False
            made.append(result)
            return True

        dialog = NewRunDialog(title, self.clock)
        dialog.saver = save
        if await self.push_screen_wait(dialog) is not None and made:
            run = made[-1]
            self.switch_run(run.run_id)
            if run.carry_note():  # which contacts came along, and which this checklist has no role for
                self.say(run.carry_note(), title="Contacts", timeout=10)

    def action_switch_run(self) -> None:
        self.hold_keys()
        self.pick_run()

    @flow
    async def pick_run(self) -> None:
        from heypeter_tui.ui.screens.run_picker import RunPicker

        summaries, problems = await self.summarise_runs().wait()
        for problem in problems:
            self.say(problem, severity="warning")
        run_id = await self.push_screen_wait(RunPicker(summaries, self.state.run_id))
        if run_id:
            self.switch_run(run_id)

    @work(thread=True, group="io")
    def summarise_runs(self):
        """Every run's log read and folded: off the event loop, which keeps drawing meanwhile."""
        from heypeter_tui.core.runs_index import summarize_runs

        return summarize_runs(self.context.workspace)

    def switch_run(self, run_id: str) -> None:
        if run_id == self.state.run_id:
            return
        session = self.attempt(lambda: self.context.session(run_id))
        if session is FAILED:
            return
        session.actor = self.session.actor
        # Shown all the same where only `current` could not move.
        self.attempt(lambda: self.context.workspace.set_current(run_id), failed="the current run is unchanged",
                     severity="warning")
        self.current_seen, self.known_current = True, run_id
        self.session = session
        self.state = session.state
        self.report_log_problems()
        self.close_views_of_another_run()
        self.say(f"now showing: {session.state.title} ({run_id})", timeout=3)

    def close_views_of_another_run(self) -> None:
        """An item's history or a sign-off's, open over the run left, would go on showing it over another: closed.
        (A dialog that changes the run stays, and saves nothing into the run switched to: ui/flows.py `ask`.)"""
        from heypeter_tui.ui.screens.item_detail import ItemDetailScreen
        from heypeter_tui.ui.screens.signoff_history import SignoffHistoryScreen

        if isinstance(self.screen, (ItemDetailScreen, SignoffHistoryScreen)):
            self.screen.dismiss(None)

    # -- search --------------------------------------------------------------------------------

    def action_search(self) -> None:
        self.hold_keys()
        self.find_item()

    @flow
    async def find_item(self, query: str = "") -> None:
        """The search dialog (ui/screens/search.py); the item chosen is shown in its group, highlighted."""
        from heypeter_tui.ui.screens.search import SearchDialog

        key = await self.push_screen_wait(SearchDialog(query))
        if key is not None:
            self.show_in_list(key)

    def show_in_list(self, key: str) -> None:
        """Show the item on the dashboard, wherever the dashboard is in the screen stack."""
        for screen in self.screen_stack:
            if isinstance(screen, DashboardScreen):
                screen.show_item(key)

    # -- help ----------------------------------------------------------------------------------

    def action_help(self) -> None:
        from heypeter_tui.ui.screens.help import HelpScreen
        from heypeter_tui.ui.widgets.items import ItemList
        from heypeter_tui.ui.widgets.navigator import Navigator
        from heypeter_tui.ui.widgets.tables import ContactsTable, SignoffTable

        sections = [
            ("Dashboard", DashboardScreen.BINDINGS),
            ("Navigator", Navigator.BINDINGS),
            ("Items", ItemList.BINDINGS),
            ("Sign-offs", SignoffTable.SIGNOFF_BINDINGS),
            ("Contacts", ContactsTable.CONTACT_BINDINGS),
            ("App", HeyPeterApp.BINDINGS),
        ]
        self.push_screen(HelpScreen(sections))
