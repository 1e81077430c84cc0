"""Every change the dashboard makes, each a straight line from the key to the log.

A flow is a worker that awaits its dialogs (`push_screen_wait`) and then hands the change to `apply`,
the one method that records changes and alone turns a refusal (UserError) or a failed write (OSError)
into a message. A dialog checks what is typed with the same core rule that builds the change, so a value
that would be refused is said in place and nothing typed is lost; the change itself is built again from
the run as it is when recorded (another writer may have moved it meanwhile).
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from enum import Enum
from typing import TYPE_CHECKING, TypeVar

from textual import work

from heypeter_tui.core import commands
from heypeter_tui.core.checks import outcome_line
from heypeter_tui.core.clock import format_full, parse_iso
from heypeter_tui.core.config import save_setting
from heypeter_tui.core.errors import UserError
from heypeter_tui.core.paths import describe_os_error
from heypeter_tui.core.record_text import describe
from heypeter_tui.core.rules import gate, open_readiness_items
from heypeter_tui.core.run import DONE, LABELS, NA, PENDING
from heypeter_tui.core.staleness import made_stale_by
from heypeter_tui.core.text import count
from heypeter_tui.ui import messages as msg

if TYPE_CHECKING:
    from heypeter_tui.core.commands import Change
    from heypeter_tui.core.run import ItemState

Build = Callable[[], "Change | tuple[Change, ...]"]
Seen = tuple[str, "ItemState", str]
"""An item's key, its state as the view showed it when the change was asked for, and the status it is to get."""
Refused = Callable[[str], object]
"""Told why a change was refused, where a dialog still open says it in place."""
T = TypeVar("T")
V = TypeVar("V")


class Failed(Enum):
    FAILED = "failed"


FAILED = Failed.FAILED
"""What `attempt` returns where its action was refused or failed (and said so)."""


def flow(method: Callable[..., Awaitable[None]] | None = None, *, changes_run: bool = True, about: str = ""):
    """A flow: a worker of the app's "flow" group that, however it ends, lets held keys go (ui/typeahead.py:
    the key that started it held them for its dialog; with no dialog, or once it is done, they flow on).
    One that changes the run is refused before its dialog opens while the database is away (ui/listening.py):
    nobody types a note or a signature only to have it refused and lost. `about` ("item", "signoff", "contact"):
    what its first argument names, checked against the run shown now: a switch, a new run or a log replaced between
    the key and the flow may have taken it away, which is said, never a crash."""

    def decorate(method: Callable[..., Awaitable[None]]):
        @functools.wraps(method)
        async def run(self, *args) -> None:
            try:
                if about and args and not _still_there(self.state, about, args[0]):
                    self.say(f"{args[0]!r} is not in the run shown now (it was switched or replaced); nothing was "
                             "changed", severity="warning")
                    return
                if changes_run and self.refuse_offline():
                    return
                await method(self, *args)
            finally:
                self.release_keys()

        return work(group="flow")(run)

    return decorate(method) if method is not None else decorate


def _still_there(state, about: str, name: str) -> bool:
    if about == "item":
        return name in state.checklist.items_by_key
    if about == "signoff":
        return name in state.checklist.signoffs
    return name in state.contacts


def replaces_key(state, role: str) -> str:
    """Why signing `role` by name here would replace a standing key signature, and what that costs; "" where it
    would not. The dashboard signs by name only: a key signs with `heypeter-tui sign ROLE --ssh-key KEY`."""
    signed = state.signoffs.get(role)
    if signed is None or not state.events[signed.seq].get("ssh_signature"):
        return ""
    rule = state.checklist.signers_of(role)
    verdict = "verified " if role in state.verified else ""
    cost = (" This role counts only key-signed: signed by name, it holds the gate NO-GO." if rule and rule.required
            else "")
    return (f"{signed.name}'s {verdict}key signature stands; signing by name replaces it.{cost} To sign with a key: "
            f"heypeter-tui sign {role!r} --name NAME --ssh-key KEY")


