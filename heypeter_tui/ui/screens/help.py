"""Every key, from the bindings themselves (so a keymap's changes show here too)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from heypeter_tui.ui.screens.dialog_base import Dialog

# Keys handled by the widgets themselves, which have no binding of ours to read.
BUILT_IN_KEYS = [
    ("up / down", "move"),
    ("tab / shift+tab", "next / previous pane"),
    ("ctrl+p", "command palette"),
]


class HelpScreen(Dialog[None]):
    DEFAULT_CSS = "HelpScreen .help { width: 72; height: 90%; }"
    BINDINGS = [
        Binding("escape,question_mark,q", "dismiss", "Close", id="help.close"),
    ]

    def __init__(self, sections: list[tuple[str, list[Binding]]]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog help"):
            yield Static(Content.styled("Keys", "bold"), classes="dialog-title")
            yield Static(self.key_table(), markup=False)
            yield Static(Content.styled("escape, ? or q closes this", "$text-muted"))

    def key_table(self) -> Content:
        keymap = self.app.user_keymap
        lines: list[Content] = []
        for title, bindings in [("Anywhere", []), *self.sections]:
            rows = BUILT_IN_KEYS if title == "Anywhere" else [
                (_keys(binding, keymap), binding.description) for binding in bindings if binding.description
            ]
            if not rows:
                continue
            lines.append(Content.styled(title, "bold $secondary"))
            lines += [Content.assemble((keys.ljust(18), "bold"), description) for keys, description in rows]
            lines.append(Content(""))
        return Content("\n").join(lines)


def _keys(binding: Binding, keymap: dict[str, str]) -> str:
    keys = keymap.get(binding.id, binding.key) if binding.id else binding.key
    return " / ".join(key.strip().replace("question_mark", "?") for key in keys.split(","))
