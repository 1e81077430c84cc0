"""The `<!-- id: x; optional; owner: QA Lead -->` comments that carry what Markdown cannot say: ids, flags, owners.

The record writes them (core/report.py, with `export --ids`) and the importer reads them (core/markdown.py),
so the record imports back to the very checklist. Both sides live here: a field written is a field read.
An owner is free text: the characters that would end the comment or split it are written as %XX.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from heypeter_tui.core.checklist import Group, Item
from heypeter_tui.core.durations import format_duration
from heypeter_tui.core.text import clean_line

_SPECIAL = re.compile(r"[%;,<>]")  # `;` and `,` split attributes, `>` could end the comment, `<` open another


def comment(attributes: list[str]) -> str:
    return f" <!-- {'; '.join(attributes)} -->"


def group_attributes(group: Group) -> list[str]:
    return [f"id: {group.id}"] + (["gated"] if group.gated else []) + _owner(group.owner)


def item_attributes(item: Item) -> list[str]:
    attributes = [f"id: {item.id}"]
    if item.optional:
        attributes.append("optional")
    if item.opens:
        attributes.append(f"opens: {item.opens}")
    if item.closes:
        attributes.append(f"closes: {item.closes}")
    if item.timer:
        attributes.append(f"timer: {format_duration(item.timer)}")
    return attributes + _owner(item.owner)


def _owner(owner: str | None) -> list[str]:
    """As written (not inherited), on one line: a log's checklist is not cleaned, and may hold anything."""
    value = clean_line(owner or "").strip()
    return [f"owner: {_SPECIAL.sub(lambda match: f'%{ord(match[0]):02X}', value)}"] if value else []


def parse_attributes(body: str) -> dict[str, str]:
    """`id: x; optional; owner: QA%3B Ops` -> {"id": "x", "optional": "", "owner": "QA; Ops"}."""
    attributes: dict[str, str] = {}
    for part in re.split(r"[;,]", body):
        key, _, value = part.partition(":")
        if key.strip():
            attributes[key.strip().lower()] = unquote(value.strip())  # ids and durations hold no %
    return attributes
