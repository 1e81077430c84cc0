"""The `<!-- id: x; optional; owner: QA Lead -->` comments that carry what Markdown cannot say: ids, flags, owners.

The record writes them (core/report.py, with `export --ids`) and the importer reads them (core/markdown.py),
so the record imports back to the very checklist. Both sides live here: a field written is a field read.
An owner is free text: the characters that would end the comment or split it are written as %XX.

The safeguards travel too, each beside what it guards:
- the title: `# Title <!-- id: x; digest: <sha256>; allowed_signers: L1 L2; revoked_keys: K1 -->`, each line of a
  list %-encoded (its spaces as %20) and the lines space-separated. `digest` is the checklist's own (its schema-1
  form but its contacts, which a run may fill): the importer gives the file the checklist's id only when what it
  read back has that digest, else a new id (`x-<8 hex>`): never the same id with weaker safeguards.
- a sign-off role, in its cell of the Sign-offs table: `| QA Lead <!-- principals: qa@x; require_signature -->`,
  every key of the role as the checklist's schema-1 form has it (a list: values space-separated; true: a flag).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import unquote

from heypeter_tui.core.checklist import Checklist, Group, Item
from heypeter_tui.core.durations import format_duration
from heypeter_tui.core.text import clean_line

_SPECIAL = re.compile(r"[%;,<>|]")  # `;` and `,` split attributes, `>` could end the comment, `<` open another,
# `|` end a table cell
_LIST_SPECIAL = re.compile(r"[%;,<>|\s]")  # and in a list, the space that separates its values
_COMMENT = re.compile(r"<!--(?P<body>.*?)-->", re.DOTALL)
_KEY = re.compile(r"[a-z][a-z_]{0,40}")


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


def checklist_digest(checklist: Checklist) -> str:
    """The sha256 of the checklist's schema-1 form without its contacts (a run may fill them): what a record's
    comments must import back to for the record to keep the checklist's id."""
    data = {key: value for key, value in checklist.to_dict().items() if key != "contacts"}
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def checklist_attributes(checklist: Checklist) -> list[str]:
    """The title's comment: the checklist's id, its digest, and the keys that may sign and that never count."""
    attributes = [f"id: {checklist.id}", f"digest: {checklist_digest(checklist)}"]
    for key, values in (("allowed_signers", checklist.allowed_signers), ("revoked_keys", checklist.revoked_keys)):
        if values:
            attributes.append(f"{key}: {_listed(values)}")
    return attributes


def role_comment(checklist: Checklist, role: str) -> str:
    """` <!-- principals: a@x b@x; require_signature -->` for a role's cell; "" for a role with nothing to carry."""
    data = next((entry for entry in checklist.to_dict().get("signoffs", [])
                 if isinstance(entry, dict) and entry.get("role") == role), None)
    if data is None:
        return ""
    attributes = []
    for key, value in data.items():
        if key == "role":
            continue
        if value is True:
            attributes.append(key)
        elif isinstance(value, list | tuple):
            attributes.append(f"{key}: {_listed(value)}")
        elif isinstance(value, str):
            attributes.append(f"{key}: {_listed([value])}")
    return comment(attributes) if attributes else ""


def _listed(values: Sequence[Any]) -> str:
    return " ".join(_LIST_SPECIAL.sub(lambda match: f"%{ord(match[0]):02X}", clean_line(str(v))) for v in values)


def comment_lists(bodies: Sequence[str]) -> dict[str, list[str] | None]:
    """The comments' keys as lists of values (None for a flag): the reading of `_listed` and of flags.
    `bodies`: the raw text of each HTML comment (markdown-it's html_inline tokens)."""
    found: dict[str, list[str] | None] = {}
    for raw in bodies:
        for body in _COMMENT.findall(raw):
            for part in re.split(r"[;,]", body):
                key, colon, value = part.partition(":")
                key = key.strip().lower()
                if _KEY.fullmatch(key):
                    found[key] = [unquote(v) for v in value.split()] if colon else None
    return found
