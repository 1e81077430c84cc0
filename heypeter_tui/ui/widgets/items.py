"""The items of one section or phase: state symbol, text, and who changed it when.

A RowList (the line API), so a group of thousands of items scrolls, and ticks, as fast as one of six.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.content import Content
from textual.reactive import reactive

from heypeter_tui.core.checklist import Group, Item
from heypeter_tui.core.checks import PASSED, outcome_line
from heypeter_tui.core.clock import format_local, parse_iso
from heypeter_tui.core.durations import format_duration
from heypeter_tui.core.run import BLOCKED, DONE, LABELS, NA, PENDING, SYMBOLS, ItemState, RunState, Timer
from heypeter_tui.core.schedule import due_at, is_overdue, timer_label, timer_remaining
from heypeter_tui.ui import messages as msg
from heypeter_tui.ui.literal import literal
from heypeter_tui.ui.widgets.row_list import Fitted, Row, RowList
from heypeter_tui.ui.widgets.state_view import FollowsRunState

NOTE_SHOWN = 90
"""Characters of the latest note shown under its item (cut with …): one line at 120 columns."""
STATUS_STYLES = {PENDING: "bold", DONE: "bold $success", NA: "$text-muted", BLOCKED: "bold $error"}


class ItemList(FollowsRunState, RowList):
    BINDINGS = [
        Binding("space", "request('toggle')", "Done", id="item.toggle"),
        Binding("x", "request('na')", "N/A", id="item.na"),
        Binding("b", "request('blocked')", "Blocked", id="item.blocked"),
        Binding("n", "request('note')", "Note", id="item.note"),
        Binding("enter", "request('detail')", "History", show=False, id="item.detail"),
        Binding("t", "request('timer')", "Timer", show=False, id="item.timer"),
        Binding("v", "request('check')", "Check", show=False, id="item.check"),
        Binding("j", "cursor_down", "Down", show=False, id="items.down"),
        Binding("k", "cursor_up", "Up", show=False, id="items.up"),
    ]

    group_id: reactive[str | None] = reactive(None, repaint=False)  # a new group is a rebuild

    def on_mount(self) -> None:
        self.watch(self.app, "now", self.follow_clock, init=False)

    shown: RunState | None = None
    """The state the options were last drawn from."""

    def show_state(self, state: RunState) -> None:
        """Redraw only the items whose state changed: a fold keeps unchanged items' objects."""
        previous, group_id = self.shown, self.group_id
        if group_id is not None and self.group_in(state) is None:
            # Another run's checklist (a switch, a log replaced) has no such group: the list moves to its first one
            # (the screen does the same with its view), never keeps an id the run no longer has.
            self.group_id = state.checklist.groups[0].id  # rebuilt by watch_group_id
            return
        if previous is None or group_id is None or previous.checklist is not state.checklist:
            self.rebuild()
            return
        group = state.checklist.group(group_id)
        now = self.app.now
        for index, item in enumerate(group.items):
            key = group.key(item)
            if previous.item(key) is not state.item(key) or previous.timers.get(key) is not state.timers.get(key):
                self.replace_row(index, self.prompt(item, key, state, now, group))
        self.shown = state
        self.show_due(due_label(state, group, now))

    def follow_clock(self) -> None:
        """Once a second: redraw only the items whose timer runs, and the due line."""
        state, now = self.app.state, self.app.now
        group = self.group_in(state)
        if group is None:
            return
        for index, item in enumerate(group.items):
            key = group.key(item)
            timer = state.timers.get(key)
            if timer is not None and timer.stopped_at is None:
                self.replace_row(index, self.prompt(item, key, state, now, group))
        self.show_due(due_label(state, group, now))

    def group_in(self, state: RunState) -> Group | None:
        """The group shown, as `state`'s checklist has it; None where it has no group of that id. The clock, checks
        and the run each reach the list on their own: none may assume the run it was drawn from is still shown."""
        if self.group_id is None:
            return None
        try:
            return state.checklist.group(self.group_id)
        except KeyError:
            return None

    def prompt(self, item: Item, key: str, state: RunState, now, group: Group) -> Content:
        checking = key in getattr(self.app, "cancels", ())
        return item_prompt(item, state.item(key), now, state.timers.get(key), group.owner, checking)

    def show_checking(self, keys: list[str]) -> None:
        """Checks started or ended (ui/checking.py): their items' rows say so."""
        state = self.app.state
        group = self.group_in(state)
        if group is None:
            return
        for index, item in enumerate(group.items):
            if group.key(item) in keys:
                self.replace_row(index, self.prompt(item, group.key(item), state, self.app.now, group))

    def watch_group_id(self) -> None:
        self.rebuild(keep_highlight=False)

    def show_due(self, label: str) -> None:
        if str(self.border_subtitle or "") != label:  # setting it, even unchanged, redraws the whole list
            self.border_subtitle = Content(label)

    @property
    def highlighted_key(self) -> str | None:
        row = self.highlighted_row
        return row.id if row else None

    def action_request(self, action: str) -> None:
        key = self.highlighted_key
        if key is None:
            return
        request = {
            "toggle": msg.ToggleItem, "note": msg.NoteOnItem, "detail": msg.ShowItem, "timer": msg.TimerOfItem,
            "check": msg.CheckItem,
        }.get(action)
        self.app.hold_keys()
        self.post_message(request(key) if request else msg.MarkItem(key, action))

    def rebuild(self, keep_highlight: bool = True) -> None:
        state = self.app.state
        group = self.group_in(state)
        if group is None:
            return  # another run's checklist: `show_state` moves the list to a group of this one
        keep = self.highlighted_key if keep_highlight else None
        now = self.app.now
        self.set_rows(
            Row(self.prompt(item, group.key(item), state, now, group), group.key(item))
            for item in group.items
        )
        index = _index(group, keep) if keep else None
        self.highlighted = index if index is not None else (0 if group.items else None)
        self.shown = state
        owner = literal(f" · {group.owner}", "$text-muted", 60) if group.owner else Content("")
        self.border_title = literal(group.title) + owner
        self.show_due(due_label(state, group, now))


