"""The groups and items read from Markdown -> schema-1 data: ids, kinds, and the safeguards the text implies.

Each rule is general (no rule names a file) and each inference is listed by `import-md` for review:

- Ids: every group and item gets one, its text's slug (core/ids.py), made unique within its checklist (groups) or
  group (items) by `-2`, `-3`…; an explicit `<!-- id: x -->` wins. The same file gives the same ids every time.
- A window: an item that turns a mode on (`Enable maintenance mode`, `Turn on read-only mode`, `Put the site into
  maintenance mode`, `Maintenance mode enabled`) and a later one that turns the same mode off open and close the
  window named after the mode (`maintenance`, `read-only`; `-2` for a second pair). The verb starts the item and
  the mode ends its phrase, so `Update maintenance mode docs` or `Document how to enable maintenance mode` are
  no window; an opening with no later closing is none either.
- A timer: `monitor`, `watch`, `observe`, `soak`, `bake` … `for N minutes|hours|seconds`, and `wait|hold|pause
  (for) N …`. Days are no timer (a follow-up, not something watched on the dashboard); `within 30 minutes` and
  `every 15 minutes` are not durations to wait out.
- Gated: a deployment-day phase whose own title names making the change (during, execution, deploy…, cutover,
  rollout, migration, go-live, launch, release, upgrade, install) or that is due at T-0 exactly, unless its title
  names what comes before or after it (pre-, post-, before, after, preparation, verification, validation,
  monitoring, smoke, final, communication…) or a rollback, which must never wait on an override.
- Optional, only from a group's title or a heading above it that says the whole group is conditional (`Rollback
  (only if needed)`, `(if applicable)`, `(if required)`, `Optional …`): its items are optional. An item's own
  `(if applicable)` stays required: an optional item no longer holds the gate, and one item's words are weaker
  evidence than a group's heading.
- A heading's time offset and deployment-day part reach every group beneath it: `## Pre-Deployment (T-60
  minutes)` makes each group under it due at T-60m (a group's own offset wins) and a deployment-day phase, as a
  part timed on the day itself (less than a day before T-0, or after it) is.

A comment holding an id (`<!-- id: x; gated -->`, as the record writes them) states the whole element: nothing is
inferred for it. A comment without one (`<!-- optional -->`, written by hand) adds to what is inferred.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from heypeter_tui.core.checklist import MAX_OWNER, MAX_TIMER_SECONDS, SCHEMA_VERSION
from heypeter_tui.core.durations import format_duration, parse_duration
from heypeter_tui.core.ids import Names, is_identifier, slugify
from heypeter_tui.core.md_text import format_offset
from heypeter_tui.core.text import clean_line

_PHASE_PART = re.compile(
    r"\b(deploy(ment)?|release|launch|go[- ]?live|cutover|rollout)\s+(day|execution|window|steps|night)\b"
    r"|\bday\s+of\s+(the\s+)?(deploy|release|launch)"
    r"|\bduring\s+(the\s+)?(deploy|release|launch|cutover|rollout)"
    r"|\bpost[- ]?(deploy|release|launch|go[- ]?live|cutover|rollout)",
    re.IGNORECASE,
)
_READINESS_PART = re.compile(r"\breadiness\b", re.IGNORECASE)
_CONDITIONAL = re.compile(r"\b(?:(?:only\s+)?(?:if|when|as)\s+(?:needed|necessary|required|applicable)|optional)\b",
                          re.IGNORECASE)
DAY = 86400
"""A part timed less than this before T-0 is on deployment day: its groups are phases."""
_LEAD = r"^\W*(?:step\s+\d+\s*[:.)-]\s*|\d{1,3}[.)]\s*)?"  # `Step 3: …`, `2) …` before the verb
_MODE = r"(?P<mode>maintenance|read[- ]?only)(?:\s+(?:mode|page|window))?"
_MODE_END = r"(?=\s*$|\s*[(,;:.!–—-]|\s+(?:on|in|for|via|with|across|before|after|and|so|to|at|from)\b)"
_QUALIFIER = r"(?:the\s+)?(?:(?P<qualifier>[\w'.-]+)\s+)?"
_ON_VERBS = (r"enable|turn\s+on|switch\s+on|activate|enter|start|begin|open"
             r"|(?:put|place|set|switch)\s+(?:\S+\s+){0,3}?in(?:to)?")  # `Put the site into maintenance mode`
_OFF_VERBS = (r"disable|turn\s+off|switch\s+off|deactivate|exit|leave|end|stop|close|lift"
              r"|(?:take|bring)\s+(?:\S+\s+){0,3}?out\s+of")
_TURNED = {  # `Maintenance mode enabled`: the state a check-style item states
    "on": r"enabled|on|active|activated|turned\s+on|switched\s+on|started|entered",
    "off": r"disabled|off|deactivated|turned\s+off|switched\s+off|lifted|ended|exited|stopped",
}
_NOT_QUALIFIERS = {  # words before the mode that make the item about it, not a switch of it
    "before", "after", "during", "for", "without", "with", "in", "on", "of", "to", "and", "or", "no", "not", "any",
    "all", "when", "if", "verify", "check", "confirm", "ensure", "test", "document", "update", "review", "validate",
}
_TIMER = re.compile(
    r"\b(?:(?:monitor|watch|observe|soak|bake|keep\s+watching|let\s+it\s+(?:run|soak|bake))\w*\b[^.;()]{0,80}?\bfor"
    r"|(?:wait|hold|pause)\w*\b(?:\s+for)?)"
    r"\s+(?:at\s+least\s+|another\s+|the\s+next\s+|a\s+further\s+|about\s+)?"
    r"(?P<amount>\d{1,4}(?:\.\d{1,2})?)\s*(?P<unit>seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h)\b",
    re.IGNORECASE,
)
_DOING = re.compile(r"\b(during|execut\w*|deploy\w*|cut-?over|roll-?out|rolling\s+out|go[- ]?live|migrat\w*|"
                    r"switch-?over|fail-?over|launch\w*|releas\w*|upgrad\w*|install\w*|implement\w*)\b", re.IGNORECASE)
_NOT_DOING = re.compile(r"\b(pre|post|before|after|prep\w*|readiness|verif\w*|validat\w*|monitor\w*|smoke|final|"
                        r"roll-?back\w*|rolling\s+back|revert\w*|follow[- ]?up|wrap[- ]?up|clean[- ]?up|communicat\w*|"
                        r"notif\w*|sign[- ]?offs?|approv\w*|retro\w*|post-?mortem)\b", re.IGNORECASE)


_ITEM_KEYS = ("id", "text", "optional", "owner", "opens", "closes", "timer")


@dataclass
class ParsedItem:
    text: str
    attributes: dict[str, str]
    line: int


@dataclass
class ParsedGroup:
    title: str
    level: int
    part: str
    line: int
    due: int | None = None
    attributes: dict[str, str] = field(default_factory=dict)
    items: list[ParsedItem] = field(default_factory=list)
    part_due: int | None = None
    """The time offset of the nearest heading above that has one."""
    conditional: bool = False
    """Its title or a heading above says it is done only if needed: its items are optional."""


@dataclass
class Findings:
    """What the import decided that the Markdown did not spell out, or spelled in a comment: for review."""

    windows: list[tuple[str, str, str, bool]] = field(default_factory=list)  # name, opened by, closed by, inferred
    timers: list[tuple[str, str, bool]] = field(default_factory=list)  # item key, duration, inferred
    gated: list[tuple[str, bool]] = field(default_factory=list)  # group id, inferred
    optional: list[str] = field(default_factory=list)  # ids of the groups made optional by their headings
    struck: int = 0  # tasks struck out whole: no items
    ticked: int = 0  # `[x]` tasks, imported open
    marked: int = 0  # `[-]` N/A and `[!]` blocked tasks, imported open
    renamed: Any = None  # a record imported under a new id (core/md_record.py, Renamed), or None


def window_switch(text: str) -> tuple[str, str] | None:
    """("on" | "off", window name) where the item turns a mode on or off; None otherwise."""
    for state, verbs in (("on", _ON_VERBS), ("off", _OFF_VERBS)):
        match = re.match(rf"{_LEAD}(?:{verbs})\s+{_QUALIFIER}{_MODE}{_MODE_END}", text, re.IGNORECASE)
        if match and (match.group("qualifier") or "").lower() not in _NOT_QUALIFIERS:
            return state, slugify(match.group("mode"))
        stated = rf"{_LEAD}{_QUALIFIER}{_MODE}\s+(?:is\s+|was\s+)?(?:{_TURNED[state]})\s*(?:$|[(,;.!])"
        match = re.match(stated, text, re.IGNORECASE)
        if match and (match.group("qualifier") or "").lower() not in _NOT_QUALIFIERS:
            return state, slugify(match.group("mode"))
    return None


def timer_in(text: str) -> int | None:
    """Seconds to wait out where the item says so (`Monitor for 30 minutes`), else None."""
    match = _TIMER.search(text)
    if not match:
        return None
    unit = match.group("unit").lower()
    size = 3600 if unit.startswith("h") else 60 if unit.startswith("m") else 1
    seconds = round(float(match.group("amount")) * size)
    return seconds if 1 <= seconds <= MAX_TIMER_SECONDS else None


def makes_the_change(title: str, due: int | None) -> bool:
    """The gated rule (see the module's docstring), on a phase's own title and due."""
    if _NOT_DOING.search(title):
        return False
    return bool(_DOING.search(title)) or due == 0


def is_conditional(title: str) -> bool:
    """`Rollback (only if needed)`, `Extras (if applicable)`, `Optional: translations`."""
    return bool(_CONDITIONAL.search(title))


def is_phase(group: ParsedGroup) -> bool:
    if "gated" in group.attributes:
        return True
    if _READINESS_PART.search(group.part):  # the record's `## Readiness`: its sections, whatever their due
        return False
    timed_on_the_day = group.part_due is not None and group.part_due > -DAY
    return (bool(_PHASE_PART.search(group.part or group.title)) or timed_on_the_day
            or (group.due is not None and group.due >= 0))


def assemble(title: str, title_attributes: dict[str, str], product: str, default_id: str,
             groups: list[ParsedGroup], signoffs: list[str],
             contacts: list[dict[str, str]]) -> tuple[dict[str, Any], Findings]:
    findings = Findings()
    kept = [group for group in groups if group.items]
    phase = {id(group): is_phase(group) for group in kept}
    if not any(not value for value in phase.values()):  # deployment-day steps only: they are what must be done
        phase = dict.fromkeys(phase, False)
    group_ids = _ids([_valid_id(group.attributes.get("id")) for group in kept],
                     [slugify(group.title, "group") for group in kept])
    sections: list[dict[str, Any]] = []
    phases: list[dict[str, Any]] = []
    entries: list[tuple[ParsedGroup, dict[str, Any]]] = []
    for group, group_id in zip(kept, group_ids):
        stated = _valid_id(group.attributes.get("id"))
        entry: dict[str, Any] = {"id": group_id, "title": group.title, **_owner(group.attributes)}
        if group.due is not None:
            entry["due"] = format_offset(group.due)
        if phase[id(group)]:
            gated = "gated" in group.attributes
            inferred = not gated and not stated and makes_the_change(group.title, group.due)
            if gated or inferred:
                entry["gated"] = True
                findings.gated.append((entry["id"], inferred))
        item_ids = _ids([_valid_id(item.attributes.get("id")) for item in group.items],
                        [slugify(item.text) for item in group.items])
        entry["items"] = [_item_entry(item, item_id) for item, item_id in zip(group.items, item_ids)]
        if group.conditional and not stated:  # a group a comment states is whole: nothing is inferred for it
            for item, data in zip(group.items, entry["items"]):
                if "id" not in item.attributes:
                    data["optional"] = True
            findings.optional.append(group_id)
        (phases if phase[id(group)] else sections).append(entry)
        entries.append((group, entry))
    _infer_timers(entries, findings)
    _infer_windows(entries, findings)
    for _, entry in entries:  # each item's keys in the schema's order, whichever rule set them
        entry["items"] = [{key: item[key] for key in _ITEM_KEYS if key in item} for item in entry["items"]]
    data: dict[str, Any] = {
        "schema": SCHEMA_VERSION,
        "id": _valid_id(title_attributes.get("id")) or default_id,
        "title": title or default_id.replace("-", " ").title(),
    }
    if product:
        data["product"] = product
    data["sections"] = sections
    if phases:
        data["phases"] = phases
    if signoffs:  # each role once, however it is written (the loader refuses `QA` beside `qa`)
        data["signoffs"] = _first_of_each(signoffs, str.casefold)
    if contacts:
        data["contacts"] = _first_of_each(contacts, lambda contact: contact["role"].casefold())
    return data, findings


def _valid_id(value: str | None) -> str:
    """An id a comment gives, where it is one; else "" (the slug is used, as for a timer of `soon`)."""
    return value if value and is_identifier(value) else ""


def _ids(stated: list[str], derived: list[str]) -> list[str]:
    """Each element's id: the ids comments state first (a stated id wins over a derived one that would take it),
    then each derived one made unique, in file order (`deploy`, `deploy-2`…)."""
    names = Names()
    ids = [names.unique(value) if value else "" for value in stated]
    return [value or names.unique(slug) for value, slug in zip(ids, derived)]


def _item_entry(item: ParsedItem, item_id: str) -> dict[str, Any]:
    attributes = item.attributes
    entry: dict[str, Any] = {"id": item_id, "text": item.text}
    if "optional" in attributes:
        entry["optional"] = True
    for key in ("opens", "closes"):
        if _valid_id(attributes.get(key)):
            entry[key] = attributes[key]
    timer = _duration_or_none(attributes.get("timer"))
    if timer is not None and 1 <= timer <= MAX_TIMER_SECONDS:
        entry["timer"] = attributes["timer"]
    entry.update(_owner(attributes))
    return entry


def _owner(attributes: dict[str, str]) -> dict[str, str]:
    """An owner a comment states (one line, at most the loader's length), or nothing."""
    owner = clean_line(attributes.get("owner", "")).strip()
    return {"owner": owner} if owner and len(owner) <= MAX_OWNER else {}


def _duration_or_none(text: str | None) -> int | None:
    try:
        return parse_duration(text) if text else None
    except ValueError:
        return None


def _infer_timers(entries: list[tuple[ParsedGroup, dict[str, Any]]], findings: Findings) -> None:
    for group, entry in entries:
        for item, data in zip(group.items, entry["items"]):
            key = f"{entry['id']}/{data['id']}"
            if "timer" in data:
                findings.timers.append((key, data["timer"], False))
            elif "id" not in item.attributes and (seconds := timer_in(item.text)) is not None:
                data["timer"] = format_duration(seconds)
                findings.timers.append((key, data["timer"], True))


def _infer_windows(entries: list[tuple[ParsedGroup, dict[str, Any]]], findings: Findings) -> None:
    stated: dict[str, dict[str, str]] = {}  # the windows comments name: who opens and who closes each
    switches: list[tuple[str, str, str, dict[str, Any]]] = []  # on/off, mode, item key, item data: file order
    for group, entry in entries:
        for item, data in zip(group.items, entry["items"]):
            key = f"{entry['id']}/{data['id']}"
            for side in ("opens", "closes"):
                if side in data:
                    stated.setdefault(data[side], {}).setdefault(side, key)
            unstated = "id" not in item.attributes and "opens" not in data and "closes" not in data
            switch = window_switch(item.text) if unstated else None
            if switch:
                switches.append((*switch, key, data))
    for name, sides in stated.items():
        findings.windows.append((name, sides.get("opens", ""), sides.get("closes", ""), False))
    names = Names()
    for name in stated:
        names.unique(name)
    used: set[int] = set()
    for at, (state, mode, key, data) in enumerate(switches):
        if state != "on" or at in used:
            continue
        closing = next((later for later in range(at + 1, len(switches)) if later not in used
                        and switches[later][:2] == ("off", mode)), None)
        if closing is None:
            continue  # opened and never closed: no window to keep
        used.update((at, closing))
        name = names.unique(mode)
        data["opens"] = name
        switches[closing][3]["closes"] = name
        findings.windows.append((name, key, switches[closing][2], True))


def _first_of_each(entries: list[Any], key: Any) -> list[Any]:
    seen: dict[str, Any] = {}
    for entry in entries:
        seen.setdefault(key(entry), entry)
    return list(seen.values())
