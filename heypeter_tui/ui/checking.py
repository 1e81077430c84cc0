"""Running items' checks from the dashboard: `v`, "Run the checks of this section", and `every` while a timer runs.

The flow is a straight line: trusted already, or the trust dialog says yes; then one thread worker runs the checks
in order (core/check_runner.py) and posts what it sees. Output reaches the event loop as `CheckOutput` messages
that replace one another while queued: a command printing 10 MB costs the screen a few redraws, not 10 MB of
messages. Each result comes back as `CheckDone` and is recorded by `apply`, the one place changes are made.

A repeating check (`every`) is run by the dashboard that started its item's timer (the timer's event is one of
this session's own changes), so two dashboards on one run never both repeat it. It runs quietly: each run is
evidence on the item and in the record, it marks nothing done (monitoring is not over at its first probe: a person
ticks it when the timer is up), and only a failure is said, with the bell.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING

from textual import work

from heypeter_tui.core import commands
from heypeter_tui.core.checks import checks_of, outcome_line
from heypeter_tui.core.clock import to_iso
from heypeter_tui.core.schedule import running_timers, timer_remaining
from heypeter_tui.core.text import count
from heypeter_tui.core.trust import is_trusted, previous_trust, trust
from heypeter_tui.ui.flows import FAILED, flow
from heypeter_tui.ui.messages import CheckDone, CheckItem, CheckNotRun, CheckOutput

if TYPE_CHECKING:
    from datetime import datetime

    from heypeter_tui.core.session import RunSession
    from heypeter_tui.ui.widgets.checks_panel import ChecksPanel

OUTPUT_SHOWN = 16 * 1024
"""Bytes of a running check's tail sent to the panel: more than it can show, far less than the 64 KiB kept."""
SAY_EVERY = 0.1
"""Seconds between a running check's output updates: ten a second is live, and never a flood."""


