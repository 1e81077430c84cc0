"""The `<!-- id: x; optional -->` comments that carry what Markdown cannot say: ids and flags.

The record writes them (core/report.py, with `export --ids`) and the importer reads them (core/markdown.py),
so the record imports back to the very checklist. Both sides live here: a field written is a field read.
"""

from __future__ import annotations

import re

from heypeter_tui.core.checklist import Group, Item
from heypeter_tui.core.durations import format_duration

_ATTRIBUTES = re.compile(r"\s*(?<!\\)<!--\s*(?P<body>.*?)\s*-->\s*")  # `\<!--` is text, not a comment


def comment(attributes: list[str]) -> str:
    return f" <!-- {'; '.join(attributes)} -->"


def group_attributes(group: Group) -> list[str]:
    return [f"id: {group.id}"] + (["gated"] if group.gated else [])


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
    return attributes


def split_attributes(text: str) -> tuple[str, dict[str, str]]:
    """`Text <!-- id: x; optional -->` -> ("Text", {"id": "x", "optional": ""}); the text as written (Markdown
    escapes and all: the importer undoes them)."""
    attributes: dict[str, str] = {}

    def take(match: re.Match[str]) -> str:
        for part in re.split(r"[;,]", match.group("body")):
            key, _, value = part.partition(":")
            if key.strip():
                attributes[key.strip().lower()] = value.strip()
        return " "

    return _ATTRIBUTES.sub(take, text).strip(), attributes
