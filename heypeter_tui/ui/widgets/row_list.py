"""RowList: a focusable list of rows drawn through Textual's line API, each row rendered once and kept.

OptionList re-renders every visible option when any one prompt changes. Here a changed row redraws
only its own lines, so ticking an item costs the same in a list of six and in a list of thousands.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass

from textual import events
from textual.binding import Binding
from textual.content import Content
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.visual import Visual


@dataclass(frozen=True)
class Fitted:
    """A row whose `detail` never adds a line: it follows the last line of `head` and is cut (…) to the room left
    there, so a change of detail (an item ticked: `done · alice · 14:02`) never moves the rows below. `below` (a
    note's line) starts a line of its own."""

    head: Content
    detail: Content | None = None
    below: Content | None = None

    @property
    def whole(self) -> Content:
        """Everything, uncut: what the row says, whatever the width."""
        return Content.assemble(self.head, *(part for part in (self.detail, self.below) if part is not None))

    @property
    def plain(self) -> str:
        return self.whole.plain

    def __str__(self) -> str:
        return str(self.whole)

    def at(self, width: int) -> Content:
        whole = self.head + self.detail if self.detail is not None else self.head
        if whole.cell_length <= width and "\n" not in whole.plain:  # the common case: everything fits on one line
            return whole + self.below if self.below is not None else whole
        lines = self.head.wrap(max(width, 1))
        last = lines[-1] if lines else Content("")
        room = width - last.cell_length
        if self.detail is not None and room > 1:
            last += self.detail if self.detail.cell_length <= room else self.detail.truncate(room, ellipsis=True)
        fitted = Content("\n").join([*lines[:-1], last])
        return fitted + self.below if self.below is not None else fitted


@dataclass(frozen=True)
class Row:
    """One row: what it shows, the id it answers to, and whether it can be highlighted (headings cannot)."""

    prompt: Content | Fitted
    id: str | None = None
    disabled: bool = False

    def content(self, width: int) -> Content:
        return self.prompt.at(width) if isinstance(self.prompt, Fitted) else self.prompt


class RowList(ScrollView, can_focus=True):
    DEFAULT_CSS = """
    RowList {
        color: $foreground;
        background: $surface;
        overflow-x: hidden;
        & > .row-list--highlighted {
            color: $foreground;
            background: $block-cursor-blurred-background;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus {
            background-tint: $foreground 5%;
            & > .row-list--highlighted {
                color: $block-cursor-foreground;
                background: $block-cursor-background;
                text-style: $block-cursor-text-style;
            }
        }
    }
    """
    COMPONENT_CLASSES = {"row-list--row", "row-list--highlighted"}
    BINDINGS = [
        Binding("up", "cursor_up", "Up", show=False, id="rows.up"),
        Binding("down", "cursor_down", "Down", show=False, id="rows.down"),
        Binding("home", "first", "First", show=False, id="rows.first"),
        Binding("end", "last", "Last", show=False, id="rows.last"),
        Binding("pageup", "page_up", "Page up", show=False, id="rows.page-up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="rows.page-down"),
        Binding("enter", "select", "Select", show=False, id="rows.select"),
    ]

    highlighted: reactive[int | None] = reactive(None, init=False, repaint=False)
    """The highlighted row's index; a move redraws only the two rows it leaves and enters."""

    class Highlighted(Message):
        """The highlight moved to `row`."""

        def __init__(self, row_list: RowList, index: int, row: Row) -> None:
            super().__init__()
            self.row_list, self.index, self.row = row_list, index, row

        @property
        def control(self) -> RowList:
            return self.row_list

    class Selected(Highlighted):
        """`row` was chosen: enter, or a click."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.rows: list[Row] = []
        self._width = 0
        self._starts: list[int] = []
        """The first line of each row; heights are the differences."""
        self._rendered: dict[int, tuple[bool, list[Strip]]] = {}
        """Row index -> (drawn highlighted?, its lines) at the current width and styles."""

    # -- contents ------------------------------------------------------------------------------

    def set_rows(self, rows: Iterable[Row]) -> None:
        self.rows = list(rows)
        self._rendered.clear()
        self._measure()
        self.highlighted = self.validate_highlighted(self.highlighted)  # the rows may be fewer now
        self.refresh()

    def replace_row(self, index: int, prompt: Content | Fitted) -> None:
        """Show `prompt` in row `index`; only that row is drawn again, unless its height changed."""
        row = self.rows[index]
        self.rows[index] = Row(prompt, row.id, row.disabled)
        self._rendered.pop(index, None)
        if not self._width:
            return
        start, height = self._starts[index], self._height_of(index)
        if self._row_height(self.rows[index], self._width) == height:
            self.refresh_lines(start, height)
        else:
            self._measure()
            self.refresh()

    def index_of(self, row_id: str) -> int | None:
        return next((index for index, row in enumerate(self.rows) if row.id == row_id), None)

    @property
    def highlighted_row(self) -> Row | None:
        return self.rows[self.highlighted] if self.highlighted is not None else None

    # -- geometry ------------------------------------------------------------------------------

    def _row_height(self, row: Row, width: int) -> int:
        prompt = row.content(width)
        if prompt.cell_length <= width and "\n" not in prompt.plain:
            return 1  # the common case, without wrapping anything
        return max(prompt.get_height(self.styles, width), 1)

    def _measure(self) -> None:
        width = self.scrollable_content_region.width
        self._width = width
        starts, line = [], 0
        if width:
            for row in self.rows:
                starts.append(line)
                line += self._row_height(row, width)
        self._starts = starts
        self.virtual_size = Size(width, line)

    def _height_of(self, index: int) -> int:
        following = self._starts[index + 1] if index + 1 < len(self._starts) else self.virtual_size.height
        return following - self._starts[index]

    def on_resize(self) -> None:
        if self.scrollable_content_region.width != self._width:
            self._rendered.clear()
            self._measure()
            self.scroll_to_highlight()

    def notify_style_update(self) -> None:
        self._rendered.clear()  # a theme or focus change restyles every row
        super().notify_style_update()

    # -- drawing -------------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if width and width != self._width:
            # First drawn, or a scrollbar came or went (no Resize says so): rows measured for another width
            # would be cropped by the scrollbar (`Operatio│`).
            self._rendered.clear()
            self._measure()
        line = self.scroll_offset.y + y
        index = bisect_right(self._starts, line) - 1
        if index < 0 or line >= self.virtual_size.height:
            return Strip.blank(self._width, self.get_visual_style("row-list--row").rich_style)
        return self._lines_of(index)[line - self._starts[index]]

    def _lines_of(self, index: int) -> list[Strip]:
        highlighted = index == self.highlighted
        cached = self._rendered.get(index)
        if cached is not None and cached[0] == highlighted:
            return cached[1]
        classes = ("row-list--row", "row-list--highlighted") if highlighted else ("row-list--row",)
        style = self.get_visual_style(*classes)
        prompt, height = self.rows[index].content(self._width), self._height_of(index)
        if height == 1 and prompt.cell_length <= self._width:
            # One line needs no wrapping: its segments as they are, five times faster than to_strips.
            strip = Strip(list(prompt.render_segments(style)), prompt.cell_length)
            strips = [strip.extend_cell_length(self._width, style.rich_style)]
        else:
            strips = Visual.to_strips(self, prompt, self._width, None, style, pad=True)
        strips = (strips + [Strip.blank(self._width, style.rich_style)] * height)[:height]
        self._rendered[index] = (highlighted, strips)
        return strips

    # -- the highlight -------------------------------------------------------------------------

    def validate_highlighted(self, index: int | None) -> int | None:
        if index is None or not self.rows:
            return None
        return min(max(index, 0), len(self.rows) - 1)

    def watch_highlighted(self, old: int | None, new: int | None) -> None:
        for index in (old, new):
            if index is not None and index < len(self._starts):
                self.refresh_lines(self._starts[index], self._height_of(index))
        if new is not None and not self.rows[new].disabled:
            self.scroll_to_highlight()
            self.post_message(self.Highlighted(self, new, self.rows[new]))

    def scroll_to_highlight(self) -> None:
        index = self.highlighted
        if index is None or index >= len(self._starts) or not self.is_mounted:
            return
        self.scroll_to_region(
            Region(0, self._starts[index], self._width, self._height_of(index)), animate=False, force=True
        )

    def _step(self, start: int, direction: int) -> int | None:
        index = start
        while 0 <= index < len(self.rows):
            if not self.rows[index].disabled:
                return index
            index += direction
        return None

    def action_cursor_down(self) -> None:
        start = 0 if self.highlighted is None else self.highlighted + 1
        index = self._step(start, 1)
        if index is not None:
            self.highlighted = index

    def action_cursor_up(self) -> None:
        start = len(self.rows) - 1 if self.highlighted is None else self.highlighted - 1
        index = self._step(start, -1)
        if index is not None:
            self.highlighted = index

    def action_first(self) -> None:
        index = self._step(0, 1)
        if index is not None:
            self.highlighted = index

    def action_last(self) -> None:
        index = self._step(len(self.rows) - 1, -1)
        if index is not None:
            self.highlighted = index

    def action_page_down(self) -> None:
        self._move_by_lines(self.scrollable_content_region.height)

    def action_page_up(self) -> None:
        self._move_by_lines(-self.scrollable_content_region.height)

    def _move_by_lines(self, lines: int) -> None:
        if not self._starts:
            return
        current = self._starts[self.highlighted] if self.highlighted is not None else 0
        target = min(max(current + lines, 0), self.virtual_size.height - 1)
        index = bisect_right(self._starts, target) - 1
        found = self._step(index, 1 if lines > 0 else -1)
        if found is None:
            found = self._step(index, -1 if lines > 0 else 1)
        if found is not None:
            self.highlighted = found

    def action_select(self) -> None:
        index = self.highlighted
        if index is not None and not self.rows[index].disabled:
            self.post_message(self.Selected(self, index, self.rows[index]))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or not self._starts:
            return
        line = self.scroll_offset.y + offset.y
        if line >= self.virtual_size.height:
            return
        index = bisect_right(self._starts, line) - 1
        if index >= 0 and not self.rows[index].disabled:
            self.highlighted = index
            self.action_select()