class RunsChecks:
    """Mixin for the app: its `session`, `state`, `context`, `clock`, `say`, `attempt`, `apply`."""

    if TYPE_CHECKING:
        from heypeter_tui.context import Context
        from heypeter_tui.core.run import RunState

        session: RunSession
        state: RunState
        context: Context
        now: datetime

        def say(self, message: str, **options) -> None: ...
        def attempt(self, action, failed: str = "", severity: str = "error"): ...
        async def apply(self, build, ask_stale: bool = True) -> bool: ...
        async def push_screen_wait(self, screen): ...
        def query_one(self, selector, expect_type=None): ...
        def clock(self): ...
        def exit(self, *args) -> None: ...

    cancels: dict[str, threading.Event]
    """The checks asked for and not yet recorded, by item key: `esc` sets them all."""
    repeated: dict[str, datetime]
    """When each repeating check last started (`every`), by item key."""
    ending_after_checks = False

    kept: list[CheckDone]
    """Results that came back while the database was away: recorded once it is back (ui/listening.py)."""
    warned_of_kept = False

    def init_checks(self) -> None:
        self.cancels, self.repeated, self.kept = {}, {}, []

    @property
    def checks_panel(self) -> ChecksPanel | None:
        from heypeter_tui.ui.screens.dashboard import DashboardScreen

        for screen in self.screen_stack:  # type: ignore[attr-defined]
            if isinstance(screen, DashboardScreen):
                return screen.checks_panel
        return None

    def show_checking(self, keys: list[str]) -> None:
        """The rows of items whose check started or ended say so (`checking…`)."""
        from heypeter_tui.ui.widgets.items import ItemList

        panel = self.checks_panel
        if panel is not None:
            panel.screen.query_one(ItemList).show_checking(keys)

    # -- asking ----------------------------------------------------------------------------------

    def on_check_item(self, message: CheckItem) -> None:
        self.check_items([message.key])

    def action_run_section_checks(self) -> None:
        from heypeter_tui.ui.screens.dashboard import DashboardScreen
        from heypeter_tui.ui.widgets.navigator import GROUP_PREFIX

        dashboard = next((s for s in self.screen_stack if isinstance(s, DashboardScreen)), None)  # type: ignore
        view = dashboard.view if dashboard is not None else ""
        if not view.startswith(GROUP_PREFIX):
            self.say("show a section or a phase first: its checks are what runs", severity="warning")
            return
        group = self.state.checklist.group(view.removeprefix(GROUP_PREFIX))
        keys = [key for key, _ in checks_of(self.state.checklist, group.id)]
        if not keys:
            self.say(f"{group.title} has no items with a check", severity="warning")
            return
        self.check_items(keys)

    @flow
    async def check_items(self, keys: list[str]) -> None:
        """Trusted, or asked; then the checks run in order in a thread, their output streaming into the panel."""
        from heypeter_tui.ui.screens.trust_dialog import TrustDialog

        checklist = self.state.checklist
        if self.state.read_only:
            self.say(f"{self.state.read_only}; nothing was run", severity="warning")
            return
        keys = [key for key in keys if key not in self.cancels]
        if not keys:
            self.say("already running", severity="warning", timeout=3)
            return
        if checklist.items_by_key[keys[0]][1].check is None:
            self.say(f"{checklist.items_by_key[keys[0]][1].text}: no check to run (the checklist gives it none)",
                     severity="warning")
            return
        if not is_trusted(self.context.config_dir, checklist):
            actor = self.session.actor
            previous = previous_trust(self.context.config_dir, checklist)
            if not await self.push_screen_wait(TrustDialog(checklist, actor.user, actor.host, previous)):
                self.say("not trusted: nothing was run", severity="warning", timeout=5)
                return
            by = f"{actor.user}@{actor.host}"
            if self.attempt(lambda: trust(self.context.config_dir, checklist, by, to_iso(self.clock())),
                            failed="not trusted (the trust could not be kept)") is FAILED:
                return
            if self.state.checklist is not checklist:  # another run was switched to while the question was open
                self.say("the run shown changed: nothing was run; v runs it here", severity="warning")
                return
        self.start_checks(keys, shown=True)

    def start_checks(self, keys: list[str], shown: bool) -> None:
        from heypeter_tui.ui.widgets.checks_panel import Job

        items = self.state.checklist.items_by_key
        jobs = [(key, items[key][1].check) for key in keys if items[key][1].check is not None]
        for key, _ in jobs:
            self.cancels[key] = threading.Event()
        self.show_checking([key for key, _ in jobs])
        panel = self.checks_panel
        if panel is not None and shown:  # a repeat runs quietly: the panel keeps what was asked for
            panel.start([Job(key, items[key][1].text, check.run, check.timeout) for key, check in jobs])
        self.run_checks(self.session, jobs, [self.cancels[key] for key, _ in jobs], not shown)

    @work(thread=True, group="checks")
    def run_checks(self, session: RunSession, jobs, cancels: list[threading.Event], repeat: bool) -> None:
        """Each check in turn, off the event loop. A cancel stops the running one and those after it."""
        from heypeter_tui.core.check_runner import not_run, run_check

        environment, host = self.context.environment, session.actor.host
        for (key, check), cancel in zip(jobs, cancels):
            if cancel.is_set():  # cancelled before its turn: never started, so nothing to record
                self.post_message(CheckNotRun(key))  # type: ignore[attr-defined]
                continue
            begun = time.monotonic()
            said = [0.0]
            self.post_message(CheckOutput(key, "", 0, 0.0))  # type: ignore[attr-defined]  (running, if silent)

            def progress(tail, chunk: bytes, key: str = key, begun: float = begun, said: list[float] = said) -> None:
                now = time.monotonic()
                if now - said[0] >= SAY_EVERY or not chunk:
                    said[0] = now
                    self.post_message(CheckOutput(key, tail.text(OUTPUT_SHOWN), tail.total, now - begun))  # type: ignore

            started = to_iso(self.clock())
            try:
                result = run_check(check, environment, started, host, cancel, progress, self.context.hidden)
            except Exception as error:  # a fault of ours, not the command's: still a result, so nothing waits on it
                result = not_run(check, f"not run: {type(error).__name__}: {error}", host, started)
            self.post_message(CheckDone(session, key, result, repeat))  # type: ignore[attr-defined]

    def on_check_not_run(self, message: CheckNotRun) -> None:
        self.cancels.pop(message.key, None)
        self.show_checking([message.key])
        panel = self.checks_panel
        if panel is not None:
            panel.drop(message.key)
        if self.ending_after_checks and not self.cancels:
            self.exit()

    def on_check_output(self, message: CheckOutput) -> None:
        panel = self.checks_panel
        if panel is not None and panel.display:
            panel.progress(message.key, message.output, message.output_bytes, message.elapsed)

    async def on_check_done(self, message: CheckDone) -> None:
        """The evidence recorded (into the run it was run for), and said."""
        key, result = message.key, message.result
        self.cancels.pop(key, None)
        self.show_checking([key])
        panel = self.checks_panel
        shown = panel if panel is not None and panel.display else None
        found = message.session.state.checklist.items_by_key.get(key)
        if found is None:  # the run's log was replaced while it ran, without this item: said, not recorded
            if shown is not None:
                shown.finish(key, result.to_data(key), result.output, "NOT recorded: the run changed")
            self.say(f"{key}: {outcome_line(result.to_data(key))}; NOT recorded: the run's checklist changed while it "
                     "ran and no longer has this item", severity="error", timeout=15)
            if self.ending_after_checks and not self.cancels:
                self.exit()
            return
        text = found[1].text
        if getattr(self, "offline", ""):  # the command ran: its evidence waits here rather than being lost
            if shown is not None:
                shown.finish(key, result.to_data(key), result.output, "kept here until the database is back")
            self.kept.append(message)
            self.say(f"{text}: {outcome_line(result.to_data(key))}; kept here until the database is back, then "
                     "recorded", severity="warning", timeout=10)
            if self.ending_after_checks and not self.cancels:
                self.exit()
            return
        held, marked = "", False

        def build():
            nonlocal held, marked
            changes, held = commands.checked(message.session.state, key, result)
            marked = len(changes) > 1
            return tuple(changes)

        if message.session is self.session:
            recorded = await self.apply(build, ask_stale=False)
        else:  # the run shown changed while it ran: its evidence still goes to the run it was run for
            recorded = self.attempt(lambda: message.session.record(*build())) is not FAILED
        if shown is not None:  # nothing shown is not on disk: a result not recorded says so
            shown.finish(key, result.to_data(key), result.output, "" if recorded else "NOT recorded")
        if recorded and not result.passed and message.repeat:
            self.bell()  # type: ignore[attr-defined]  (monitoring found a fault: heard as well as seen)
        if recorded and (not result.passed or held or not message.repeat):
            done = "; marked done" if marked else ""
            self.say(f"{text}: {outcome_line(result.to_data(key))}{done}" + (f"; {held}" if held else ""),
                     severity="information" if result.passed else "error", timeout=5 if result.passed else 15)
        if self.ending_after_checks and not self.cancels:
            self.exit()

    # -- cancelling, and ending --------------------------------------------------------------------

    def cancel_checks(self) -> bool:
        """`esc`: every check asked for stops (its process group killed); False where none was running."""
        for cancel in self.cancels.values():
            cancel.set()
        if self.cancels:
            self.say(f"cancelling {count(len(self.cancels), 'check')}", severity="warning", timeout=3)
        return bool(self.cancels)

    def record_kept_checks(self) -> None:
        """The database is back: the results kept meanwhile go into the record, in the order they came."""
        kept, self.kept = self.kept, []
        for message in kept:
            self.post_message(CheckDone(message.session, message.key, message.result, message.repeat))  # type: ignore

    async def action_quit(self) -> None:
        """Checks still running are cancelled and their cancel recorded before the dashboard ends: a command
        that ran is in the record, whatever stopped it. Results kept while the database is away are said once
        before they are given up."""
        if self.kept and not self.warned_of_kept:
            self.warned_of_kept = True
            self.say(f"{count(len(self.kept), 'check result')} not yet recorded (the database is away); q again "
                     "quits without them", severity="error", timeout=15)
            return
        if self.cancels:
            self.ending_after_checks = True
            self.cancel_checks()
            return
        self.exit()

    # -- repeating (`every`) -------------------------------------------------------------------------

    def repeat_checks(self, now: datetime) -> None:
        """Once a second: a repeating check whose item's timer this dashboard started, and still runs, runs again
        when `every` has passed since it last started (at once when the timer starts)."""
        due = []
        own = set(self.session.own_changes)
        for timer in running_timers(self.state):
            check = self.state.checklist.items_by_key[timer.key][1].check
            if check is None or check.every is None or timer.started_by not in own or timer.key in self.cancels:
                continue
            if timer_remaining(timer, now) <= 0:
                continue
            last = self.repeated.get(timer.key)
            if last is None or (now - last).total_seconds() >= check.every:
                due.append(timer.key)
        if not due or self.state.read_only or getattr(self, "offline", ""):
            return
        if not is_trusted(self.context.config_dir, self.state.checklist):
            for key in due:
                if key not in self.repeated:
                    self.say("a repeating check waits: this checklist's commands are not trusted here (v on the "
                             "item shows them)", severity="warning", timeout=10)
                self.repeated[key] = now
            return
        for key in due:
            self.repeated[key] = now
        self.start_checks(due, shown=False)
