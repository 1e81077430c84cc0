"""A checklist: readiness sections, deployment-day phases, sign-off roles, contact roles.

Frozen data, built by the loader from a file and carried whole inside each run's log.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property

from heypeter_tui.core.checks import Check
from heypeter_tui.core.durations import format_duration
from heypeter_tui.core.ids import MAX_ID, is_identifier

TYPE_CHECKING = False  # typing is not imported at run time: `status` starts without it
if TYPE_CHECKING:
    from typing import Any

SCHEMA_VERSION = 1
MAX_TEXT = 4000
"""An item's text, a title or a role: a checklist is read by people, not used as a data store."""
MAX_DUE_SECONDS = 366 * 86400
MAX_TIMER_SECONDS = 31 * 86400
MAX_OWNER = 200
"""An owner (a sign-off role or a person's name) is shown on one line beside each item: longer is a mistake."""


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
    owner: str | None = None
    """Who answers for it, as written on the item; `owner_of` adds what it inherits from its group."""
    check: Check | None = None
    """The command that checks it (core/checks.py), if it has one."""


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
    owner: str | None = None
    """Who answers for its items that name no owner of their own."""

    def key(self, item: Item) -> str:
        return item_key(self.id, item.id)


@dataclass(frozen=True)
class ContactRole:
    """An emergency-contact role, maybe with the checklist's own name and numbers."""

    role: str
    name: str = ""
    phone: str = ""
    email: str = ""


MAX_PRINCIPAL = 200
"""A principal of an allowed_signers file (`sec@heypeter.example`, `*@heypeter.example`)."""


@dataclass(frozen=True)
class Signers:
    """A sign-off role's own rule: the principals of an allowed_signers file who may sign it with an SSH key, whether
    the role holds the gate NO-GO until a signature by one of them verifies (`require_signature`), and what it vouches
    for (`covers`)."""

    role: str
    principals: tuple[str, ...] = ()
    required: bool = False
    covers: tuple[str, ...] = ()
    """The ids of the sections and phases its sign-off vouches for: only a change there makes it stale. Empty: every
    readiness section, as a role without `covers:` always has."""


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
    signers: tuple[Signers, ...] = ()
    """Who may sign a role with an SSH key, and whether its sign-off counts only so signed."""
    allowed_signers: tuple[str, ...] = ()
    """The keys that may sign, as OpenSSH's allowed_signers lines (core/signer_lines.py): carried in the run, so
    every reader verifies a key signature against the same keys."""
    revoked_keys: tuple[str, ...] = ()
    """Keys whose signatures never count: `SHA256:` fingerprints or public key lines."""

    def signers_of(self, role: str) -> Signers | None:
        return next((rule for rule in self.signers if rule.role == role), None)

    def covered_groups(self, role: str) -> tuple[Group, ...]:
        """The sections and phases `role`'s sign-off vouches for, in checklist order: its `covers:`, else every
        readiness section (a sign-off vouches for all readiness unless its checklist narrows it)."""
        rule = self.signers_of(role)
        if rule is None or not rule.covers:
            return self.sections
        return tuple(group for group in self.groups if group.id in rule.covers)

    def covers_text(self, role: str) -> str:
        """What `role` vouches for, in one line: `all readiness`, or the titles of its sections and phases."""
        rule = self.signers_of(role)
        if rule is None or not rule.covers:
            return "all readiness"
        return ", ".join(group.title for group in self.covered_groups(role))

    def latest_change_text(self, role: str) -> str:
        """What a stale sign-off was signed before: `the latest readiness change`, or `the latest change to Code
        Readiness, Security Review` for a role that covers those."""
        rule = self.signers_of(role)
        return f"the latest change to {self.covers_text(role)}" if rule and rule.covers else \
            "the latest readiness change"

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

    def _signoff_to_dict(self, role: str) -> str | dict[str, Any]:
        rule = self.signers_of(role)
        if rule is None:
            return role
        data: dict[str, Any] = {"role": role}
        if rule.principals or rule.required:
            data["principals"] = list(rule.principals)
        if rule.required:
            data["require_signature"] = True
        if rule.covers:
            data["covers"] = list(rule.covers)
        return data

    def to_dict(self) -> dict[str, Any]:
        """Schema 1 in its full form (every id explicit): what a run's log carries."""
        data: dict[str, Any] = {"schema": SCHEMA_VERSION, "id": self.id, "title": self.title}
        if self.product:
            data["product"] = self.product
        data["sections"] = [_group_to_dict(group) for group in self.sections]
        if self.phases:
            data["phases"] = [_group_to_dict(group) for group in self.phases]
        if self.signoffs:
            data["signoffs"] = [self._signoff_to_dict(role) for role in self.signoffs]
        if self.contacts:
            data["contacts"] = [
                {k: v for k, v in vars(contact).items() if v} for contact in self.contacts
            ]
        if self.allowed_signers:
            data["allowed_signers"] = list(self.allowed_signers)
        if self.revoked_keys:
            data["revoked_keys"] = list(self.revoked_keys)
        return data