def item_prompt(item: Item, current: ItemState, now, timer: Timer | None = None, group_owner: str | None = None,
                checking: bool = False) -> Fitted:
    """An item's row: its text (wrapped only where the pane is too narrow), then its detail on the same line, cut to
    the room left there (core of the row: ui/widgets/row_list.py, Fitted), so ticking it never moves the rows below;
    its latest note on a line of its own."""
    parts: list[Content | str | tuple[str, str]] = [
        (SYMBOLS[current.status], STATUS_STYLES[current.status]),
        " ",
        literal(item.text, "$text-muted" if current.status == NA else ""),
    ]
    if item.optional:
        parts.append((" (optional)", "$text-muted italic"))
    if item.owner and item.owner != group_owner:  # the group's owner is in the list's title; an item's own here
        parts += ["  ", ("owner ", "$text-muted"), literal(item.owner, "$secondary", 60)]
    if current.note_count:
        count = current.note_count
        parts.append((f"  ✎ {count} note{'s' if count > 1 else ''}", "$accent"))
    head, parts = Content.assemble(*parts), []
    if current.status != PENDING and current.actor and current.at:
        # The operator came from a log any writer may append to: literal, like every text from outside.
        when = format_local(parse_iso(current.at), now)
        parts += ["  ", (f"{LABELS[current.status]} · ", "$text-muted")]
        parts += [literal(current.actor.operator, "$text-muted", 80), (f" · {when}", "$text-muted")]
        if current.reason:
            parts += [("  ", ""), literal(current.reason, "$text-muted italic", 200)]
        if current.override:
            parts += ["  ", ("override while NO-GO: ", "$warning"), literal(current.override, "$warning italic", 200)]
    if item.timer and current.status != DONE:
        if timer is None:
            line, style = f"{format_duration(item.timer)} timer: t starts it", "$text-muted"
        else:
            line = timer_label(timer, now)
            over = timer.stopped_at is None and timer_remaining(timer, now) <= 0
            style = "bold reverse $warning" if over else "$accent"
        parts += ["  ", (line, style)]
    if item.check is not None:
        parts += ["  ", Content.styled("checking…", "bold $accent") if checking else check_label(current, now)]
    below = None
    if current.notes:  # the latest note under the item, on one line: the history has them all
        latest = current.notes[-1]
        first_line = latest.text.strip().splitlines()[0] if latest.text.strip() else ""
        below = Content.assemble("\n    ", ("✎ ", "$accent"), literal(first_line, "italic", NOTE_SHOWN),
                                 (f"  {latest.actor.operator[:40]} · {format_local(parse_iso(latest.at), now)}",
                                  "$text-muted"))
    return Fitted(head, Content.assemble(*parts) if parts else None, below)


def check_label(current: ItemState, now) -> Content:
    """`check failed (exit 3) 14:02` on the item, whatever its status; `v checks it` before its first run."""
    event = current.check
    if event is None:
        return Content.styled("v checks it", "$text-muted")
    style = "$text-muted" if event.get("outcome") == PASSED else "bold $error"
    return literal(outcome_line(event, format_local(parse_iso(event.ts), now)), style, 120)  # any writer's fields


def _index(group: Group, key: str) -> int | None:
    for index, item in enumerate(group.items):
        if group.key(item) == key:
            return index
    return None


def due_label(state: RunState, group: Group, now) -> str:
    if group.due is None:
        return ""
    relative = f"T{format_duration(group.due, signed=True)}" if group.due else "T-0"
    moment = due_at(state, group)
    if moment is None:
        return f"due {relative}"
    when = format_local(moment, now)
    return f"OVERDUE since {when} ({relative})" if is_overdue(state, group, now) else f"due {when} ({relative})"