class ChangeFlows:
    """Mixin for the app: its `session`, `state`, `clock`, `context`, `say` and `push_screen_wait`."""

    if TYPE_CHECKING:
        from heypeter_tui.context import Context
        from heypeter_tui.core.run import RunState
        from heypeter_tui.core.session import RunSession

        session: RunSession
        state: RunState
        context: Context
        operator: str

        def say(self, message: str, **options) -> None: ...
        async def push_screen_wait(self, screen): ...
        def release_keys(self) -> None: ...
        def clock(self): ...

    # -- the one place changes are made --------------------------------------------------------

    def attempt(self, action: Callable[[], T], failed: str = "not saved", severity: str = "error",
                refused: Refused | None = None) -> T | Failed:
        """`action()`, or FAILED where it was refused (UserError) or a write failed (OSError): said, never
        raised. The one place in the dashboard that turns either into a message: a notification, or `refused`
        (a dialog still open says it in place)."""
        try:
            return action()
        except UserError as error:
            said = str(error)
        except OSError as error:
            said = f"{failed}: {describe_os_error(error)}"
            if refused is None:
                self.say(said, title="Run log", severity=severity, timeout=15)
                return FAILED
        if refused is not None:
            refused(said)
        else:
            self.say(said, severity=severity)
        return FAILED

    async def apply(self, build: Build, ask_stale: bool = True, refused: Refused | None = None,
                    seen: Seen | None = None) -> bool:
        """Build the change from the run as the log holds it now (read first: what others appended since the last
        poll counts, their changes and the rules they moved), ask before replacing another writer's change to
        the item as it was `seen`, ask once where it would make sign-offs stale, append it durably, then show:
        the screen changes only once the event is on disk. Where it is refused (offline, a failed write, a
        rule), `refused` is told why (else it is said), and False returned."""
        from heypeter_tui.ui.screens.dialog_base import ConfirmDialog

        if self.refuse_offline(refused):
            return False
        if self.attempt(self.session.refresh, failed="not saved", refused=refused) is FAILED:
            return False
        self.state = self.session.state
        change = self.attempt(build, refused=refused)
        if change is FAILED:
            return False
        if seen is not None and commands.item_moved(seen[1], self.state.item(seen[0])):
            if not await self.replace_theirs(*seen):
                return False
            change = self.attempt(build, refused=refused)  # the run may have moved while the question was open
            if change is FAILED:
                return False
        if isinstance(change, tuple):  # several changes recorded together, all or none (a check's evidence)
            done = self.attempt(lambda: self.session.record(*change), refused=refused) is not FAILED
            self.state = self.session.state
            return done
        stale = made_stale_by(self.state, change, self.session.actor, self.clock()) if ask_stale else []
        if stale:
            question = (f"This makes {count(len(stale), 'sign-off')} stale ({', '.join(stale)}): they vouched for "
                        "readiness as it is now, and must sign again for GO.")
            if not await self.push_screen_wait(ConfirmDialog("Change what was signed?", question,
                                                             "Change anyway", "Keep it")):
                return False
            if self.refuse_offline(refused):  # the database may have gone while the question was open
                return False
            change = self.attempt(build, refused=refused)  # the run may have moved while the question was open
            if change is FAILED:
                return False
        done = self.attempt(lambda: self.session.record(change), refused=refused) is not FAILED
        self.state = self.session.state
        return done

    async def replace_theirs(self, key: str, seen: ItemState, status: str) -> bool:
        """True where the item is as it was seen, or the person agrees to replace what another writer made of it
        meanwhile: who changed it to what is said. A tick already made by the other is not made twice."""
        from heypeter_tui.ui.screens.dialog_base import ConfirmDialog

        current = self.state.item(key)
        if not commands.item_moved(seen, current):
            return True
        changed = commands.last_change(self.state, key)
        if current.status == status and status in (DONE, PENDING):
            self.say(f"{self.item_text(key)}: already {changed}; nothing to change", severity="warning", timeout=8)
            return False
        question = (f"{self.item_text(key)}: {changed}, after this dashboard showed it {LABELS[seen.status]}. "
                    f"Replace that with {LABELS[status]}?")
        return bool(await self.push_screen_wait(ConfirmDialog("Changed meanwhile", question, "Replace it",
                                                              "Keep theirs")))

    async def ask(self, dialog, build: Callable[[V], Change], ask_stale: bool = True,
                  seen: Seen | None = None, first: Callable[[], Awaitable[bool]] | None = None) -> V | None:
        """`dialog`, open until the change built from what it holds is recorded (`apply`): refused at save time,
        it stays with everything typed and says why in place. Returns what it held once recorded; None where
        it was cancelled, or a question about the change was answered "keep it" (`first`: a question asked at save
        time, before anything is built)."""
        opened_on = self.state.run_id  # a dialog belongs to the run it was opened on: a switch meanwhile saves nothing

        async def save(values: V) -> bool | str:
            if self.state.run_id != opened_on:
                return (f"opened on run {opened_on}; the dashboard shows {self.state.run_id} now (switched): nothing "
                        "was changed; escape closes this")
            if first is not None and not await first():
                return False
            reasons: list[str] = []
            if await self.apply(lambda: build(values), ask_stale, refused=reasons.append, seen=seen):
                return True
            return reasons[-1] if reasons else False

        dialog.saver = save
        return await self.push_screen_wait(dialog)

    # -- items ---------------------------------------------------------------------------------

    def item_text(self, key: str) -> str:
        return self.state.checklist.items_by_key[key][1].text

    def on_toggle_item(self, message: msg.ToggleItem) -> None:
        self.toggle_item(message.key)

    @flow(about="item")
    async def toggle_item(self, key: str) -> None:
        """Space: done <-> pending, as the item was shown. Ticking a gated item while NO-GO asks for the override's
        reason; ticking an item whose latest check failed asks why (one reason where both apply)."""
        from heypeter_tui.ui.screens.dialogs import ReasonDialog

        seen = self.state.item(key)
        status = PENDING if seen.status == DONE else DONE
        gated = commands.needs_override(self.state, key, status)
        failed = commands.failed_check(self.state, key) if status == DONE else None
        if not gated and failed is None:
            await self.apply(lambda: commands.set_status(self.state, key, status), seen=(key, seen, status))
            return
        said = []
        if gated:
            reasons = gate(self.state).reasons
            said.append("The gate says NO-GO: " + "; ".join(reasons[:3])
                        + (f"; and {len(reasons) - 3} more" if len(reasons) > 3 else "") + ".")
        if failed is not None:
            said.append(f"Its latest {outcome_line(failed.data, failed.ts[11:16] + ' UTC')}.")
        title = "Override the gate" if failed is None else "Tick despite the failed check"

        def build(values: dict[str, str]) -> Change:
            reason = values["reason"]
            return commands.set_status(self.state, key, status, reason if failed else "", reason if gated else "")

        await self.ask(ReasonDialog(title, self.item_text(key), " ".join(said) + " Tick it anyway?", "Tick anyway",
                                    check=build), build, seen=(key, seen, status))

    def on_mark_item(self, message: msg.MarkItem) -> None:
        self.mark_item(message.key, message.status)

    @flow(about="item")
    async def mark_item(self, key: str, status: str) -> None:
        from heypeter_tui.ui.screens.dialogs import ReasonDialog

        title = f"Mark {LABELS[status] if status == NA else status}"
        build = lambda v: commands.set_status(self.state, key, status, v["reason"])  # noqa: E731
        await self.ask(ReasonDialog(title, self.item_text(key), check=build), build,
                       seen=(key, self.state.item(key), status))

    def on_note_on_item(self, message: msg.NoteOnItem) -> None:
        self.note_on_item(message.key)

    @flow(about="item")
    async def note_on_item(self, key: str) -> None:
        from heypeter_tui.ui.screens.dialogs import NoteDialog

        await self.ask(NoteDialog(self.item_text(key)), lambda note: commands.add_note(self.state, key, note))

    def on_timer_of_item(self, message: msg.TimerOfItem) -> None:
        self.timer_of_item(message.key)

    @flow(about="item")
    async def timer_of_item(self, key: str) -> None:
        await self.apply(lambda: commands.toggle_timer(self.state, key))

    def on_show_item(self, message: msg.ShowItem) -> None:
        from heypeter_tui.ui.screens.item_detail import ItemDetailScreen

        self.push_screen(ItemDetailScreen(self.state, message.key))  # type: ignore[attr-defined]
        self.release_keys()

    # -- the run -------------------------------------------------------------------------------

    @flow
    async def set_t0(self) -> None:
        from heypeter_tui.ui.screens.dialogs import T0Dialog

        current = format_full(parse_iso(self.state.t0))[:16] if self.state.t0 else ""
        await self.ask(T0Dialog(current, self.clock), lambda values: commands.set_t0(values["t0"], self.clock()))

    def action_rename_run(self) -> None:
        self.hold_keys()
        self.rename_run()

    @flow
    async def rename_run(self) -> None:
        from heypeter_tui.ui.screens.dialogs import RenameDialog

        build = lambda v: commands.rename(self.state, v["title"])  # noqa: E731
        await self.ask(RenameDialog(self.state.title, check=build), build, ask_stale=False)

    @flow
    async def undo(self) -> None:
        target = None

        def build() -> Change:
            nonlocal target
            change = self.session.undo_change()
            target = self.state.events[self.state.events.first_position(change.data["target"])]
            return change

        if await self.apply(build) and target is not None:
            self.say(f"undone: {describe(self.state, target)}", timeout=3)

    @flow(changes_run=False)  # the operator is this dashboard's, kept in config.yaml, not in the run
    async def set_operator(self) -> None:
        """Who is at the keyboard: every change from here records it, and config.yaml keeps it for the next
        dashboard and for the command line."""
        from heypeter_tui.ui.screens.dialogs import OperatorDialog

        values = await self.push_screen_wait(OperatorDialog(
            self.session.actor.operator, check=lambda v: self.session.actor.here(v["operator"])
        ))
        if values is None or self.attempt(lambda: self.session.set_operator(values["operator"])) is FAILED:
            return
        self.operator = self.session.actor.operator
        path = self.context.config_dir / "config.yaml"
        keep = lambda: save_setting(path, "operator", self.operator)  # noqa: E731
        kept = self.attempt(keep, failed="not kept for next time", severity="warning")
        if kept is not FAILED:
            self.say(f"operating as {self.operator}; kept in {path}", timeout=4)

    # -- sign-offs and contacts ----------------------------------------------------------------

    def on_sign_role(self, message: msg.SignRole) -> None:
        self.sign_role(message.role)

    @flow(about="signoff")
    async def sign_role(self, role: str) -> None:
        from heypeter_tui.ui.screens.dialogs import SignDialog

        def build(values: dict[str, str]) -> Change:
            return commands.sign(self.state, role, values["name"], values["signature"])

        dialog = SignDialog(role, open_readiness_items(self.state, role), self.state.signoffs.get(role), check=build,
                            covers=self.state.checklist.covers_text(role), key_warning=replaces_key(self.state, role))
        await self.ask(dialog, build, ask_stale=False, first=lambda: self.confirm_replacing_key(role))

    async def confirm_replacing_key(self, role: str) -> bool:
        """A sign-off by name over a standing key signature asks first, judged on the run as it is now (one enter
        once replaced a verified key signature and turned GO into NO-GO)."""
        from heypeter_tui.ui.screens.dialog_base import ConfirmDialog

        warning = replaces_key(self.state, role)
        return not warning or await self.push_screen_wait(ConfirmDialog(
            f"Replace {role}'s key signature?", warning, "Sign by name anyway", "Keep the key signature"))

    def on_revoke_role(self, message: msg.RevokeRole) -> None:
        self.revoke_role(message.role)

    @flow(about="signoff")
    async def revoke_role(self, role: str) -> None:
        from heypeter_tui.ui.screens.dialogs import ReasonDialog

        if role not in self.state.signoffs:
            self.say(f"{role} has not signed", severity="warning")
            return
        signed = self.state.signoffs[role]
        build = lambda v: commands.revoke(self.state, role, v["reason"])  # noqa: E731
        await self.ask(ReasonDialog(f"Revoke the {role} sign-off", f"signed by {signed.name}",
                                    "The revocation and its reason go into the record.", "Revoke", check=build),
                       build, ask_stale=False)

    def on_add_contact(self, message: msg.AddContact) -> None:
        self.add_contact()

    @flow
    async def add_contact(self) -> None:
        from heypeter_tui.ui.screens.dialogs import AddContactDialog

        def build(values: dict[str, str]) -> Change:
            return commands.set_contact(self.state, values["role"], values["name"], values["phone"], values["email"],
                                        add=True)

        await self.ask(AddContactDialog(check=build), build, ask_stale=False)

    def on_edit_contact(self, message: msg.EditContact) -> None:
        self.edit_contact(message.role)

    @flow(about="contact")
    async def edit_contact(self, role: str) -> None:
        from heypeter_tui.ui.screens.dialogs import ContactDialog

        def build(values: dict[str, str]) -> Change:
            return commands.set_contact(self.state, role, values["name"], values["phone"], values["email"])

        await self.ask(ContactDialog(self.state.contacts[role], check=build), build, ask_stale=False)
