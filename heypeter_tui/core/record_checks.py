"""Checks in the record: each run of an item's check with its result, and its output in a collapsible block.

The output is the command's, so it is data twice over: cleaned of escapes when it was recorded, cleaned again
here (any writer may have put anything in the log), and fenced with more backticks than it holds anywhere, so
no line of it can close the fence, open HTML or make a task the importer would read as an item.
"""

from __future__ import annotations

import re
from typing import Any

from heypeter_tui.core import events as ev
from heypeter_tui.core.checks import OUTPUT_KEPT, duration_text, outcome_line, visible
from heypeter_tui.core.events import Event
from heypeter_tui.core.record_text import md_line, when, who
from heypeter_tui.core.run import RunState
from heypeter_tui.core.text import clean


def check_events(state: RunState, key: str | None = None) -> list[Event]:
    """Every check that counts (not undone), oldest first; of one item where `key` is given."""
    return [event for event in state.events if event.type == ev.ITEM_CHECK and event.id not in state.undone
            and (key is None or event.get("item") == key) and event.get("item") in state.checklist.items_by_key]


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


def checks_markdown(state: RunState) -> list[str]:
    """`## Checks`: per item, a table of every run (oldest first), its command, and the output of each run that did
    not pass and of the latest, folded away in <details>. A monitoring check's thirty passes are thirty rows, not
    thirty pages; the JSON record keeps every output whole."""
    events = check_events(state)
    if not events:
        return []
    from heypeter_tui.core.checks import PASSED, checks_of
    from heypeter_tui.core.record_text import md_row
    from heypeter_tui.core.trust import content_digest

    commands = len(checks_of(state.checklist))
    lines = ["## Checks", "", f"- **Check commands:** {commands}, content sha256 {content_digest(state.checklist)} "
             "(what `heypeter-tui trust` shows and trusts)", ""]
    items = state.checklist.items_by_key
    by_item: dict[str, list[Event]] = {}
    for event in events:
        by_item.setdefault(str(event.get("item")), []).append(event)
    for key, runs in by_item.items():
        latest = runs[-1]
        tally = ", ".join(f"{sum(run.get('outcome') == outcome for run in runs)} {outcome}" for outcome in
                          ("passed", "failed", "timed out", "cancelled") if any(run.get("outcome") == outcome
                                                                                for run in runs))
        lines += [f"### {md_line(items[key][1].text)}", "", f"{len(runs)} run{'s' if len(runs) > 1 else ''}: {tally}",
                  "", "| Time (UTC) | Result | Took | Host | Who |", "|---|---|---|---|---|"]
        lines += [md_row([when(run.ts), outcome_line(run), duration_text(run.get("duration_ms") or 0),
                          str(run.get("host") or "?"), who(run.actor)]) for run in runs]
        lines += ["", *_fenced(visible(str(latest.get("command", ""))), "sh"), ""]
        for run in runs:
            if run.get("outcome") != PASSED or run is latest:
                lines += _run_output(run, latest)
    return lines


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
