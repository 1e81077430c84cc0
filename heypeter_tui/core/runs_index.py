"""One line per run, for the `runs` table and the dashboard's run picker."""

from __future__ import annotations

from dataclasses import dataclass

from heypeter_tui.core.clock import format_full, parse_iso
from heypeter_tui.core.errors import UserError
from heypeter_tui.core.rules import overall_progress
from heypeter_tui.core.run import RunLogError, fold
from heypeter_tui.core.workspace import RunSpace


@dataclass(frozen=True)
class RunSummary:
    id: str
    title: str
    checklist: str
    created: str
    progress: str
    t0: str
    current: bool
    created_by: str = ""
    """The database user who made it (stamped by the server); empty for a file run, whose log's owner made it."""
    made_as: str = ""
    """The title it was made with, where it was renamed since: what a reference by title names."""


def summarize_runs(workspace: RunSpace) -> tuple[list[RunSummary], list[str]]:
    """Every readable run, newest first, and a line for each run that could not be read."""
    current = workspace.current_id()
    summaries: list[RunSummary] = []
    runs = workspace.runs()
    problems: list[str] = list(workspace.skipped_runs)
    for run in reversed(runs):
        store = workspace.store(run.id)
        try:
            state = fold(store.load())
        except (RunLogError, OSError) as error:
            problems.append(f"{run.where}: not a readable run: {error}")
            continue
        except UserError as error:  # refused: a link, not ours, writable by others
            problems.append(str(error))
            continue
        problems += [str(problem) for problem in store.problems]  # lines skipped: said, as status says them
        summaries.append(
            RunSummary(
                id=run.id,
                title=state.title,
                checklist=state.checklist.id,
                created=format_full(parse_iso(state.created.ts)),
                progress=str(overall_progress(state)),
                t0=format_full(parse_iso(state.t0)) if state.t0 else "-",
                current=run.id == current,
                created_by=run.created_by,
                made_as=str(state.created.get("title", "")) if state.title != state.created.get("title") else "",
            )
        )
    return summaries, problems
