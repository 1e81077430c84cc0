"""Small forms over the dashboard: sign off for a role, edit an emergency contact."""

from __future__ import annotations

from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static, TextArea

from heypeter_tui.core.run import Contact
from heypeter_tui.ui.literal import literal


class FormDialog(ModalScreen[dict[str, str] | None]):
    """A titled form of labelled inputs. Enter in the last field submits; Escape cancels."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="dialog.cancel"),
        # A priority binding runs as the key arrives, before later keys are handed to a widget:
        # what is typed right after enter already goes into the next field.
        Binding("enter", "next_or_submit", "Next", show=False, priority=True, id="dialog.next"),
    ]
    FIELDS: tuple[tuple[str, str, str], ...] = ()
    """(key, label, placeholder) for each input."""
    REQUIRED: tuple[str, ...] = ()
    SUBMIT = "Save"

    def __init__(self, title: str, values: dict[str, str] | None = None, notice: str = "") -> None:
        super().__init__()
        self.dialog_title = title
        self.values = values or {}
        self.notice = notice

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(literal(self.dialog_title, "bold"), classes="dialog-title")
            if self.notice:
                yield Static(literal(self.notice, "$warning"), classes="dialog-notice")
            for key, label, placeholder in self.FIELDS:
                yield Label(label, markup=False)
                yield Input(self.values.get(key, ""), placeholder=placeholder, id=f"field-{key}")
            yield Static("", classes="dialog-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.SUBMIT, variant="primary", id="submit")
                yield Button("Cancel", id="cancel")

    def action_next_or_submit(self) -> None:
        """Enter in a field moves to the next one at once. In the last field (or on a button) the key
        goes on to the widget itself, behind what was typed into it, and submits from there."""
        inputs = list(self.query(Input))
        if self.focused in inputs and inputs.index(self.focused) + 1 < len(inputs):
            self.set_focus(inputs[inputs.index(self.focused) + 1])
            return
        raise SkipAction()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "submit":
            self.submit()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def submit(self) -> None:
        values = {key: self.query_one(f"#field-{key}", Input).value for key, _, _ in self.FIELDS}
        missing = [label for key, label, _ in self.FIELDS if key in self.REQUIRED and not values[key].strip()]
        if missing:
            self.query_one(".dialog-error", Static).update(f"{missing[0]} is required")
            return
        self.dismiss(values)


class SignDialog(FormDialog):
    FIELDS = (
        ("name", "Name", "who signs"),
        ("signature", "Signature", "initials or a statement; defaults to the name"),
    )
    REQUIRED = ("name",)
    SUBMIT = "Sign"

    def __init__(self, role: str, open_items: int) -> None:
        notice = ""
        if open_items:
            notice = f"{open_items} readiness item(s) are still open. Signing anyway records that number."
            self.SUBMIT = "Sign anyway"
        super().__init__(f"Sign off as {role}", notice=notice)


class ContactDialog(FormDialog):
    FIELDS = (("name", "Name", ""), ("phone", "Phone", ""), ("email", "Email", ""))

    def __init__(self, contact: Contact) -> None:
        values = {"name": contact.name, "phone": contact.phone, "email": contact.email}
        super().__init__(f"Emergency contact: {contact.role}", values)


class ReasonDialog(FormDialog):
    """N/A, blocked, revoking and overriding the gate need a reason: it goes into the log and the record."""

    FIELDS = (("reason", "Reason", "why, for the record"),)
    REQUIRED = ("reason",)

    def __init__(self, title: str, notice: str, submit: str = "Save") -> None:
        self.SUBMIT = submit
        super().__init__(title, notice=notice)


class T0Dialog(FormDialog):
    FIELDS = (("t0", "T-0", "14:00, 2026-12-03 14:00, +2h or ISO 8601"),)
    REQUIRED = ("t0",)
    SUBMIT = "Set T-0"

    def __init__(self, current: str) -> None:
        super().__init__("When is T-0?", {"t0": current}, "Local time unless a zone is given; stored in UTC.")


class OperatorDialog(FormDialog):
    FIELDS = (("operator", "Who is operating", "your name, as the log should show it"),)
    REQUIRED = ("operator",)
    SUBMIT = "Set"

    def __init__(self, current: str) -> None:
        super().__init__("Who is operating this dashboard?", {"operator": current},
                         "Everyone attached to this tmux session types into one process: say who you are.")


class NewRunDialog(FormDialog):
    FIELDS = (("title", "Title", "Release 2.4.0"), ("t0", "T-0 (optional)", "14:00, 2026-12-03 14:00, +2h or ISO 8601"))
    REQUIRED = ("title",)
    SUBMIT = "Start run"

    def __init__(self, checklist_title: str) -> None:
        super().__init__(f"New run of {checklist_title}")


class NoteDialog(ModalScreen[str | None]):
    """A note of several lines: enter starts a new line, ctrl+s saves."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="note.save"),
        Binding("escape", "cancel", "Cancel", id="dialog.cancel"),
    ]

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
            self.action_save()
        else:
            self.dismiss(None)

    def action_save(self) -> None:
        text = self.query_one(TextArea).text
        if not text.strip():
            self.query_one(".dialog-error", Static).update("the note is empty")
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)