def item_key(group_id: str, item_id: str) -> str:
    """The key that names an item in a run's log: `section-id/item-id`."""
    return f"{group_id}/{item_id}"


def owner_of(group: Group, item: Item) -> str | None:
    """The item's owner, else its group's, else None.

    Resolved here rather than stored on each item: a checklist keeps what its file says, so the run's log
    (`to_dict`) carries a section's owner once, and reads back to the very checklist it was written from.
    """
    return item.owner or group.owner


def _group_to_dict(group: Group) -> dict[str, Any]:
    data: dict[str, Any] = {"id": group.id, "title": group.title}
    if group.owner:
        data["owner"] = group.owner
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
    if item.owner:
        data["owner"] = item.owner
    if item.check is not None:
        data["check"] = item.check.to_dict()
    return data


def checklist_from_dict(data: object) -> Checklist:
    """The full form `to_dict` wrote (into a run's log) back into a Checklist, checked as strictly as
    the loader checks a file: any writer may have put anything in a log.

    Raises ValueError naming what is wrong; the fold turns it into "not a readable run".
    """
    from heypeter_tui.core.durations import parse_duration

    def text(raw: object, what: str, limit: int = MAX_TEXT) -> str:
        if not isinstance(raw, str) or not raw.strip() or len(raw) > limit:
            raise ValueError(f"{what} must be text of 1 to {limit:,} characters")
        return raw

    def identifier(raw: object, what: str) -> str:
        value = text(raw, what, MAX_ID)
        if not is_identifier(value):
            raise ValueError(f"{what} {value[:40]!r} is not an id")
        return value

    def mapping(raw: object, what: str) -> dict[str, Any]:
        if not isinstance(raw, dict):
            raise ValueError(f"{what} must be a mapping")
        return raw

    def listing(raw: object, what: str) -> list[Any]:
        if not isinstance(raw, list):
            raise ValueError(f"{what} must be a list")
        return raw

    def seconds(raw: object, what: str, low: int, high: int) -> int:
        value = parse_duration(text(raw, what, 40))
        if not low <= value <= high:
            raise ValueError(f"{what} {raw!r} is out of range")
        return value

    def owner(entry: dict[str, Any]) -> str | None:
        return text(entry["owner"], "owner", MAX_OWNER) if entry.get("owner") is not None else None

    def check(raw: object) -> Check | None:
        if raw is None:  # before the import: this runs once per item (5,000 items: 10 ms of imports that do nothing)
            return None
        from heypeter_tui.core.checks import MAX_EVERY, MAX_TIMEOUT, MIN_EVERY, MIN_TIMEOUT, command_problem

        entry = mapping(raw, "a check")
        command = entry.get("run")
        problem = command_problem(command) if isinstance(command, str) else "must be text"
        if problem:
            raise ValueError(f"a check's command {problem}")
        every = entry.get("every")
        return Check(command, seconds(entry.get("timeout", "60s"), "timeout", MIN_TIMEOUT, MAX_TIMEOUT),
                     seconds(every, "every", MIN_EVERY, MAX_EVERY) if every is not None else None)

    def item(raw: object) -> Item:
        entry = mapping(raw, "an item")
        found = check(entry.get("check"))
        if found is not None and found.every is not None and entry.get("timer") is None:
            raise ValueError("a check that repeats (every) needs its item's timer")
        return Item(
            identifier(entry.get("id"), "item id"),
            text(entry.get("text"), "item text"),
            entry.get("optional", False) is True,
            identifier(entry["opens"], "opens") if entry.get("opens") is not None else None,
            identifier(entry["closes"], "closes") if entry.get("closes") is not None else None,
            seconds(entry["timer"], "timer", 1, MAX_TIMER_SECONDS) if entry.get("timer") is not None else None,
            owner(entry),
            found,
        )

    def group(raw: object, kind: GroupKind) -> Group:
        entry = mapping(raw, f"a {kind.value}")
        due = entry.get("due")
        items = tuple(item(each) for each in listing(entry.get("items"), "items"))
        if len({each.id for each in items}) != len(items):
            raise ValueError(f"{kind.value} {entry.get('id')!r} holds an item id twice")
        return Group(
            identifier(entry.get("id"), f"{kind.value} id"),
            text(entry.get("title"), f"{kind.value} title"),
            kind,
            items,
            seconds(due, "due", -MAX_DUE_SECONDS, MAX_DUE_SECONDS) if due is not None else None,
            entry.get("gated", False) is True,
            owner(entry),
        )

    def principal(raw: object) -> str:
        value = text(raw, "a principal", MAX_PRINCIPAL)
        if any(ch.isspace() for ch in value):
            raise ValueError(f"a principal is one word, as in allowed_signers: {value[:60]!r}")
        return value

    def contact(raw: object) -> ContactRole:
        entry = mapping(raw, "a contact")
        fields = {key: entry.get(key) or "" for key in ("name", "phone", "email")}
        details = {k: text(v, k) if v else "" for k, v in fields.items()}
        return ContactRole(text(entry.get("role"), "contact role"), **details)

    def signers(raw: dict[str, Any]) -> Signers:
        principals = tuple(principal(p) for p in listing(raw.get("principals", []), "principals"))
        covers = tuple(identifier(each, "covers") for each in listing(raw.get("covers", []), "covers"))
        if "covers" in raw and not covers:
            raise ValueError("covers names at least one section or phase")
        return Signers(text(raw.get("role"), "sign-off role"), principals, raw.get("require_signature") is True,
                       covers)

    data = mapping(data, "the checklist")
    sections = tuple(group(raw, GroupKind.SECTION) for raw in listing(data.get("sections"), "sections"))
    phases = tuple(group(raw, GroupKind.PHASE) for raw in listing(data.get("phases", []), "phases"))
    if not sections:
        raise ValueError("a checklist needs at least one section")
    if len({each.id for each in sections + phases}) != len(sections + phases):
        raise ValueError("a group id is used twice")
    group_ids = {each.id for each in sections + phases}
    product = data.get("product")
    checklist = Checklist(
        id=identifier(data.get("id"), "checklist id"),
        title=text(data.get("title"), "checklist title"),
        product=text(product, "product") if product else "",
        sections=sections,
        phases=phases,
        signoffs=tuple(text(role.get("role") if isinstance(role, dict) else role, "sign-off role")
                       for role in listing(data.get("signoffs", []), "signoffs")),
        contacts=tuple(contact(raw) for raw in listing(data.get("contacts", []), "contacts")),
        signers=tuple(signers(raw) for raw in listing(data.get("signoffs", []), "signoffs") if isinstance(raw, dict)
                      and ("principals" in raw or raw.get("require_signature") or "covers" in raw)),
        allowed_signers=key_lines(data, "allowed_signers"),
        revoked_keys=key_lines(data, "revoked_keys"),
    )
    for rule in checklist.signers:
        unknown = [each for each in rule.covers if each not in group_ids]
        if unknown:
            raise ValueError(f"{rule.role[:60]!r} covers {unknown[0]!r}, which is no section or phase")
    return checklist


def key_lines(data: dict[str, Any], key: str) -> tuple[str, ...]:
    """`allowed_signers:` or `revoked_keys:` as a run carries them, checked (core/signer_lines.py, loaded only for a
    checklist that names keys: every `status` folds a run.created)."""
    if key not in data:
        return ()
    from heypeter_tui.core import signer_lines as lines

    check = lines.allowed_signer if key == "allowed_signers" else lines.revoked_key
    return lines.checked_lines(data[key], key, check)
