"""Trust before anything runs: every command of the run's checklist, shown as it would run, and a question.

Nothing typed before the question was seen answers it: the keys typed ahead are dropped (elsewhere they flow into a
dialog as it opens, ui/typeahead.py), and there is no one-key yes. "Trust and run" stays disabled until the whole
list has been on the screen (scrolled to its end where it does not fit), so no command is trusted unseen at any
terminal size; the focus starts on "Don't run". Where the user trusted another content of this checklist before,
what changed since is marked.
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
from heypeter_tui.core.trust import change_summary, content_digest, review_lines
from heypeter_tui.ui.literal import literal, literal_block
from heypeter_tui.ui.screens.dialog_base import Dialog

REVIEW_SHOWN = 256 * 1024
"""Characters of commands the dialog shows; a longer list is reviewed with `heypeter-tui trust`, never here cut."""


class TrustDialog(Dialog[bool]):
    DEFAULT_CSS = """
    TrustDialog .trust { width: 110; max-width: 100%; height: 90%; max-height: 100%; }
    TrustDialog .trust-commands { height: 1fr; min-height: 3; border: round $warning; padding: 0 1; }
    TrustDialog .trust-commands:focus { border: round $accent; }
    TrustDialog #trust-hint { color: $warning; height: auto; }
    """
    BINDINGS = [Binding("escape", "answer(False)", "Don't run", id="trust.no")]

    def __init__(self, checklist: Checklist, user: str, host: str, previous: dict | None = None) -> None:
        super().__init__()
        self.checklist = checklist
        self.user = user
        self.host = host
        self.previous = previous
        self.too_long = False
        """The latest trust this user gave another content of the checklist: what changed since is marked."""

    def compose(self) -> ComposeResult:
        commands = count(len(checks_of(self.checklist)), "command")
        with Vertical(classes="dialog trust"):
            yield Static(Content.assemble(("Trust the commands of ", "bold"), literal(self.checklist.title, "bold"),
                                          ("?", "bold")), classes="dialog-title")
            yield Static(literal(
                f"This checklist's {commands} run by /bin/sh -c as {self.user} on {self.host}, with your environment, "
                "whenever an item's check is run (v, the palette, `heypeter-tui check`), in this run and every other "
                f"run of this exact content (sha256 {content_digest(self.checklist)[:16]}…). The trust is yours, on "
                "this machine, kept in the config dir's trusted/ until you delete it; a changed checklist asks again.",
                "", 800), classes="dialog-notice")
            summary = change_summary(self.previous, self.checklist)
            if summary:
                yield Static(literal(summary, "bold $warning", 400))
            review = "\n".join(review_lines(self.checklist, self.previous))
            self.too_long = len(review) > REVIEW_SHOWN
            with VerticalScroll(classes="trust-commands"):
                # Commands `reviewed` (all but ASCII spelled out), the rest cleaned: no markup, no escapes. Never cut:
                # a list too long to show whole cannot be trusted here at all.
                yield Static(literal_block(review[:REVIEW_SHOWN], REVIEW_SHOWN))
            yield Static("", id="trust-hint")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Don't run", id="no")
                yield Button("Trust and run", id="yes", variant="warning", disabled=True)

    def on_mount(self) -> None:
        super().on_mount()
        self.watch(self.query_one(".trust-commands"), "scroll_y", lambda _: self.judge_seen(), init=False)
        self.call_after_refresh(self.judge_seen)

    def keys_may_flow(self) -> None:
        discard = getattr(self.app, "discard_held_keys", None)
        if discard is not None:
            discard()

    def on_resize(self) -> None:
        self.call_after_refresh(self.judge_seen)

    def judge_seen(self) -> None:
        """Trusting is possible once the list's end has been on the screen."""
        commands = self.query_one(".trust-commands", VerticalScroll)
        button = self.query_one("#yes", Button)
        if self.too_long:  # never enabled: what is not shown whole is not trusted from here
            self.query_one("#trust-hint", Static).update(Content(
                f"These commands are longer than {REVIEW_SHOWN:,} characters in all: review and trust them with "
                "`heypeter-tui trust`."))
            return
        if button.disabled and commands.scroll_y >= commands.max_scroll_y:
            button.disabled = False
        self.query_one("#trust-hint", Static).update(Content(
            "Every command above was on the screen: tab to Trust and run, then enter." if not button.disabled
            else "Scroll to the end of the list to trust it (tab to it, then PgDn or ↓)."))

    def focus_first(self) -> None:
        self.set_focus(self.query_one("#no", Button))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.answer(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.answer(yes)
