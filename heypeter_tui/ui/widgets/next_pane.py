"""What's next: every open item, most urgent first (core/next_items.py), everyone's or one owner's.

The dashboard's `heypeter-tui next`: overdue items first, then by the time their phase is due, then in
checklist order. `f` narrows it to one owner (a sign-off role or any name the checklist gives); enter goes to
the item in its section or phase (where enter again shows its history). It follows the run and the clock (an
item comes due, or goes overdue, where it stands).
"""

from __future__ import annotations

from textual import work
from textual.binding import Binding
from textual.content import Content

from heypeter_tui.core.clock import format_local
from heypeter_tui.core.next_items import NextItem, next_items, owner_matches, owners
from heypeter_tui.core.run import BLOCKED, SYMBOLS, RunState
from heypeter_tui.core.schedule import is_overdue
from heypeter_tui.core.text import count
from heypeter_tui.ui.literal import literal
from heypeter_tui.ui.widgets.row_list import Row, RowList
from heypeter_tui.ui.widgets.state_view import FollowsRunState

SHOWN = 500
"""Rows drawn at most: the rest are counted (a checklist of thousands of items stays quick to follow)."""


class NextPane(FollowsRunState, RowList):
    BINDINGS = [
        Binding("enter", "show", "Go to item", id="next.show"),
        Binding("f", "filter_owner", "Owner filter", id="next.owner"),
        Binding("j", "cursor_down", "Down", show=False, id="next.down"),
        Binding("k", "cursor_up", "Up", show=False, id="next.up"),
    ]
    DEFAULT_CSS = """
    NextPane { height: 1fr; padding: 0 1; border: round $panel; border-title-color: $accent;
               border-title-style: bold; background: $background; }
    NextPane:focus { border: round $primary; }
    """

    owner: str | None = None
    """Only this owner's items, where one is chosen."""
    minute = None
    overdue: frozenset[str] = frozenset()

    def on_mount(self) -> None:
        self.watch(self.app, "now", self.follow_clock, init=False)

    def follow_clock(self) -> None:
        """Due times are shown to the minute, but a phase goes overdue on its second: redrawn when either moves."""
        state, now = self.app.state, self.app.now
        overdue = frozenset(group.id for group in state.checklist.groups if is_overdue(state, group, now))
        if now.replace(second=0, microsecond=0) != self.minute or overdue != self.overdue:
            self.show_state(state)

    def show_state(self, state: RunState) -> None:
        if self.owner is not None and not any(owner_matches(name, self.owner) for name in owners(state.checklist)):
            self.owner = None  # another run's checklist names no such owner: everyone's, rather than an empty list
        now = self.app.now
        self.minute = now.replace(second=0, microsecond=0)
        self.overdue = frozenset(group.id for group in state.checklist.groups if is_overdue(state, group, now))
        entries = next_items(state, now, self.owner)
        keep = self.highlighted_row.id if self.highlighted_row else None
        self.set_rows(Row(next_prompt(entry, now), entry.key) for entry in entries[:SHOWN])
        keys = [entry.key for entry in entries[:SHOWN]]
        self.highlighted = keys.index(keep) if keep in keys else (0 if keys else None)
        whose = f" · {self.owner}" if self.owner else ""
        self.border_title = Content.assemble("What's next", literal(whose, "", 80))
        more = f" (the first {SHOWN} shown)" if len(entries) > SHOWN else ""
        self.border_subtitle = f"{count(len(entries), 'open item')}{more} · f: owner"

    def action_show(self) -> None:
        row = self.highlighted_row
        if row is not None and row.id:
            self.app.show_in_list(row.id)

    @work(exclusive=True, group="owner-filter")
    async def action_filter_owner(self) -> None:
        from heypeter_tui.ui.screens.owner_picker import OwnerPicker

        named = owners(self.app.state.checklist)
        if not named:
            self.app.say("this checklist names no owners (owner: on a section, phase or item)", severity="warning")
            return
        chosen = await self.app.push_screen_wait(OwnerPicker(named, self.owner))
        if chosen is not None:
            self.owner = chosen or None  # "" is everyone
            self.show_state(self.app.state)


def next_prompt(entry: NextItem, now) -> Content:
    if entry.overdue and entry.due is not None:
        when = Content.styled(f"OVERDUE {format_local(entry.due, now)}", "bold $error")
    elif entry.due is not None:
        when = Content.styled(f"due {format_local(entry.due, now)}", "$warning")
    else:
        when = Content.styled("no due time", "$text-muted")
    style = "bold $error" if entry.status == BLOCKED else "bold"
    parts = [(SYMBOLS[entry.status], style), " ", literal(entry.text), "  ", when, ("  ", "")]
    parts.append(literal(entry.group + (f" · {entry.owner}" if entry.owner else ""), "$text-muted", 120))
    return Content.assemble(*parts)
