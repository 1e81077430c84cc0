"""Go / No-Go: the verdict, and everything still standing in the way. A reason that names an item (open, blocked)
can be highlighted; enter goes to the item in its section or phase, where it can be ticked."""

from __future__ import annotations

from textual.binding import Binding
from textual.content import Content

from heypeter_tui.core.clock import format_local, parse_iso
from heypeter_tui.core.rules import gate, is_stale
from heypeter_tui.core.run import RunState
from heypeter_tui.core.staleness import stale_since
from heypeter_tui.ui.literal import literal
from heypeter_tui.ui.widgets.row_list import Row, RowList
from heypeter_tui.ui.widgets.state_view import FollowsRunState


class GatePanel(FollowsRunState, RowList):
    BINDINGS = [Binding("enter", "select", "Go to item", id="gate.go")]
    DEFAULT_CSS = "GatePanel { height: 1fr; background: $background; }"

    def show_state(self, state: RunState) -> None:
        verdict = gate(state)
        keep = self.highlighted_row.id if self.highlighted_row else None
        style = "bold $text on $success" if verdict.go else "bold $text on $error"
        rows = [Row(Content.styled(f"  {verdict.verdict}  ", style), disabled=True), Row(Content(""), disabled=True)]
        if verdict.go:
            rows.append(Row(Content("Every readiness item is done or N/A, nothing is blocked, every sign-off is "
                                    "current."), disabled=True))
        else:
            # Every reason: the pane scrolls (up/down, page keys), so none is left unsaid.
            rows.append(Row(Content.styled(f"Standing in the way ({len(verdict.reasons)}):", "bold"), disabled=True))
            keys = verdict.keys or ("",) * len(verdict.reasons)
            rows += [Row(Content.assemble("  • ", literal(reason)), key or None, disabled=not key)
                     for reason, key in zip(verdict.reasons, keys, strict=True)]
        rows += [Row(Content(""), disabled=True), Row(Content.styled("Sign-offs", "bold"), disabled=True)]
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
            rows.append(Row(Content.assemble(f"  {mark} ", literal(role, "bold"), "  ", literal(detail)),
                            disabled=True))
        self.set_rows(rows)
        ids = [row.id for row in rows]
        self.highlighted = ids.index(keep) if keep is not None and keep in ids else self._step(0, 1)

    @property
    def text(self) -> str:
        """What it shows, as plain text."""
        return "\n".join(row.prompt.plain for row in self.rows)

    def on_row_list_selected(self, event: RowList.Selected) -> None:
        if event.row_list is self and event.row.id:
            event.stop()
            self.app.show_in_list(event.row.id)
