"""On a wide terminal, the highlighted item in full beside the list: its history, notes and timer.

From 160 columns there is room to spare right of the items; it shows what enter would open, and follows
the highlight, the run and (for a running timer) the clock.
"""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.widgets import Static

from heypeter_tui.ui.screens.item_detail import SIDE_HISTORY_SHOWN, item_detail


class ItemSide(VerticalScroll, can_focus=False):
    DEFAULT_CSS = """
    ItemSide { width: 64; height: 1fr; padding: 0 1; border: round $panel; display: none;
               border-title-color: $text-muted; }
    """

    key: str | None = None

    def compose(self):
        yield Static(id="side-detail")

    def on_mount(self) -> None:
        self.border_title = "Item"
        self.watch(self.app, "state", lambda _: self.redraw(), init=False)
        self.watch(self.app, "now", self.follow_clock, init=False)

    def show_item(self, key: str | None) -> None:
        self.key = key
        self.redraw()

    def follow_clock(self) -> None:
        if self.key is not None and self.key in self.app.state.timers:
            self.redraw()

    def redraw(self) -> None:
        state = self.app.state
        if self.key is None or self.key not in state.checklist.items_by_key:
            self.query_one("#side-detail", Static).update("")
            return
        detail = item_detail(state, self.key, self.app.now, SIDE_HISTORY_SHOWN, "enter shows more, ")
        self.query_one("#side-detail", Static).update(detail)
