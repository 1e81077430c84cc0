"""How the record writes people, times and events, and how it puts any text into Markdown.

Shared by the record's detail (core/report.py) and its first screen (core/record_summary.py): one way
of saying who and when, and one escaping rule, wherever a text lands.
"""

from __future__ import annotations

import re
from datetime import timezone

from heypeter_tui.core.clock import parse_iso
from heypeter_tui.core.durations import format_duration
from heypeter_tui.core.events import Actor, Event
from heypeter_tui.core.run import LABELS, RunState, event_positions
from heypeter_tui.core.text import clean_line


def describe(state: RunState, event: Event) -> str:
    """One line saying what an event did, for timelines and notifications."""
    items = state.checklist.items_by_key
    kind = event.type

    def item_text() -> str:
        entry = items.get(str(event.get("item", "")))
        return entry[1].text if entry else str(event.get("item", "?"))

    if kind == "run.created":
        return f"created run '{event.get('title', '')}' from checklist {event.get('checklist', '')}"
    if kind == "item.status":
        reason = f" ({event.get('reason')})" if event.get("reason") else ""
        override = f" [override while NO-GO: {event.get('override')}]" if event.get("override") else ""
        return f"{item_text()}: {LABELS.get(event.get('status'), event.get('status'))}{reason}{override}"
    if kind == "item.note":
        return f"note on {item_text()}: {event.get('text', '')}"
    if kind == "item.check":
        from heypeter_tui.core.checks import duration_text, outcome_line, visible

        took = duration_text(event.get("duration_ms") or 0)
        first, *more = visible(str(event.get("command", ""))).split("\n")  # one line: never a joined script
        rest = f" (and {len(more)} more line{'s' if len(more) > 1 else ''})" if more else ""
        return f"{item_text()}: {outcome_line(event)} in {took} on {event.get('host') or '?'}: {first}{rest}"
    if kind == "signoff.sign":
        if event.get("ssh_signature"):  # which key, and whether it stands: three key signatures told apart
            from heypeter_tui.core.run import misplaced
            from heypeter_tui.core.ssh_signatures import signature_fingerprint

            key = signature_fingerprint(event.get("ssh_signature")) or "an unreadable signature"
            stands = ", not counted: signed for another place in the chain" if misplaced(event) else ""
            return f"{event.get('role')} signed by {event.get('name')} with key {key}{stands}"
        return f"{event.get('role')} signed by {event.get('name')}"
    if kind == "chain.acknowledge":
        return f"broken link at line {event.get('line')} acknowledged: {event.get('reason', '')}"
    if kind == "signoff.revoke":
        return f"{event.get('role')} sign-off revoked: {event.get('reason', '')}"
    if kind == "contact.set":
        parts = [event.get(k) for k in ("name", "phone", "email") if event.get(k)]
        return f"contact {event.get('role')}: {' / '.join(map(str, parts)) or 'cleared'}"
    if kind == "run.t0":
        return f"T-0 set to {when(str(event.get('t0')))}"
    if kind == "run.renamed":
        return f"run renamed '{event.get('title', '')}'"
    if kind == "timer.start":
        return f"timer started: {item_text()}"
    if kind == "timer.stop":
        return f"timer stopped: {item_text()}"
    if kind == "undo":  # never recursive: an undo of an undo (or of itself, or of a later line) changes nothing
        positions = event_positions(state)
        target_at, own_at = positions.get(str(event.get("target"))), positions.get(event.id)
        target = state.events[target_at] if target_at is not None else None
        if target is None or own_at is None or target_at >= own_at or target.type == "undo":
            return "undid nothing (no earlier change of that id)"
        return f"undid: {describe(state, target)}"
    return kind


def who(actor: Actor) -> str:
    where = f"{actor.user}@{actor.host}"
    return f"{actor.operator} ({where})" if actor.operator != actor.user else where


def when(ts: str) -> str:
    try:  # a time written with another offset (+14:00) is still shown in UTC, as labelled
        return parse_iso(ts).astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
    except ValueError:
        return ts


def offset(seconds: int) -> str:
    """`T-2h`, `T+30m`, and `T-0` at T-0 itself (`T0m` read as no offset, and imported back as a title)."""
    return f"T{format_duration(seconds, signed=True)}" if seconds else "T-0"


def md_line(text: object) -> str:
    """User text inside a line of Markdown: one line, every character that would be markup escaped."""
    return escape_markdown(clean_line(str(text)))


def md_block_line(text: str) -> str:
    """A further line of a note: also nothing that would open a block (a list, heading, quote, rule)."""
    text = md_line(text.strip())
    if re.match(r"[-+#=]|\d{1,9}[.)]", text):
        at = re.match(r"\d*", text).end()  # type: ignore[union-attr]
        text = f"{text[:at]}\\{text[at:]}"
    return text


_MARKDOWN_SPECIAL = r"([\\`*_\[\]<>|~])|&(?=#?\w+;)"


def escape_markdown(text: str) -> str:
    """CommonMark's backslash escape on each character that means something inline (and `&` before an
    entity): the text renders as typed, and the importer (core/markdown.py) reads it back the same."""
    return re.sub(_MARKDOWN_SPECIAL, lambda m: "\\" + m[0], text)


def md_row(cells: list[str]) -> str:
    return "| " + " | ".join(md_line(cell) for cell in cells) + " |"
