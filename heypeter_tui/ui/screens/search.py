"""Search (`/`): find an item across every section and phase as you type, and go to it.

The Input keeps the focus throughout, so typing never stops: up and down move the highlight in the results
under it, enter goes to the highlighted item (the dashboard shows its group with it highlighted), escape
closes. What matches is core/search.py's rule, the palette's too: every word typed found in an item's text,
key, owner or notes. Every text shown came from a file or a person: literal, never markup.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, Static

from heypeter_tui.core.errors import UserError
from heypeter_tui.core.run import NA, SYMBOLS, RunState
from heypeter_tui.core.search import QUERY_MOST, Found, Match, search_items
from heypeter_tui.core.text import count
from heypeter_tui.ui.literal import literal
from heypeter_tui.ui.screens.dialog_base import Dialog
from heypeter_tui.ui.widgets.items import STATUS_STYLES
from heypeter_tui.ui.widgets.row_list import Row, RowList

HINT = "Words from an item's text, its id, a note or its owner: every word must match."
KEYS = "↑↓ choose · enter goes to it · escape closes"
TEXT_SHOWN = 200
"""Characters of an item's text in a result: a line or two of the dialog; its list shows more."""


class QueryInput(Input):
    """The query, never longer than QUERY_MOST characters: a paste is cut to the room left, a key past it is dropped,
    and `cut` remembers that something was, for the summary to say so."""

    cut = False

    class Cut(Message):
        """Text was left off (the value may be unchanged: no Changed comes)."""

    def replace(self, text: str, start: int, end: int) -> None:
        first, last = sorted((max(0, start), min(len(self.value), end)))  # as Input.replace takes them
        room = QUERY_MOST - (len(self.value) - (last - first))
        if len(text) > room:
            if not self.cut:  # once: a paste typed key by key (no bracketed paste) drops thousands after the limit
                self.post_message(self.Cut())
            text, self.cut = text[: max(room, 0)], True
        super().replace(text, start, end)


class SearchResults(RowList, can_focus=False):
    """The matches, one row each (two with a note): the highlight moves while the Input keeps the focus."""


class SearchDialog(Dialog[str | None]):
    """Answers the key of the item chosen, or None where it was closed."""

    DEFAULT_CSS = """
    SearchDialog .search { width: 110; height: 80%; }
    SearchDialog SearchResults { height: 1fr; margin-top: 1; }
    SearchDialog #search-summary { height: auto; color: $text-muted; margin-top: 1; }
    """
    # Priority bindings, as in FormDialog: each runs as its key arrives, ahead of the letters still on their way
    # to the Input. Enter and the moves hold the keys typed after them and act once the Input has taken the
    # letters before them (`after_typing`); escape closes at once. Keys typed after enter or escape are the
    # dashboard's.
    BINDINGS = [
        Binding("enter", "choose", "Go to it", show=False, priority=True, id="search.choose"),
        Binding("escape", "close", "Close", priority=True, id="search.close"),
        Binding("up", "move('cursor_up')", "Up", show=False, priority=True, id="search.up"),
        Binding("down", "move('cursor_down')", "Down", show=False, priority=True, id="search.down"),
        Binding("pageup", "move('page_up')", "Page up", show=False, priority=True, id="search.page-up"),
        Binding("pagedown", "move('page_down')", "Page down", show=False, priority=True, id="search.page-down"),
    ]

    def __init__(self, query: str = "") -> None:
        super().__init__()
        self.initial = query[:QUERY_MOST]
        self.cut_initial = len(query) > QUERY_MOST
        self.shown: str | None = None
        """The query the results are of. In a burst of keys the Input's Changed messages trail its value."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog search") as box:
            box.border_title = "Search"
            hint = "firewall, backup, a note's words, an owner…"
            query = QueryInput(self.initial, placeholder=hint, id="search-query")
            query.cut = self.cut_initial
            yield query
            yield SearchResults(id="search-results")
            yield Static("", id="search-summary", markup=False)

    def on_mount(self) -> None:
        self.show_results(self.initial)
        # Another writer may tick or note an item while the dialog is open: the results follow the run.
        self.watch(self.app, "state", self.follow_state, init=False)

    @property
    def results(self) -> SearchResults:
        return self.query_one(SearchResults)

    def follow_state(self, state: RunState) -> None:
        row = self.results.highlighted_row
        self.show_results(self.query_one(Input).value, keep=row.id if row else None)

    def on_input_changed(self, event: Input.Changed) -> None:
        self.catch_up()

    def on_query_input_cut(self, event: QueryInput.Cut) -> None:
        row = self.results.highlighted_row  # the summary says so; the highlight stays
        self.show_results(self.query_one(Input).value, keep=row.id if row else None)

    def catch_up(self) -> None:
        """Results of what the Input holds now, unless they are shown already (the highlight stays put)."""
        query = self.query_one(Input).value
        if query != self.shown:
            self.show_results(query)

    def show_results(self, query: str, keep: str | None = None) -> None:
        self.shown = query
        trouble = ""
        try:
            found = search_items(self.app.state, query)
        except UserError as error:  # notes edited in place under this dashboard: said, never searched as the run's
            found, trouble = Found([]), str(error)
        results = self.results
        results.set_rows(Row(result_prompt(match), match.key) for match in found.matches)
        index = results.index_of(keep) if keep else None
        results.highlighted = index if index is not None else (0 if found.matches else None)
        results.scroll_to_highlight()  # a new query starts at its first match, even where the highlight stayed 0
        if trouble:
            summary = trouble
        elif not query.strip():
            summary = f"{HINT}\n{KEYS}"
        elif not found.matches:
            summary = f"No item matches every word.\n{HINT}"
        elif found.more:
            summary = f"{count(len(found.matches), 'item')} shown, more match: type more to narrow. {KEYS}"
        else:
            summary = f"{count(len(found.matches), 'item')}. {KEYS}"
        if self.query_one(QueryInput).cut and len(query) >= QUERY_MOST:
            summary = f"Query cut at {QUERY_MOST} characters: the rest is not searched.\n{summary}"
        self.query_one("#search-summary", Static).update(summary)

    def action_move(self, movement: str) -> None:
        self.after_typing(lambda: self.move(movement))

    def move(self, movement: str) -> None:
        self.catch_up()  # the Input's Changed messages may not have come yet: move in the results of its value
        getattr(self.results, f"action_{movement}")()

    def action_choose(self) -> None:
        self.after_typing(self.choose, release=False)

    def choose(self) -> None:
        self.catch_up()
        row = self.results.highlighted_row
        if row is not None:
            self.answer(row.id)
        else:
            self.keys_may_flow()  # nothing to go to: what was typed after enter goes on into the Input

    def on_row_list_selected(self, event: RowList.Selected) -> None:
        self.answer(event.row.id)  # a click on a result

    def action_close(self) -> None:
        # At once, as its key arrives (a priority binding): the keys typed after it find the dashboard on top.
        self.dismiss(None)


def result_prompt(match: Match) -> Content:
    """`[ ] text  group title · owner`, and under it the note where a word was found only there."""
    where = f"{match.group.title} · {match.owner}" if match.owner else match.group.title
    parts: list[Content | tuple[str, str] | str] = [
        (SYMBOLS[match.status], STATUS_STYLES[match.status]),
        " ",
        literal(match.item.text, "$text-muted" if match.status == NA else "", TEXT_SHOWN),
        "  ",
        literal(where, "$text-muted", 160),
    ]
    if match.note:
        parts += ["\n    ", ("✎ ", "$accent"), literal(match.note, "italic")]
    return Content.assemble(*parts)
