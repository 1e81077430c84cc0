"""The dialogs over the dashboard: sign off, a reason, T-0, the operator, a new run, a contact, a note."""

from __future__ import annotations

from datetime import datetime

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Static, TextArea

from heypeter_tui.core.clock import Clock, format_full, parse_when
from heypeter_tui.core.durations import format_duration
from heypeter_tui.core.run import Contact, Signature
from heypeter_tui.core.text import count
from heypeter_tui.ui.literal import literal
from heypeter_tui.ui.screens.dialog_base import Check, ConfirmDialog, Dialog, FormDialog

WHEN_HINT = "14:00, 2026-12-03 14:00, +2h or ISO 8601"


class SignDialog(FormDialog):
    FIELDS = (
        ("name", "Name", "who signs"),
        ("signature", "Signature (optional)", "initials or a statement; defaults to the name"),
    )
    REQUIRED = ("name",)
    SUBMIT = "Sign"

    def __init__(self, role: str, open_items: int, signed: Signature | None = None, check: Check | None = None,
                 covers: str = "all readiness", key_warning: str = ""):
        what = "readiness" if covers == "all readiness" else covers
        notices = [f"Vouches for {covers}: a change to {what} makes this sign-off stale."]
        if key_warning:
            notices.append(key_warning)
        if signed is not None:
            notices.append(f"Already signed by {signed.name} at {format_full(datetime.fromisoformat(signed.at))}: "
                           "signing again replaces that sign-off (the record keeps both).")
        if open_items:
            left = count(open_items, "readiness item") if covers == "all readiness" else \
                f"{count(open_items, 'item')} of {covers}"
            notices.append(f"{left} still open. Signing anyway records that number.")
            self.SUBMIT = "Sign anyway"
        super().__init__(f"Sign off as {role}", notice="\n".join(notices), check=check)


class ContactDialog(FormDialog):
    FIELDS = (("name", "Name", ""), ("phone", "Phone", ""), ("email", "Email", ""))

    def __init__(self, contact: Contact, check: Check | None = None) -> None:
        values = {"name": contact.name, "phone": contact.phone, "email": contact.email}
        super().__init__(f"Emergency contact: {contact.role}", values, check=check)


class AddContactDialog(FormDialog):
    """A contact beyond the checklist's roles: the incident bridge, vendor support. A role the run has already is
    that row."""

    FIELDS = (("role", "Role", "what they are for: Incident bridge, Vendor support"), ("name", "Name", ""),
              ("phone", "Phone", ""), ("email", "Email", ""))
    SUBMIT = "Add"  # nothing REQUIRED: enter walks every field, as editing a contact does; the role is checked on save

    def __init__(self, check: Check | None = None) -> None:
        super().__init__("Add an emergency contact", {}, check=check)


class ReasonDialog(FormDialog):
    """N/A, blocked, revoking and overriding the gate need a reason: it goes into the log and the record."""

    FIELDS = (("reason", "Reason", "why, for the record"),)
    REQUIRED = ("reason",)

    def __init__(self, title: str, subject: str, notice: str = "", submit: str = "Save",
                 check: Check | None = None) -> None:
        self.SUBMIT = submit
        super().__init__(title, notice=notice, check=check, subject=subject)


class T0Dialog(FormDialog):
    """As T-0 is typed, the local date and time it resolves to shows under it: `12:00` typed at 12:33 is
    tomorrow, and says so."""

    FIELDS = (("t0", "T-0", WHEN_HINT),)
    REQUIRED = ("t0",)
    SUBMIT = "Set T-0"
    DEFAULT_CSS = "T0Dialog #resolved { height: auto; color: $text-muted; }"

    def __init__(self, current: str, clock: Clock) -> None:
        self.clock = clock
        super().__init__("When is T-0?", {"t0": current}, "Local time unless a zone is given; stored in UTC.",
                         check=lambda values: parse_when(values["t0"], clock()))

    def under_field(self, key: str) -> ComposeResult:
        yield Static(resolved(self.values.get(key, ""), self.clock()), id="resolved")

    def on_input_changed(self, event: Input.Changed) -> None:
        self.query_one("#resolved", Static).update(resolved(event.value, self.clock()))
        self.say_error("")

    def say_error(self, message: str) -> None:
        # A time that does not parse is already said under the field, as typed: not twice.
        shown = str(self.query_one("#resolved", Static).render())
        super().say_error("" if message and message == shown else message)


