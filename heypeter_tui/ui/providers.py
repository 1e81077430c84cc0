"""Command palette entries: "New run…", "Switch run…", each run by its title, and the items found by search."""

from __future__ import annotations

import asyncio
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.markup import escape

from heypeter_tui.core.errors import UserError
from heypeter_tui.core.runs_index import summarize_runs
from heypeter_tui.core.search import search_items
from heypeter_tui.core.text import clean_line
from heypeter_tui.ui.literal import literal
from heypeter_tui.ui.screens.dashboard import DashboardScreen

if TYPE_CHECKING:
    from heypeter_tui.ui.app import HeyPeterApp

PALETTE_ITEMS = 20
"""Items the palette lists: past them, its last entry opens the search dialog, which shows up to 200."""
ITEM_SCORE = 0.5
"""Every word matched, not letters in order, so there is no fuzzy score to give: equal scores keep checklist
order (the palette's sort is stable)."""


class RunCommands(Provider):
    app: HeyPeterApp

    def fixed_commands(self) -> list[tuple[str, str, object]]:
        return [
            ("New run…", "start a new run of this checklist and switch to it", self.app.action_new_run),
            ("New run from checklist…", "start a run of another checklist: built in, or your own",
             self.app.action_new_run_from_checklist),
            ("Switch run…", "pick another run to show", self.app.action_switch_run),
            ("Rename run…", "give this run a new title (the record keeps the old one)", self.app.action_rename_run),
            ("Search items…", "find an item by its text, id, notes or owner", self.app.action_search),
            ("Who is operating…", "set the name the log records for changes made here", self.app.action_set_operator),
            ("Run the checks of this section", "run every check of the section or phase shown (its checklist "
             "trusted first)", self.app.action_run_section_checks),
        ]

    async def discover(self) -> Hits:
        for name, help_text, callback in self.fixed_commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self.fixed_commands():
            if (score := matcher.match(name)) > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
        for hit in self.item_hits(query):  # before the runs: they wait for every log to be read
            yield hit
        summaries, _ = await asyncio.to_thread(summarize_runs, self.app.context.workspace)
        for run in summaries:
            name = f"Switch to run: {clean_line(run.title)}"
            if (score := matcher.match(name)) > 0:
                made = f" by {clean_line(run.created_by)[:80]}" if run.created_by else ""  # a database run
                # Its id and maker too: two runs may share a title (anyone who can add a run chooses it).
                help_text = escape(f"{clean_line(run.id)} · {run.checklist} · {run.progress} · created "
                                   f"{run.created}{made}")
                yield Hit(score, matcher.highlight(name), partial(self.app.switch_run, run.id), help=help_text)

    def item_hits(self, query: str) -> list[Hit]:
        """A "Show item: <text>" hit for each item search finds (core/search.py): each goes to its item on the
        dashboard. Only over the dashboard: from a dialog the item would change behind it, unseen. The texts
        go into `match_display` as literal Content; `help` would be read as markup."""
        if not isinstance(self.screen, DashboardScreen):
            return []
        try:
            found = search_items(self.app.state, query, limit=PALETTE_ITEMS)
        except UserError:  # notes edited in place under this dashboard: the search screen says so
            return []
        hits = []
        for match in found.matches:
            where = f"{match.group.title} · {match.owner}" if match.owner else match.group.title
            shown = Content.assemble("Show item: ", literal(match.item.text, "", 200), "  ",
                                     literal(where, "$text-muted", 160))
            hits.append(Hit(ITEM_SCORE, shown, partial(self.app.show_in_list, match.key),
                            text=f"Show item: {clean_line(match.item.text)}"))
        if found.more:
            shown = Content.assemble("Search items: more match “", literal(query, "", 80), "”…")
            hits.append(Hit(ITEM_SCORE, shown, partial(self.app.find_item, query), text="Search items…"))
        return hits
