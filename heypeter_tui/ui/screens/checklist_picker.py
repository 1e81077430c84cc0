"""New run from checklist: the built-in checklists and the user's own, each with its id and size."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from heypeter_tui.core.loader import validate_file
from heypeter_tui.ui.literal import literal
from heypeter_tui.ui.screens.dialog_base import Dialog


class ChecklistPicker(Dialog[Path | None]):
    DEFAULT_CSS = """
    ChecklistPicker .picker { width: 90; height: 70%; }
    ChecklistPicker .picker OptionList { height: 1fr; }
    """
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="dialog.cancel")]

    def __init__(self, files: list[Path]) -> None:
        super().__init__()
        self.files = files

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog picker"):
            yield Static(Content.styled("New run from checklist", "bold"), classes="dialog-title")
            yield OptionList(*(self.option(index, path) for index, path in enumerate(self.files)), id="checklists")

    def option(self, index: int, path: Path) -> Option:
        validation = validate_file(path)
        checklist = validation.checklist
        if checklist is None:
            problem = str(validation.errors[0]) if validation.errors else "unreadable"
            prompt = Content.assemble(literal(path.name, "bold"), "\n", literal(f"    invalid: {problem}", "$error"))
            return Option(prompt, id=str(index), disabled=True)
        detail = f"    {checklist.id} · {checklist.item_count} items · {path}"
        prompt = Content.assemble(literal(checklist.title, "bold"), "\n", literal(detail, "$text-muted"))
        return Option(prompt, id=str(index))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.files[int(event.option.id or 0)])