def resolved(text: str, now: datetime):
    """`→ Thu 2026-12-03 14:00 UTC+01:00, in 2 h`: what a typed T-0 means, or what is wrong with it."""
    if not text.strip():
        return literal(f"e.g. {WHEN_HINT}", "$text-muted")
    try:
        moment = parse_when(text, now)
    except ValueError as error:
        return literal(str(error), "$error")
    seconds = int((moment - now).total_seconds())
    distance = f"in {format_duration(seconds)}" if seconds >= 0 else f"{format_duration(-seconds)} ago"
    return literal(f"→ {moment.astimezone():%a} {format_full(moment)}, {distance}", "$success")


class OperatorDialog(FormDialog):
    FIELDS = (("operator", "Who is operating", "your name, as the log should show it"),)
    REQUIRED = ("operator",)
    SUBMIT = "Set"

    def __init__(self, current: str, check: Check | None = None) -> None:
        super().__init__("Who is operating this dashboard?", {"operator": current},
                         "Everyone attached to this tmux session types into one process: say who you are. "
                         "Kept for next time, and used by the command line.", check=check)


class RenameDialog(FormDialog):
    FIELDS = (("title", "Title", "Release 2.4.1"),)
    REQUIRED = ("title",)
    SUBMIT = "Rename"

    def __init__(self, current: str, check: Check | None = None) -> None:
        super().__init__("Rename this run", {"title": current},
                         "The header, the runs list and the record show it from here on; the timeline keeps the old "
                         "title, and a reference by title still takes the one the run was made with.", check=check)


class NewRunDialog(FormDialog):
    FIELDS = (("title", "Title", "Release 2.4.0"), ("t0", "T-0 (optional)", WHEN_HINT))
    REQUIRED = ("title",)
    SUBMIT = "Start run"

    def __init__(self, checklist_title: str, clock: Clock) -> None:
        self.clock = clock
        super().__init__(f"New run of {checklist_title}", check=self.check_values)

    def check_values(self, values: dict[str, str]) -> None:
        if values["t0"].strip():
            parse_when(values["t0"], self.clock())

    def action_next_or_submit(self) -> None:
        # The title is the one required field, but T-0 comes after it: enter moves there first.
        if self.focused is self.query_one("#field-title"):
            self.after_typing(lambda: self.set_focus(self.query_one("#field-t0")))
        else:
            super().action_next_or_submit()


class NoteDialog(Dialog[str | None]):
    """A note of several lines: enter starts a new line, ctrl+s saves."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True, id="note.save"),
        Binding("escape", "cancel", "Cancel", id="dialog.cancel"),
    ]
    DEFAULT_CSS = "NoteDialog #note-text { height: 8; }"

    def __init__(self, item_text: str) -> None:
        super().__init__()
        self.item_text = item_text

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(literal("Note", "bold"), classes="dialog-title")
            yield Static(literal(self.item_text, "$text-muted"), classes="dialog-notice")
            yield TextArea(id="note-text", soft_wrap=True, show_line_numbers=False)
            yield Static("", classes="dialog-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Static(literal("ctrl+s saves", "$text-muted"), classes="dialog-hint")
                yield Button("Save", variant="primary", id="submit")
                yield Button("Cancel", id="cancel")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "submit":
            self.save()
        else:
            self.action_cancel()

    def action_save(self) -> None:
        self.after_typing(self.save, release=False)

    def save(self) -> None:
        text = self.query_one(TextArea).text
        if not text.strip():
            self.say_error("the note is empty")
            self.keys_may_flow()
            return
        self.finish(text)

    @work(exclusive=True, group="cancel")
    async def action_cancel(self) -> None:
        if self.query_one(TextArea).text.strip():
            confirm = ConfirmDialog("Discard this note?", "It is not saved anywhere else.", "Discard", "Keep editing")
            keep = not await self.app.push_screen_wait(confirm)
            self.keys_may_flow()  # the answer held the keys typed after it
            if keep:
                return
        self.dismiss(None)
