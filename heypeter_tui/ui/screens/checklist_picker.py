"""New run from checklist: the built-in checklists and the user's own, each with its id and size.

The list shows at once, each file "checking…"; a worker thread reads and validates the files one by one and
posts each result back, so a slow disk or a 5 MB file never holds up the screen. A file can be picked once it
is still being checked (loading it checks it again, and says what is wrong); one found invalid cannot.

Any other file is a path typed below the list (as `new --checklist PATH` takes one): typing starts it from the list,
enter checks it in a worker, and a file that is not a checklist is refused in one line under it, the path kept
for mending.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from heypeter_tui.core.loader import Validation, validate_file
from heypeter_tui.ui.literal import literal
from heypeter_tui.ui.messages import ChecklistChecked
from heypeter_tui.ui.screens.dialog_base import Dialog

CHECKING = "    checking…"
PATH_HINT = "or type a checklist file's path, then enter"


@dataclass
class PathChecked(Message):
    """A typed path read and validated in a worker thread."""

    path: Path
    validation: Validation


def refusal(path: Path, validation: Validation) -> str:
    """One line: why the file at `path` is not a checklist (the loader's first error), and what would make one."""
    problem = str(validation.errors[0]) if validation.errors else "unreadable"
    hint = "; `heypeter-tui import-md` makes a checklist of a Markdown file" if path.suffix.lower() in (
        ".md", ".markdown", ".txt") else ""
    return f"not a checklist: {problem}{hint}"


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
        # Names only: nothing is read here, on the event loop. Each may be picked at once: arrows and enter
        # typed straight away are not lost to options waiting for their check.
        checking = (
            Option(Content.assemble(literal(path.name, "bold"), "\n", literal(CHECKING, "$text-muted")), id=str(index))
            for index, path in enumerate(self.files)
        )
        with Vertical(classes="dialog picker"):
            yield Static(Content.styled("New run from checklist", "bold"), classes="dialog-title")
            yield OptionList(*checking, id="checklists")
            yield Input(placeholder=PATH_HINT, id="checklist-path", select_on_focus=False)
            yield Static("", id="path-refusal", classes="dialog-error")

    def on_mount(self) -> None:
        super().on_mount()
        self.check_files()

    @work(thread=True, group="checklists")
    def check_files(self) -> None:
        """In a worker thread, in list order: each file read and validated, its result posted as it comes.
        Stops between files once the picker is closed (its workers are cancelled)."""
        worker = get_current_worker()
        for index, path in enumerate(self.files):
            if worker.is_cancelled:
                return
            self.post_message(ChecklistChecked(index, validate_file(path)))

    def on_checklist_checked(self, checked: ChecklistChecked) -> None:
        options = self.query_one(OptionList)
        index, validation = checked.index, checked.validation
        options.replace_option_prompt_at_index(index, self.prompt(self.files[index], validation))
        if validation.checklist is None:
            options.disable_option_at_index(index)

    @staticmethod
    def prompt(path: Path, validation: Validation) -> Content:
        checklist = validation.checklist
        if checklist is None:
            problem = str(validation.errors[0]) if validation.errors else "unreadable"
            return Content.assemble(literal(path.name, "bold"), "\n", literal(f"    invalid: {problem}", "$error"))
        detail = f"    {checklist.id} · {checklist.item_count} items · {path}"
        return Content.assemble(literal(checklist.title, "bold"), "\n", literal(detail, "$text-muted"))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.files[int(event.option.id or 0)])

    def on_key(self, event: events.Key) -> None:
        """A character typed on the list starts a path: a file not in the list is named by typing it."""
        path_input = self.query_one("#checklist-path", Input)
        if self.focused is not path_input and event.is_printable and event.character and event.character != " ":
            event.stop()
            event.prevent_default()
            path_input.focus()
            path_input.insert_text_at_cursor(event.character)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        typed = event.value.strip()
        if not typed:
            return
        self.query_one("#path-refusal", Static).update("checking…")
        self.check_path(Path(typed).expanduser().absolute())

    @work(thread=True, group="checklist-path", exclusive=True)
    def check_path(self, path: Path) -> None:
        self.post_message(PathChecked(path, validate_file(path)))

    def on_path_checked(self, checked: PathChecked) -> None:
        if checked.validation.checklist is not None:
            self.dismiss(checked.path)
        else:
            self.query_one("#path-refusal", Static).update(literal(refusal(checked.path, checked.validation)))
