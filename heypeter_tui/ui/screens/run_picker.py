"""Switch run: every run in the state dir, newest first, with its checklist and progress."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from heypeter_tui.core.runs_index import RunSummary
from heypeter_tui.ui.literal import literal
from heypeter_tui.ui.screens.dialog_base import Dialog


class RunPicker(Dialog[str | None]):
    DEFAULT_CSS = """
    RunPicker .picker { width: 90; height: 70%; }
    RunPicker .picker OptionList { height: 1fr; }
    """
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="dialog.cancel")]

    def __init__(self, runs: list[RunSummary], current: str | None) -> None:
        super().__init__()
        self.runs = runs
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog picker"):
            yield Static(Content.styled("Switch run", "bold"), classes="dialog-title")
            yield OptionList(*(Option(self.prompt(run), id=run.id) for run in self.runs), id="runs")

    def prompt(self, run: RunSummary) -> Content:
        mark = ("● ", "$accent") if run.id == self.current else "  "
        # Its id and (in a database) who made it: two runs of one title, one planted, are told apart before one is
        # picked (found by the walkthrough).
        by = f" by {run.created_by}" if run.created_by else ""
        detail = f"    {run.id} · {run.checklist} · {run.progress} · created {run.created}{by}"
        return Content.assemble(mark, literal(run.title, "bold"), "\n", literal(detail, "$text-muted"))

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        ids = [run.id for run in self.runs]
        options.highlighted = ids.index(self.current) if self.current in ids else 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)
