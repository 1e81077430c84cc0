"""A checklist: readiness sections, deployment-day phases, sign-off roles, contact roles.

Frozen data, built by the loader from a file and carried whole inside each run's log.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property

from heypeter_tui.core.durations import format_duration

TYPE_CHECKING = False  # typing is not imported at run time: `status` starts without it
if TYPE_CHECKING:
    from typing import Any

SCHEMA_VERSION = 1


class GroupKind(StrEnum):
    SECTION = "section"
    PHASE = "phase"


@dataclass(frozen=True)
class Item:
    """An item to tick, as the checklist states it."""

    id: str
    text: str
    optional: bool = False
    opens: str | None = None
    closes: str | None = None
    timer: int | None = None
    """Seconds the item's timer runs ("Monitor for 30 minutes"), if it has one."""


@dataclass(frozen=True)
class Group:
    """A readiness section or a deployment-day phase."""

    id: str
    title: str
    kind: GroupKind
    items: tuple[Item, ...]
    due: int | None = None
    """Seconds relative to the run's T-0 (negative: before)."""
    gated: bool = False
    """Ticking its items while the gate says NO-GO needs an override reason (phases only)."""

    def key(self, item: Item) -> str:
        return item_key(self.id, item.id)


@dataclass(frozen=True)
class ContactRole:
    """An emergency-contact role, maybe with the checklist's own name and numbers."""

    role: str
    name: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class Checklist:
    """A whole checklist: readiness sections, deployment-day phases, sign-off and contact roles."""

    id: str
    title: str
    sections: tuple[Group, ...]
    product: str = ""
    phases: tuple[Group, ...] = ()
    signoffs: tuple[str, ...] = ()
    contacts: tuple[ContactRole, ...] = field(default=())

    @property
    def groups(self) -> tuple[Group, ...]:
        return self.sections + self.phases

    @cached_property
    def items_by_key(self) -> dict[str, tuple[Group, Item]]:
        return {group.key(item): (group, item) for group in self.groups for item in group.items}

    @cached_property
    def readiness_keys(self) -> frozenset[str]:
        return frozenset(section.key(item) for section in self.sections for item in section.items)

    @property
    def item_count(self) -> int:
        return len(self.items_by_key)

    def group(self, group_id: str) -> Group:
        for group in self.groups:
            if group.id == group_id:
                return group
        raise KeyError(group_id)

    def to_dict(self) -> dict[str, Any]:
        """Schema 1 in its full form (every id explicit): what a run's log carries."""
        data: dict[str, Any] = {"schema": SCHEMA_VERSION, "id": self.id, "title": self.title}
        if self.product:
            data["product"] = self.product
        data["sections"] = [_group_to_dict(group) for group in self.sections]
        if self.phases:
            data["phases"] = [_group_to_dict(group) for group in self.phases]
        if self.signoffs:
            data["signoffs"] = list(self.signoffs)
        if self.contacts:
            data["contacts"] = [
                {k: v for k, v in vars(contact).items() if v} for contact in self.contacts
            ]
        return data


def item_key(group_id: str, item_id: str) -> str:
    """The key that names an item in a run's log: `section-id/item-id`."""
    return f"{group_id}/{item_id}"


def _group_to_dict(group: Group) -> dict[str, Any]:
    data: dict[str, Any] = {"id": group.id, "title": group.title}
    if group.due is not None:
        data["due"] = format_duration(group.due, signed=True)
    if group.gated:
        data["gated"] = True
    data["items"] = [_item_to_dict(item) for item in group.items]
    return data


def _item_to_dict(item: Item) -> dict[str, Any]:
    data: dict[str, Any] = {"id": item.id, "text": item.text}
    if item.optional:
        data["optional"] = True
    if item.opens:
        data["opens"] = item.opens
    if item.closes:
        data["closes"] = item.closes
    if item.timer is not None:
        data["timer"] = format_duration(item.timer)
    return data


def checklist_from_dict(data: dict[str, Any]) -> Checklist:
    """The full form `to_dict` wrote (into a run's log) back into a Checklist.

    Raises KeyError, TypeError or ValueError on a damaged record; the store names the line.
    """
    from heypeter_tui.core.durations import parse_duration

    def group(raw: dict[str, Any], kind: GroupKind) -> Group:
        due = raw.get("due")
        items = tuple(
            Item(
                str(entry["id"]),
                str(entry["text"]),
                bool(entry.get("optional", False)),
                entry.get("opens"),
                entry.get("closes"),
                parse_duration(entry["timer"]) if entry.get("timer") else None,
            )
            for entry in raw["items"]
        )
        return Group(
            str(raw["id"]), str(raw["title"]), kind, items, parse_duration(due) if due else None, bool(raw.get("gated"))
        )

    return Checklist(
        id=str(data["id"]),
        title=str(data["title"]),
        product=str(data.get("product", "")),
        sections=tuple(group(raw, GroupKind.SECTION) for raw in data["sections"]),
        phases=tuple(group(raw, GroupKind.PHASE) for raw in data.get("phases", ())),
        signoffs=tuple(str(role) for role in data.get("signoffs", ())),
        contacts=tuple(ContactRole(**{k: str(v) for k, v in raw.items()}) for raw in data.get("contacts", ())),
    )
