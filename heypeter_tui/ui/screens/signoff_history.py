"""One sign-off's whole history (`i` in the sign-offs view): what it covers, and every signature and revoke with who,
when, which key, whether it verified, and why it was revoked (core/signoff_history.py).

Key signatures are verified by ssh-keygen, one process each: that runs in a worker thread, on the run as the
dialog opened it, while the history shows at once with "checking" in their place.
"""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from heypeter_tui.core.clock import format_full, parse_iso
from heypeter_tui.core.errors import UserError
from heypeter_tui.core.run import RunState
from heypeter_tui.core.signoff_history import signoff_history
from heypeter_tui.ui.literal import literal, literal_block
from heypeter_tui.ui.screens.dialog_base import Dialog


class SignoffHistoryScreen(Dialog[None]):
    DEFAULT_CSS = """
    SignoffHistoryScreen .detail { width: 100; height: 80%; }
    """
    BINDINGS = [Binding("escape,enter,q,i", "dismiss", "Close", id="signoff-history.close")]

    def __init__(self, state: RunState, role: str, session) -> None:
        super().__init__()
        self.state, self.role, self.session = state, role, session
        self.checks: dict | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog detail"):
            yield Static(self.render_history(), id="signoff-history")

    def on_mount(self) -> None:
        super().on_mount()
        from heypeter_tui.core.item_log import Picked, item_log

        signing = Picked(self.state.events, item_log(self.state).signing())
        if any(event.get("ssh_signature") for event in signing if event.get("role") == self.role):
            self.verify(self.state, self.session.store.chain.copy())

    @work(thread=True, group="signoff-history", exclusive=True)
    def verify(self, state: RunState, chain) -> None:
        from heypeter_tui.core.signoff_check import line_checks

        try:
            checks = line_checks(state, chain, self.session.allowed_signers)
        except UserError as error:  # ssh-keygen missing or unusable: said in place of the verdicts
            checks = {}
            self.app.call_from_thread(self.notify, str(error), severity="warning")
        self.app.call_from_thread(self.show_checks, checks)

    def show_checks(self, checks: dict) -> None:
        self.checks = checks
        self.query_one("#signoff-history", Static).update(self.render_history())

    def render_history(self) -> Content:
        state, role = self.state, self.role
        signed = state.signoffs.get(role)
        lines = [literal(f"Sign-off: {role}", "bold"), Content(""),
                 literal(f"covers: {state.checklist.covers_text(role)}", "$text-muted"),
                 literal(f"now: signed by {signed.name}" if signed else "now: not signed", "$text-muted"),
                 Content(""), Content.styled("History", "bold $secondary")]
        entries = signoff_history(state, role, self.checks)
        if not entries:
            lines.append(Content.styled("never signed", "$text-muted"))
        for entry in entries:
            who = f"{entry.actor.operator} ({entry.actor.user}@{entry.actor.host})"
            text = entry.text if self.checks is not None else entry.text.replace(": not checked yet", ": checking…")
            what = literal_block(text)
            if entry.undone is not None:
                undo = entry.undone
                by = f"{undo.actor.operator} ({undo.actor.user}@{undo.actor.host}), {format_full(parse_iso(undo.ts))}"
                what = Content.assemble(what.stylize("strike"), (f" (undone by {by})", "$warning"))
            lines += [Content.assemble((format_full(parse_iso(entry.at)), "$text-muted"), "  ", literal(who, "bold")),
                      Content.assemble("  ", what), Content("")]
        lines.append(Content.styled("escape closes · enter signs · r revokes, in the table", "$text-muted"))
        return Content("\n").join(lines)
