"""Pick one owner (or everyone): what the What's next pane narrows to."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from heypeter_tui.ui.literal import literal
from heypeter_tui.ui.screens.dialog_base import Dialog


class OwnerPicker(Dialog[str | None]):
    """Dismisses with the owner, "" for everyone, None when cancelled."""

    DEFAULT_CSS = """
    OwnerPicker .picker { width: 60; height: auto; max-height: 80%; }
    OwnerPicker .picker OptionList { height: auto; max-height: 20; }
    """
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="dialog.cancel")]

    def __init__(self, owners: list[str], current: str | None) -> None:
        super().__init__()
        self.owners = owners
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog picker"):
            yield Static(Content.styled("Whose open items?", "bold"), classes="dialog-title")
            options = [Option(Content.styled("Everyone", "italic"), id="")]
            options += [Option(literal(owner, "bold"), id=str(index)) for index, owner in enumerate(self.owners)]
            yield OptionList(*options, id="owners")

    def on_mount(self) -> None:
        if self.current in self.owners:
            self.query_one(OptionList).highlighted = self.owners.index(self.current) + 1

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        chosen = event.option.id or ""
        self.dismiss(self.owners[int(chosen)] if chosen else "")
