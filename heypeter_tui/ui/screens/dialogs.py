"""Small forms over the dashboard: sign off for a role, edit an emergency contact."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from heypeter_tui.core.run import Contact
from heypeter_tui.ui.literal import literal


class FormDialog(ModalScreen[dict[str, str] | None]):
    """A titled form of labelled inputs. Enter in the last field submits; Escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]
    FIELDS: tuple[tuple[str, str, str], ...] = ()
    """(key, label, placeholder) for each input."""
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
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.SUBMIT, variant="primary", id="submit")
                yield Button("Cancel", id="cancel")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        inputs = list(self.query(Input))
        position = inputs.index(event.input)
        if position + 1 < len(inputs):
            inputs[position + 1].focus()
        else:
            self.submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "submit":
            self.submit()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def submit(self) -> None:
        self.dismiss({key: self.query_one(f"#field-{key}", Input).value for key, _, _ in self.FIELDS})


class SignDialog(FormDialog):
    FIELDS = (("name", "Name", "who signs"), ("signature", "Signature", "initials or a statement; defaults to the name"))
    SUBMIT = "Sign"

    def __init__(self, role: str, open_items: int) -> None:
        notice = f"{open_items} readiness item(s) are still open; the sign-off records that." if open_items else ""
        super().__init__(f"Sign off as {role}", notice=notice)


class ContactDialog(FormDialog):
    FIELDS = (("name", "Name", ""), ("phone", "Phone", ""), ("email", "Email", ""))

    def __init__(self, contact: Contact) -> None:
        values = {"name": contact.name, "phone": contact.phone, "email": contact.email}
        super().__init__(f"Emergency contact: {contact.role}", values)
