"""What every dialog does: keeps what is typed, says what is wrong in place, asks before throwing text away.

- A value that does not parse (or a rule it breaks) is said under the fields; the dialog stays open.
- Keys typed ahead land in the fields in order (ui/typeahead.py holds them while a dialog opens); tab
  and enter move focus as their key arrives, so `Dana Tech`, tab, `DT` typed at once fills two fields.
- Enter moves to the next field up to the last required one, and submits from there.
- Escape on a dialog holding typed text asks before discarding it.
- Where the flow gives a `saver`, the change is recorded while the dialog is still open: refused at save time
  (the database away, a full disk, a rule that changed meanwhile) the reason is said in place and everything
  typed stays; a second save, once the cause is gone, records it. The dialog closes only once it is recorded.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from heypeter_tui.core.errors import UserError
from heypeter_tui.ui.literal import literal, literal_block

T = TypeVar("T")
Check = Callable[[dict[str, str]], object]
"""Raises UserError or ValueError where the values would not make a change: said inline."""
Save = Callable[[Any], Awaitable["bool | str"]]
"""Records what a dialog holds, the dialog still open: True recorded (it closes with its values), False declined
(a question about it answered "keep it": it closes with nothing), or why it was refused (said in place; it stays)."""


class Dialog(ModalScreen[T]):
    """A modal centred over the dashboard, with its own look (no edit of app.tcss for a new one)."""

    DEFAULT_CSS = """
    Dialog { align: center middle; }
    Dialog .dialog {
        width: 64; max-width: 100%; height: auto; max-height: 100%;
        padding: 1 2; border: thick $primary; background: $surface;
    }
    Dialog .dialog-title, Dialog .dialog-notice { margin-bottom: 1; }
    Dialog .dialog-buttons { height: auto; margin-top: 1; align-horizontal: right; }
    Dialog .dialog-buttons Button { margin-left: 1; }
    Dialog .dialog-error { color: $error; height: auto; }
    Dialog .dialog-hint { width: 1fr; padding-top: 1; }
    """

    saver: Save | None = None
    """Set by the flow (ui/flows.py `ask`): the change is recorded before the dialog closes."""
    saving = False

    def on_mount(self) -> None:
        self.focus_first()
        self.keys_may_flow()

    def finish(self, result: T) -> None:
        """Close with `result`, once recorded where the flow gave a `saver`. A second save while one is under way
        (ctrl+s pressed twice) is not a second change."""
        if self.saver is None:
            self.answer(result)
        elif not self.saving:
            self.saving = True
            self.record(result)

    @work(group="save")
    async def record(self, result: T) -> None:
        try:
            outcome = await self.saver(result)  # type: ignore[misc]
        finally:
            self.saving = False
        if outcome is True:
            self.answer(result)
        elif outcome is False:
            self.answer(None)  # type: ignore[arg-type]
        else:
            self.say_error(str(outcome))
            self.keys_may_flow()  # the keys held for the save are typed here again

    def say_error(self, message: str) -> None:
        self.query_one(".dialog-error", Static).update(literal(message, "$error"))

    def focus_first(self) -> None:
        """Where typing starts: the first field or list (a confirmation: its safe button)."""
        fields = self.query("Input, TextArea, OptionList")
        if fields:
            self.set_focus(fields.first())

    def keys_may_flow(self) -> None:
        release = getattr(self.app, "release_keys", None)
        if release is not None:
            release()

    def after_typing(self, then: Callable[[], object], release: bool = True) -> None:
        """`then` once the focused field has taken every key typed before this one. A priority binding runs
        as its key arrives, ahead of the letters still queued for the field: enter read the name before
        its last letters were in it. Keys typed meanwhile are held, and flow on once `then` has moved the
        focus (not where it submitted: the flow says when its next screen is ready)."""
        hold = getattr(self.app, "hold_keys", None)
        if hold is not None:
            hold()

        def run() -> None:
            then()
            if release:
                self.keys_may_flow()

        (self.focused or self).call_later(run)

    def answer(self, result: T) -> None:
        """Dismiss, holding the keys typed next: the flow may open another dialog for them."""
        hold = getattr(self.app, "hold_keys", None)
        if hold is not None:
            hold()
        self.dismiss(result)


class ConfirmDialog(Dialog[bool]):
    """A yes or no. The safe answer has the focus: a stray enter keeps things as they are."""

    BINDINGS = [
        Binding("y", "answer_yes", "Yes", priority=True, id="confirm.yes"),
        Binding("n,escape", "answer_no", "No", priority=True, id="confirm.no"),
    ]

    def __init__(self, title: str, question: str, yes: str = "Yes", no: str = "No") -> None:
        super().__init__()
        self.title_text, self.question, self.yes, self.no = title, question, yes, no

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(literal(self.title_text, "bold"), classes="dialog-title")
            yield Static(literal(self.question, "$warning"), classes="dialog-notice")
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{self.yes} (y)", variant="warning", id="yes")
                yield Button(f"{self.no} (n)", variant="primary", id="no")

    def focus_first(self) -> None:
        self.set_focus(self.query_one("#no", Button))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.answer(event.button.id == "yes")

    def action_answer_yes(self) -> None:
        self.answer(True)

    def action_answer_no(self) -> None:
        self.answer(False)


class FormDialog(Dialog[dict[str, str] | None]):
    """A titled form of labelled inputs."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="dialog.cancel"),
        # Priority bindings run as their key arrives, before later keys are handed to a field: what is
        # typed right after enter or tab goes into the field they moved to.
        Binding("enter", "next_or_submit", "Next", show=False, priority=True, id="dialog.next"),
        Binding("tab", "move(1)", "Next field", show=False, priority=True, id="dialog.tab"),
        Binding("shift+tab", "move(-1)", "Previous field", show=False, priority=True, id="dialog.backtab"),
    ]
    FIELDS: tuple[tuple[str, str, str], ...] = ()
    """(key, label, placeholder) for each input."""
    REQUIRED: tuple[str, ...] = ()
    SUBMIT = "Save"

    def __init__(self, title: str, values: dict[str, str] | None = None, notice: str = "",
                 check: Check | None = None, subject: str = "") -> None:
        super().__init__()
        self.subject = subject
        """What it is about (an item's text): on its own line, never run into the question."""
        self.dialog_title = title
        self.values = values or {}
        self.notice = notice
        self.check = check

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(literal(self.dialog_title, "bold"), classes="dialog-title")
            if self.subject:
                yield Static(literal(self.subject, "$text-muted"), classes="dialog-notice")
            if self.notice:
                yield Static(literal_block(self.notice, 600).stylize("$warning"), classes="dialog-notice")
            for key, label, placeholder in self.FIELDS:
                yield Label(label, markup=False)
                yield Input(self.values.get(key, ""), placeholder=placeholder, id=f"field-{key}")
                yield from self.under_field(key)
            yield Static("", classes="dialog-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.SUBMIT, variant="primary", id="submit")
                yield Button("Cancel", id="cancel")

    def under_field(self, key: str) -> ComposeResult:
        """What a dialog shows under a field (the T-0 dialog: the time it resolves to)."""
        yield from ()

    @property
    def typed(self) -> dict[str, str]:
        return {key: self.query_one(f"#field-{key}", Input).value for key, _, _ in self.FIELDS}

    def action_move(self, step: int) -> None:
        self.after_typing(lambda: self.move(step))

    def move(self, step: int) -> None:
        chain = [*self.query(Input), *self.query(Button)]
        index = chain.index(self.focused) if self.focused in chain else -1
        self.set_focus(chain[(index + step) % len(chain)])

    def action_next_or_submit(self) -> None:
        self.after_typing(self.next_or_submit, release=False)

    def next_or_submit(self) -> None:
        """Enter in a field before the last required one moves on; from there on it submits. On a button
        it presses that button."""
        inputs = list(self.query(Input))
        required = [index for index, (key, _, _) in enumerate(self.FIELDS) if key in self.REQUIRED]
        last = required[-1] if required else len(inputs) - 1
        if self.focused in inputs and inputs.index(self.focused) < last:
            self.set_focus(inputs[inputs.index(self.focused) + 1])
            self.keys_may_flow()
        elif isinstance(self.focused, Button):
            self.focused.press()
        else:
            self.submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "submit":
            self.submit()
        else:
            self.action_cancel()

    @work(exclusive=True, group="cancel")
    async def action_cancel(self) -> None:
        if any(value.strip() != self.values.get(key, "").strip() for key, value in self.typed.items()):
            question = "What you typed here is not saved anywhere else."
            keep = not await self.app.push_screen_wait(ConfirmDialog("Discard what you typed?", question, "Discard",
                                                                    "Keep editing"))
            self.keys_may_flow()  # the answer held the keys typed after it: they belong here, or to the flow
            if keep:
                return
        self.dismiss(None)

    def submit(self) -> None:
        values = self.typed
        missing = [label for key, label, _ in self.FIELDS if key in self.REQUIRED and not values[key].strip()]
        if missing:
            self.say_error(f"{missing[0]} is required")
            self.keys_may_flow()
            return
        if self.check is not None and self.saver is None:  # with a saver, the save judges it on the log as it is now
            try:
                self.check(values)
            except (UserError, ValueError) as error:
                self.say_error(str(error))
                self.keys_may_flow()
                return
        self.finish(values)
