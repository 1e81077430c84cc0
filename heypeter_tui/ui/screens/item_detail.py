"""One item in full: its text, state, notes, and every change to it with who and when."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from heypeter_tui.core.checklist import owner_of
from heypeter_tui.core.clock import format_full, parse_iso
from heypeter_tui.core.durations import format_duration
from heypeter_tui.core.errors import UserError
from heypeter_tui.core.item_log import latest_item_history
from heypeter_tui.core.record_text import describe
from heypeter_tui.core.run import LABELS, SYMBOLS, RunState
from heypeter_tui.core.schedule import timer_label
from heypeter_tui.ui.literal import literal, literal_block
from heypeter_tui.ui.screens.dialog_base import Dialog

OUTPUT_LINES_SHOWN = 40
"""Of a check's kept output, the lines the detail shows: the failure is at the end, the record has the rest."""
HISTORY_SHOWN = 100
"""An item's newest changes its detail shows at first; `e` shows as many again before them, up to HISTORY_MOST. A
monitoring day leaves tens of thousands of notes and checks on one item: drawn whole, they took a minute."""
HISTORY_MOST = 1600
"""The most changes the detail draws (a second or so); the record (export) has every one."""
SIDE_HISTORY_SHOWN = 10
"""The newest changes the side pane shows: it is redrawn with every change to the run; enter opens the rest."""


class ItemDetailScreen(Dialog[None]):
    DEFAULT_CSS = """
    ItemDetailScreen .detail { width: 90; height: 80%; }
    ItemDetailScreen .detail-history { margin-top: 1; }
    """
    BINDINGS = [
        Binding("escape,enter,q", "dismiss", "Close", id="detail.close"),
        Binding("e", "earlier", "Earlier changes", id="detail.earlier"),
    ]

    def __init__(self, state: RunState, key: str) -> None:
        super().__init__()
        self.state = state
        self.key = key
        self.shown = HISTORY_SHOWN

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog detail"):
            yield Static(item_detail(self.state, self.key, self.app.now, self.shown), id="detail-text")

    def action_earlier(self) -> None:
        """As many changes again, before those shown."""
        if self.shown >= HISTORY_MOST:
            return
        self.shown = min(self.shown * 2, HISTORY_MOST)
        self.query_one("#detail-text", Static).update(item_detail(self.state, self.key, self.app.now, self.shown))


def check_detail(state: RunState, key: str) -> list[Content]:
    """The item's command, and its latest check with the output it kept."""
    from heypeter_tui.core.checks import visible
    from heypeter_tui.core.record_checks import result_line

    item = state.checklist.items_by_key[key][1]
    if item.check is None:
        return []
    lines = [Content(""), Content.styled("Check", "bold $secondary"), literal_block(f"$ {visible(item.check.run)}")]
    event = state.item(key).check
    if event is None:
        return lines + [Content.styled("not run yet: v runs it", "$text-muted")]
    size = event.get("output_bytes") or 0
    lines += [literal(result_line(event), "bold", 400), Content.styled(f"output: {size:,} bytes", "$text-muted")]
    output = str(event.get("output") or "").rstrip("\n").split("\n")
    if output != [""]:
        if len(output) > OUTPUT_LINES_SHOWN:  # the side pane redraws with every change to the run: kept short
            lines.append(Content.styled(f"… its last {OUTPUT_LINES_SHOWN} lines (export has the last 64 KiB):",
                                        "$text-muted"))
        lines.append(literal_block("\n".join(output[-OUTPUT_LINES_SHOWN:]), 16 * 1024))
    return lines


def item_detail(state: RunState, key: str, now, shown: int = HISTORY_SHOWN, more: str | None = None) -> Content:
    """One item in full: its text, where it stands, its timer, and its newest `shown` changes with who and when (and
    how many came before them, with `more`: how to see them)."""
    group, item = state.checklist.items_by_key[key]
    current = state.item(key)
    lines = [literal(f"{SYMBOLS[current.status]} {item.text}", "bold", limit=4000), Content("")]
    facts = [f"{group.title} · {LABELS[current.status]}"]
    owner = owner_of(group, item)
    if owner:
        facts.append(f"owner: {owner}")
    if item.optional:
        facts.append("optional")
    if current.reason:
        facts.append(f"reason: {current.reason}")
    lines.append(literal(" · ".join(facts), "$text-muted"))
    timer = state.timers.get(key)
    if item.timer:
        lines.append(Content.styled(timer_label(timer, now) if timer else f"{format_duration(item.timer)} timer: "
                                    "t starts it", "$accent"))
    lines += check_detail(state, key)
    lines += [Content(""), Content.styled("History", "bold $secondary")]
    try:
        entries, earlier = latest_item_history(state, key, shown)
    except UserError as error:  # its lines edited in place under this dashboard: said, never shown as the run's
        return Content("\n").join([*lines, literal(str(error), "$error", limit=400)])
    if not entries:
        lines.append(Content.styled("no changes yet", "$text-muted"))
    if earlier:
        how = more if more is not None else ("e shows more, " if shown < HISTORY_MOST else "")
        lines += [Content.styled(f"… {earlier:,} earlier change{'s' if earlier > 1 else ''} not shown: {how}export "
                                 "has every one", "$text-muted"), Content("")]
    for event, undone in entries:
        when = format_full(parse_iso(event.ts))
        who = f"{event.actor.operator} ({event.actor.user}@{event.actor.host})"
        head = Content.assemble((when, "$text-muted"), "  ", literal(who, "bold"))
        what = literal_block(describe(state, event))
        if undone:
            what = Content.assemble(what.stylize("strike"), (" (undone)", "$warning"))
        lines += [head, Content.assemble("  ", what), Content("")]
    return Content("\n").join(lines)
