"""Command palette entries for runs: "New run…", "Switch run…", and each run by its title."""

from __future__ import annotations

import asyncio
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

from heypeter_tui.core.runs_index import summarize_runs
from heypeter_tui.core.text import clean_line

if TYPE_CHECKING:
    from heypeter_tui.ui.app import HeyPeterApp


class RunCommands(Provider):
    app: HeyPeterApp

    def fixed_commands(self) -> list[tuple[str, str, object]]:
        return [
            ("New run…", "start a new run of this checklist and switch to it", self.app.action_new_run),
            ("New run from checklist…", "start a run of another checklist: built in, or your own",
             self.app.action_new_run_from_checklist),
            ("Switch run…", "pick another run to show", self.app.action_switch_run),
            ("Who is operating…", "set the name the log records for changes made here", self.app.action_set_operator),
        ]

    async def discover(self) -> Hits:
        for name, help_text, callback in self.fixed_commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self.fixed_commands():
            if (score := matcher.match(name)) > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
        summaries, _ = await asyncio.to_thread(summarize_runs, self.app.context.workspace)
        for run in summaries:
            name = f"Switch to run: {clean_line(run.title)}"
            if (score := matcher.match(name)) > 0:
                help_text = f"{run.checklist} · {run.progress} · created {run.created}"
                yield Hit(score, matcher.highlight(name), partial(self.app.switch_run, run.id), help=help_text)
