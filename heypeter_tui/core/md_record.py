"""A record exported with `--ids`, read back: its safeguards from its comments, and its checklist's id only when whole.

The record carries what guards a run in HTML comments (core/record_attributes.py): the keys that may sign and those
revoked on its title, each sign-off role's principals, require_signature (and any other key of the role) in the role's
cell. They are put back here. The title's `digest:` is the checklist's own: the id is kept only when the checklist
read back has that digest. Otherwise (a record written before the safeguards travelled, one edited by hand, or a
checklist with what a record never carries, such as checks) the import gets a new id, `<id>-<8 hex of its own
digest>`: two checklists of one id with different safeguards would let a run pick the weaker one unseen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from heypeter_tui.core.checklist import checklist_from_dict
from heypeter_tui.core.ids import MAX_ID
from heypeter_tui.core.record_attributes import checklist_digest

Lists = dict[str, list[str] | None]


@dataclass(frozen=True)
class Renamed:
    """The id a record named, the one it was imported under instead, and why."""

    stated: str
    given: str
    why: str


def with_safeguards(data: dict[str, Any], title: Lists, roles: dict[str, Lists]) -> None:
    """Puts the title's signer lines and each role's keys (as lists, or true for a flag) into `data`."""
    for key in ("allowed_signers", "revoked_keys"):
        if title.get(key):
            data[key] = title[key]
    if not data.get("signoffs"):
        return
    signoffs = []
    for role in data["signoffs"]:
        rule = roles.get(role.casefold()) or {}
        signoffs.append({"role": role, **{key: True if value is None else value for key, value in rule.items()}}
                        if rule else role)
    data["signoffs"] = signoffs


def checked_id(data: dict[str, Any], title: Lists, record_of: str) -> Renamed | None:
    """Where the file is a record (its title states a digest, or its Run details name the checklist it ran) and
    what it imports to is not that checklist whole: gives `data` a new id and says why. Else None."""
    stated = str(data["id"])
    digests = title.get("digest") or []
    if not digests and record_of != stated:
        return None  # not a record of this checklist: a file's own `<!-- id: x -->` is its word
    try:
        actual = checklist_digest(checklist_from_dict(data))
    except (ValueError, TypeError):
        return None  # not valid: the loader says why, naming the line
    if digests and digests[0] == actual:
        return None
    given = f"{stated[:MAX_ID - 9]}-{actual[:8]}"
    why = ("the record was written before its comments carried the checklist's safeguards (principals, "
           "require_signature, allowed_signers)" if not digests else
           "what its comments give is not the checklist it was exported from (another digest: edited, or a "
           "checklist with what a record does not carry, such as checks)")
    data["id"] = given
    return Renamed(stated, given, why)
