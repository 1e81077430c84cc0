"""Checks in the record: each run of an item's check with its result, and its output in a collapsible block.

The output is the command's, so it is data twice over: cleaned of escapes when it was recorded, cleaned again
here (any writer may have put anything in the log), and fenced with more backticks than it holds anywhere, so
no line of it can close the fence, open HTML or make a task the importer would read as an item.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

from heypeter_tui.core.checks import OUTPUT_KEPT, duration_text, outcome_line, visible
from heypeter_tui.core.events import Event
from heypeter_tui.core.record_text import md_line, when, who
from heypeter_tui.core.run import RunState
from heypeter_tui.core.text import clean


def check_events(state: RunState, key: str | None = None) -> Sequence[Event]:
    """Every check that counts (not undone), oldest first; of one item where `key` is given. Each read from the log
    as it is asked for (core/item_log.py): a monitoring day's hundred thousand are never held at once."""
    from heypeter_tui.core.item_log import Picked, item_log

    found = item_log(state)
    return Picked(state.events, found.all_checks() if key is None else found.checks(key))


def check_json(event: Event) -> dict[str, Any]:
    """One check whole, as the JSON record carries it."""
    fields = ("command", "outcome", "exit", "signal", "duration_ms", "timeout", "host", "started", "output",
              "output_bytes")
    return {**{name: event.get(name) for name in fields}, "at": event.ts, "by": event.actor.to_dict()}


def result_line(event: Event) -> str:
    """`check failed (exit 3) in 0.2 s on web-1, by ana (ana@web-1), 2026-12-03 14:02:11 UTC`."""
    took = duration_text(event.get("duration_ms") or 0)
    return f"{outcome_line(event)} in {took} on {event.get('host') or '?'}, by {who(event.actor)}, {when(event.ts)}"


def item_check_line(state: RunState, key: str) -> list[str]:
    """The sub-bullet under an item in the record: its latest check, pointing to the Checks section."""
    current = state.item(key).check
    if current is None or current.id in state.undone:
        return []
    return [f"  - {md_line(result_line(current))} (output under Checks)"]


def checks_markdown(state: RunState) -> Iterator[str]:
    """`## Checks`: per item, a table of every run (oldest first), its command, and the output of each run that did
    not pass and of the latest, folded away in <details>. A monitoring check's thirty passes are thirty rows, not
    thirty pages; the JSON record keeps every output whole. Line by line, each run read as it is written."""
    from heypeter_tui.core.item_log import Picked, item_log

    found = item_log(state)
    if not found.all_checks():
        return
    from heypeter_tui.core.checks import PASSED, checks_of
    from heypeter_tui.core.record_text import md_row
    from heypeter_tui.core.trust import content_digest

    commands = len(checks_of(state.checklist))
    yield from ["## Checks", "", f"- **Check commands:** {commands}, content sha256 "
                f"{content_digest(state.checklist)} (what `heypeter-tui trust` shows and trusts)", ""]
    items = state.checklist.items_by_key
    with_runs = [(key, found.checks(key)) for key in items if found.checks(key)]
    for key, positions in sorted(with_runs, key=lambda pair: pair[1][0]):  # by each item's first run
        runs = Picked(state.events, positions)
        latest = runs[-1]
        tallies = dict.fromkeys(("passed", "failed", "timed out", "cancelled"), 0)
        for run in runs:
            if run.get("outcome") in tallies:
                tallies[run.get("outcome")] += 1
        tally = ", ".join(f"{number} {outcome}" for outcome, number in tallies.items() if number)
        yield from [f"### {md_line(items[key][1].text)}", "", f"{len(runs)} run{'s' if len(runs) > 1 else ''}: {tally}",
                    "", "| Time (UTC) | Result | Took | Host | Who |", "|---|---|---|---|---|"]
        for run in runs:
            yield md_row([when(run.ts), outcome_line(run), duration_text(run.get("duration_ms") or 0),
                          str(run.get("host") or "?"), who(run.actor)])
        yield from ["", *_fenced(visible(str(latest.get("command", ""))), "sh"), ""]
        for at, run in zip(positions, runs):
            if run.get("outcome") != PASSED or at == positions[-1]:
                yield from _run_output(run, latest)


def _run_output(run: Event, latest: Event) -> list[str]:
    size, output = run.get("output_bytes") or 0, clean(str(run.get("output") or ""))
    kept = f", the last {OUTPUT_KEPT // 1024} KiB kept" if size > OUTPUT_KEPT else ""
    lines = [f"#### {md_line(when(run.ts))}: {md_line(outcome_line(run))}", "", f"- Output: {size:,} bytes{kept}", ""]
    if run.get("command") != latest.get("command"):  # another command than the item's latest: shown, as it ran
        lines += ["- Its command:", "", *_fenced(visible(str(run.get("command", ""))), "sh"), ""]
    if output:
        lines += ["<details><summary>Output</summary>", "", *_fenced(output, "text"), "", "</details>", ""]
    return lines


def _fenced(text: str, info: str) -> list[str]:
    """`text` in a fenced code block no line of it can close: a fence longer than its longest backtick run."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return [f"{fence}{info}", *text.rstrip("\n").split("\n"), fence]
