"""The header: product, checklist, run, who is operating, overall progress and the gate."""

from __future__ import annotations

from textual.content import Content
from textual.widget import Widget

from heypeter_tui.core.rules import is_go, overall_progress
from heypeter_tui.core.run import RunState
from heypeter_tui.ui.literal import literal
from heypeter_tui.ui.widgets.bars import progress_bar
from heypeter_tui.ui.widgets.state_view import FollowsRunState


class RunHeader(FollowsRunState, Widget):
    DEFAULT_CSS = """
    RunHeader { width: 1fr; height: 2; padding: 0 1; background: $panel; }
    """

    def on_mount(self) -> None:
        self.watch(self.app, "operator", self.refresh, init=False)

    def show_state(self, state: RunState) -> None:
        self.refresh()

    def render(self) -> Content:
        state = self.app.state
        width = max(self.size.width - 2, 20)
        checklist = state.checklist
        names = [checklist.product, checklist.title] if checklist.product else [checklist.title]
        left = literal(" · ".join(names), "bold")
        right = Content.assemble(("operator ", "$text-muted"), literal(self.app.operator, "bold"))
        first = _spread(left, right, width)

        progress = overall_progress(state)
        go = is_go(state)
        badge = Content.styled(" GO " if go else " NO-GO ", "bold $text on $success" if go else "bold $text on $error")
        count = Content(f" {progress}")
        # What must stay when narrow: the verdict, then the count, then a short bar; the title gives way.
        title = literal(state.title, "$accent bold")
        room = width - badge.cell_length - count.cell_length - 3
        bar_width = max(6, min(40, room - title.cell_length))
        title_room = max(room - bar_width, 0)
        if title.cell_length > title_room:
            title = title.truncate(max(title_room - 1, 0)) + Content("…")
        gap = " " * max(1, title_room - title.cell_length + 1)
        middle = Content.assemble(title, gap, progress_bar(progress, bar_width), count)
        second = _spread(middle, badge, width)
        return Content("\n").join([first, second])


def _spread(left: Content, right: Content, width: int) -> Content:
    """`left` and `right` on one line, `left` cut short with … where they would collide."""
    room = width - right.cell_length - 1
    if left.cell_length > room:
        left = left.truncate(max(room - 1, 0)) + Content("…")
    gap = max(1, width - left.cell_length - right.cell_length)
    return Content.assemble(left, " " * gap, right)

