"""The navigator: readiness sections and deployment-day phases with their progress, then the record."""

from __future__ import annotations

from textual.binding import Binding
from textual.content import Content
from textual.css.scalar import Unit
from textual.events import Resize

from heypeter_tui.core.checklist import Group
from heypeter_tui.core.clock import format_local
from heypeter_tui.core.rules import group_progress, is_go, is_stale, needs_signature
from heypeter_tui.core.run import RunState
from heypeter_tui.core.schedule import due_at, is_overdue
from heypeter_tui.ui.literal import literal
from heypeter_tui.ui.messages import ViewSelected
from heypeter_tui.ui.widgets.bars import progress_bar
from heypeter_tui.ui.widgets.row_list import Row, RowList
from heypeter_tui.ui.widgets.state_view import FollowsRunState

SIGNOFFS = "signoffs"
CONTACTS = "contacts"
GATE = "gate"
NEXT = "next"
GROUP_PREFIX = "group:"


def group_view(group: Group) -> str:
    return GROUP_PREFIX + group.id


class Navigator(FollowsRunState, RowList):
    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="nav.down"),
        Binding("k", "cursor_up", "Up", show=False, id="nav.up"),
    ]

    def on_mount(self) -> None:
        self.overdue: frozenset[str] = frozenset()
        self.watch(self.app, "now", self.follow_clock, init=False)

    def follow_clock(self) -> None:
        """Redraw only when a phase comes due (or stops being overdue), not every second."""
        if self.overdue_now() != self.overdue:
            self.show_state(self.app.state)

    def overdue_now(self) -> frozenset[str]:
        state, now = self.app.state, self.app.now
        return frozenset(group.id for group in state.checklist.groups if is_overdue(state, group, now))

    def show_state(self, state: RunState) -> None:
        self.overdue = self.overdue_now()
        if not self.size.width and not self.app.size.width:
            return
        rows = self.build_rows(state)
        current = self.rows
        if [row.id for row in current] == [row.id for row in rows]:  # the same rows: redraw those that changed
            for index, (old, new) in enumerate(zip(current, rows)):
                if not _same(old.prompt, new.prompt):
                    self.replace_row(index, new.prompt)
            return
        highlighted = self.highlighted_view
        with self.prevent(RowList.Highlighted):  # a rebuild is not the user moving
            self.set_rows(rows)
            index = self.index_of(highlighted) if highlighted else None
            self.highlighted = index if index is not None else self.first_enabled_index()

    def on_resize(self, event: Resize) -> None:
        self.show_state(self.app.state)  # rows are laid out to the width (RowList re-measures them)

    def select_view(self, view: str) -> None:
        """Follow a view chosen elsewhere (a key), without announcing it back."""
        index = self.index_of(view)
        if index is not None:
            with self.prevent(RowList.Highlighted):
                self.highlighted = index

    @property
    def highlighted_view(self) -> str | None:
        row = self.highlighted_row
        return row.id if row else None

    def on_row_list_highlighted(self, event: RowList.Highlighted) -> None:
        event.stop()
        if event.row.id and event.index == self.highlighted:
            self.post_message(ViewSelected(event.row.id))

    # -- rows --------------------------------------------------------------------------------

    def build_rows(self, state: RunState) -> list[Row]:
        width = self.row_width()
        checklist = state.checklist
        largest = max((len(group.items) for group in checklist.groups), default=0)
        count_width = len(f"{largest}/{largest}") + 1
        rows = [_heading("Readiness")]
        for number, group in enumerate(checklist.sections, start=1):
            label = str(number % 10) if number <= 10 else " "  # keys 1..9, 0 reach the first ten
            rows.append(Row(self.group_row(label, group, state, width, count_width), group_view(group)))
        if checklist.phases:
            rows.append(_heading("Deployment day"))
            for group in checklist.phases:
                rows.append(Row(self.group_row(" ", group, state, width, count_width), group_view(group)))
        rows.append(_heading("Record"))
        open_items = sum(not state.item(key).complete for key in checklist.items_by_key)
        rows.append(Row(_plain_row("What's next", f"{open_items} open", width), NEXT))
        badge = Content.styled("   GO", "bold $success") if is_go(state) else Content.styled("NO-GO", "bold $error")
        rows.append(Row(Content.assemble(_plain_row("Go / No-Go", "", width - 5), badge), GATE))
        signed = sum(role in state.signoffs and not is_stale(state, role) and not needs_signature(state, role)
                     for role in checklist.signoffs)
        rows.append(Row(_plain_row("Sign-offs", f"{signed}/{len(checklist.signoffs)}", width), SIGNOFFS))
        rows.append(Row(_plain_row("Emergency contacts", "", width), CONTACTS))
        return rows

    def group_row(self, label: str, group: Group, state: RunState, width: int, count_width: int) -> Content:
        progress = group_progress(state, group)
        count = f"{progress}".rjust(count_width)
        bar_width = 8 if width >= 40 else 4
        marker = Content.styled("!", "bold $error") if progress.blocked else Content(" ")
        due = Content("")
        moment = due_at(state, group)
        if moment is not None:
            when = format_local(moment, self.app.now)  # `Dec 02 14:00` when not today: yesterday's is not today's
            overdue = group.id in self.overdue
            due = Content.styled(f"!{when} ", "bold $error") if overdue else Content.styled(f" {when} ", "$text-muted")
        title_width = max(width - 2 - 1 - 1 - bar_width - len(count) - due.cell_length, 4)
        title = _fit(literal(group.title), title_width)
        return Content.assemble(
            (label.rjust(2)[-2:], "$text-muted"), marker, title, due, " ", progress_bar(progress, bar_width), count
        )

    def row_width(self) -> int:
        width = self.scrollable_content_region.width
        if not width:  # before the first layout, from this widget's own styles: the rows are in the first frame
            scalar = self.styles.width
            outer = int(scalar.value) if scalar is not None and scalar.unit == Unit.CELLS else self.app.size.width
            width = outer - self.styles.gutter.width
        return max(width - 2, 12)  # rows end two cells short of the border

    def first_enabled_index(self) -> int | None:
        return next((i for i, row in enumerate(self.rows) if not row.disabled), None)


def _same(old: object, new: object) -> bool:
    """Content's == compares text only; a row whose style alone changed must be redrawn too."""
    if isinstance(old, Content) and isinstance(new, Content):
        return old.plain == new.plain and old.spans == new.spans
    return old == new


def _heading(text: str) -> Row:
    return Row(Content.styled(text.upper(), "bold $secondary"), disabled=True)


def _plain_row(title: str, count: str, width: int) -> Content:
    return Content.assemble("   ", _fit(Content(title), width - 3 - len(count)), count)


def _fit(content: Content, width: int) -> Content:
    """Exactly `width` cells: cut with … or padded with spaces."""
    if content.cell_length > width:
        return content.truncate(max(width - 1, 0)) + Content("…")
    return content.pad_right(width - content.cell_length)
