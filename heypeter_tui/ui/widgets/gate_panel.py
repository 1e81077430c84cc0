"""Go / No-Go: the verdict, and everything still standing in the way."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from heypeter_tui.core.clock import format_local, parse_iso
from heypeter_tui.core.rules import gate, is_stale
from heypeter_tui.core.run import RunState
from heypeter_tui.core.staleness import stale_since
from heypeter_tui.ui.literal import literal
from heypeter_tui.ui.widgets.state_view import FollowsRunState


class GatePanel(FollowsRunState, Static):
    def show_state(self, state: RunState) -> None:
        verdict = gate(state)
        style = "bold $text on $success" if verdict.go else "bold $text on $error"
        lines = [Content.styled(f"  {verdict.verdict}  ", style), Content("")]
        if verdict.go:
            lines.append(Content("Every readiness item is done or N/A, nothing is blocked, every sign-off is current."))
        else:
            # Every reason: the pane scrolls (up/down, page keys), so none is left unsaid.
            lines.append(Content.styled(f"Standing in the way ({len(verdict.reasons)}):", "bold"))
            lines += [Content.assemble("  • ", literal(reason)) for reason in verdict.reasons]
        lines += [Content(""), Content.styled("Sign-offs", "bold")]
        for role in state.checklist.signoffs:
            signed = state.signoffs.get(role)
            if signed is None:
                mark, detail = "[ ]", "not signed"
            elif is_stale(state, role):
                change = stale_since(state, role)
                since = f" since {format_local(parse_iso(change.ts), self.app.now)}" if change else ""
                mark, detail = "[~]", f"{signed.name}: stale{since}, sign again"
            else:
                mark, detail = "[x]", signed.name
            lines.append(Content.assemble(f"  {mark} ", literal(role, "bold"), "  ", literal(detail)))
        self.update(Content("\n").join(lines))
