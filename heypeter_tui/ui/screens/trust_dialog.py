"""Trust before anything runs: every command of the run's checklist, shown as it would run, and a question.

There is no one-key yes: keys typed ahead flow into a dialog as it opens (ui/typeahead.py), and a stray `y` must not
trust a checklist nobody read. The focus starts on "Don't run"; trusting is a deliberate tab and enter, or a click.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Static

from heypeter_tui.core.checklist import Checklist
from heypeter_tui.core.checks import checks_of
from heypeter_tui.core.text import count
from heypeter_tui.core.trust import content_digest, review_lines
from heypeter_tui.ui.literal import literal, literal_block
from heypeter_tui.ui.screens.dialog_base import Dialog


class TrustDialog(Dialog[bool]):
    DEFAULT_CSS = """
    TrustDialog .trust { width: 110; max-width: 100%; height: auto; max-height: 90%; }
    TrustDialog .trust-commands { height: auto; max-height: 24; border: round $warning; padding: 0 1; }
    """
    BINDINGS = [Binding("escape", "answer(False)", "Don't run", id="trust.no")]

    def __init__(self, checklist: Checklist, user: str, host: str) -> None:
        super().__init__()
        self.checklist = checklist
        self.user = user
        self.host = host

    def compose(self) -> ComposeResult:
        commands = count(len(checks_of(self.checklist)), "command")
        with Vertical(classes="dialog trust"):
            yield Static(Content.assemble(("Trust the commands of ", "bold"), literal(self.checklist.title, "bold"),
                                          ("?", "bold")), classes="dialog-title")
            yield Static(literal(f"This checklist's {commands} run by /bin/sh -c as {self.user} on {self.host}, "
                                 "with your environment, when an item is checked. Nothing runs until you trust this "
                                 f"exact content (sha256 {content_digest(self.checklist)[:16]}…); a changed checklist "
                                 "asks again.", "", 600), classes="dialog-notice")
            with VerticalScroll(classes="trust-commands"):
                # Commands `visible` (every hidden character spelled out), the rest cleaned: no markup, no escapes.
                yield Static(literal_block("\n".join(review_lines(self.checklist)), 1 << 20))
            with Horizontal(classes="dialog-buttons"):
                yield Button("Don't run", id="no")
                yield Button("Trust and run", id="yes", variant="warning")

    def focus_first(self) -> None:
        self.set_focus(self.query_one("#no", Button))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.answer(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.answer(yes)
