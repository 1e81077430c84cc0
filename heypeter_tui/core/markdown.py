"""Markdown task lists -> a schema-1 checklist, by general rules (no rule for any one file).

- Every task line (`- [ ]`, `* [x]`, `+ [ ]`, `1. [ ]`, nested, in block quotes) is exactly one item, its text
  word for word. Other lines are not items.
- Headings of any level, and bold lines that introduce a list (`**Code Quality** (T-24 hours):`), start groups;
  the headings above a group's own level are the *part* it belongs to.
- A group is a deployment-day phase when its part is headed like deployment day (`Deployment Day`, `Deployment
  Execution`, `Post-Deployment`, `Go-Live`…) or its own time offset is T-0 or later.
- A time offset in a group's title (`(T-2 hours)`, `T-15 minutes`, `T+30 minutes`) becomes its `due` and leaves
  the title; so does a leading number (`1.`). Emoji stay.
- A sign-off table's Role column (else its first) gives the sign-off roles, each once; a contacts list's labels
  (`- DevOps: …`) or table gives the contact roles, with any real name, phone or email.
- UTF-8 text once read as cp1252 (`âœ“`) is repaired. `<!-- id: x; optional -->` at the end of a line carries
  what Markdown cannot say; the record writes them, so it imports back to its checklist.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from heypeter_tui.core.checklist import SCHEMA_VERSION
from heypeter_tui.core.durations import parse_duration
from heypeter_tui.core.errors import UserError
from heypeter_tui.core.ids import Names, slugify
from heypeter_tui.core.loader import read_checklist_text
from heypeter_tui.core.record_attributes import split_attributes
from heypeter_tui.core.text import clean_line

MAX_TASK_LINES = 100_000
_QUOTE = re.compile(r"^\s*(?:>\s?)+")
TASK_LINE = re.compile(r"^(?P<indent>\s*)(?:[-*+]|\d{1,9}[.)])\s+\[(?P<mark>[ xX\-!~/*])\](?:\s+(?P<text>.*?))?\s*$")
_ATX = re.compile(r"^ {0,3}(?P<hashes>#{1,6})(?:\s+(?P<text>.*?))?(?:\s+#+)?\s*$")
_SETEXT = re.compile(r"^ {0,3}(?P<bar>=+|-+)\s*$")
_BOLD_INTRO = re.compile(r"^\s*(\*\*|__)(?P<title>.+?)\1\s*(?P<rest>\([^)]*\))?\s*:?\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d{1,9}[.)])\s+(?P<text>.*)$")
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")
_PRODUCT = re.compile(r"^\s*(?:[-*+]\s+)?\*\*Product:?\*\*:?\s*(?P<product>.+?)\s*$", re.IGNORECASE)
_LEADING_NUMBER = re.compile(r"^\d{1,3}[.)]\s+")
_OFFSET = re.compile(r"\(?\s*\bT\s*(?P<sign>[+\-−–])\s*(?P<amount>\d+)\s*(?P<unit>seconds?|secs?|s|minutes?|mins?|"
                     r"m|hours?|hrs?|h|days?|d|weeks?|wks?|w)?\b\s*\)?", re.IGNORECASE)
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_PHASE_PART = re.compile(
    r"\b(deploy(ment)?|release|launch|go[- ]?live|cutover|rollout)\s+(day|execution|window|steps|night)\b"
    r"|\bday\s+of\s+(the\s+)?(deploy|release|launch)"
    r"|\bduring\s+(the\s+)?(deploy|release|launch|cutover|rollout)"
    r"|\bpost[- ]?(deploy|release|launch|go[- ]?live|cutover|rollout)",
    re.IGNORECASE,
)
_SIGNOFF_HEADING = re.compile(r"sign[- ]?offs?|approvals?|signatures?", re.IGNORECASE)
_CONTACT_HEADING = re.compile(r"\bcontacts\b|emergency|escalation|on[- ]?call", re.IGNORECASE)
_PLACEHOLDER = re.compile(r"^\[[^\]]*\]$|^<[^>]*>$|^_+$|^-+$|^tbd$|^n/?a$", re.IGNORECASE)
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_PHONE = re.compile(r"^[+()\d][\d\s().\-/]{5,}$")
_CP1252 = r"\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122"  # cp1252's 0x80-0x9f
_MOJIBAKE = re.compile(rf"[\u00a0-\u00ff{_CP1252}]{{2,}}")


@dataclass
class _Group:
    title: str
    level: int
    part: str
    line: int
    due: int | None = None
    attributes: dict[str, str] = field(default_factory=dict)
    items: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Imported:
    data: dict[str, Any]  # the checklist as schema-1 data, ready for YAML
    task_lines: int

    def to_yaml(self, source: str = "") -> str:
        header = f"# Imported from {source} by heypeter-tui import-md.\n" if source else ""
        body = yaml.safe_dump(self.data, sort_keys=False, allow_unicode=True, width=4096, default_flow_style=False)
        return header + body


def import_markdown_file(path: Path) -> Imported:
    """Raises UserError (a ChecklistError naming file and line) on a file that is not Markdown text."""
    return import_markdown(read_checklist_text(path), str(path), slugify(path.stem, "checklist"))


def import_markdown(text: str, source: str = "<markdown>", default_id: str = "checklist") -> Imported:
    lines = text.splitlines()
    title, title_attributes, product = "", {}, ""
    groups: list[_Group] = []
    headings: list[tuple[int, str]] = []  # the open heading path: (level, title); the document title is level 0
    current: _Group | None = None
    signoff_roles: list[str] = []
    contacts: list[dict[str, str]] = []
    task_lines = 0
    in_fence = False
    section_kind = ""  # "signoffs" / "contacts" while under such a heading

    def start_group(raw_title: str, level: int, number: int) -> _Group:
        part = " / ".join(t for lvl, t in headings if 0 < lvl < level)  # every heading above: a phase's may be two up
        clean, attributes = _split_attributes(raw_title)
        group_title, due = _title_and_due(clean)
        if "due" in attributes:
            due = _duration_or_none(attributes["due"])
        return _Group(group_title or "Checklist", level, part, number, due, attributes)

    for number, raw_line in enumerate(lines, start=1):
        if _FENCE.match(raw_line):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        line = _QUOTE.sub("", raw_line) if raw_line.lstrip().startswith(">") else raw_line
        task = TASK_LINE.match(line)
        if task:
            task_lines += 1
            if task_lines > MAX_TASK_LINES:  # refused while reading, before gigabytes of YAML are built
                raise UserError(
                    f"{source}:{number}: more than {MAX_TASK_LINES:,} task lines; a checklist is read by people")
            body, attributes = _split_attributes(repair(task.group("text") or ""))
            if not body:
                raise UserError(f"{source}:{number}: a task line with no text")
            if current is None:
                current = _Group(title or "Checklist", 7, "", number)
                groups.append(current)
            current.items.append({"text": body, "attributes": attributes, "line": number})
            continue
        heading = _heading(lines, number - 1, line)
        if heading is not None:
            level, heading_text = heading
            if level == 1 and not title:
                title, title_attributes = _split_attributes(repair(heading_text))
                headings = [(0, title)]
                current = None
                continue
            headings = [(lvl, t) for lvl, t in headings if lvl < level] + [(level, repair(heading_text))]
            current = start_group(repair(heading_text), level, number)
            groups.append(current)
            plain = _split_attributes(heading_text)[0]
            section_kind = (
                "signoffs" if _SIGNOFF_HEADING.search(plain) else "contacts" if _CONTACT_HEADING.search(plain) else ""
            )
            continue
        bold = _BOLD_INTRO.match(line)
        if bold and not _PRODUCT.match(line):
            current = start_group(repair(f"{bold.group('title')} {bold.group('rest') or ''}".strip()), 7, number)
            groups.append(current)
            continue
        product_line = _PRODUCT.match(line)
        if product_line and not groups:
            product = unescape(repair(product_line.group("product")))
            continue
        if line.lstrip().startswith("|") and section_kind:
            _read_table_row(line, section_kind, signoff_roles, contacts, lines, number - 1)
            continue
        item = _LIST_ITEM.match(line)
        if item and section_kind == "contacts" and not line.startswith((" ", "\t")):
            contact = _contact_from_list_item(repair(item.group("text")))
            if contact:
                contacts.append(contact)

    if task_lines == 0:
        raise UserError(f"{source}: no task lines (`- [ ] …`) found; nothing to import")
    checklist = _assemble(title, title_attributes, product, default_id, groups, signoff_roles, contacts)
    return Imported(checklist, task_lines)


def _heading(lines: list[str], index: int, line: str) -> tuple[int, str] | None:
    atx = _ATX.match(line)
    if atx and atx.group("text"):
        return len(atx.group("hashes")), atx.group("text").strip()
    if index + 1 < len(lines) and line.strip() and not _LIST_ITEM.match(line) and not line.lstrip().startswith("|"):
        underline = _SETEXT.match(lines[index + 1])
        if underline and (underline.group("bar")[0] == "=" or len(underline.group("bar")) >= 2):
            return (1 if underline.group("bar")[0] == "=" else 2), line.strip()
    return None


def _assemble(
    title: str,
    title_attributes: dict[str, str],
    product: str,
    default_id: str,
    groups: list[_Group],
    signoff_roles: list[str],
    contacts: list[dict[str, str]],
) -> dict[str, Any]:
    taken_groups = Names()
    sections: list[dict[str, Any]] = []
    phases: list[dict[str, Any]] = []
    for group in groups:
        if not group.items:
            continue
        group_id = taken_groups.unique(group.attributes.get("id") or slugify(group.title, "group"))
        entry: dict[str, Any] = {}
        if group_id != slugify(group.title, "group"):
            entry["id"] = group_id
        entry["title"] = group.title
        if group.due is not None:
            entry["due"] = _format_offset(group.due)
        if group.attributes.get("owner"):
            entry["owner"] = group.attributes["owner"]
        is_phase = bool(_PHASE_PART.search(group.part or group.title)) or (group.due is not None and group.due >= 0)
        if "gated" in group.attributes:
            entry["gated"] = True
            is_phase = True
        taken_items = Names()
        entry["items"] = [_item_entry(item, taken_items) for item in group.items]
        (phases if is_phase else sections).append(entry)
    if not sections:  # a list of deployment-day steps only: they are what must be done
        sections, phases = phases, []
        for entry in sections:
            entry.pop("gated", None)
    data: dict[str, Any] = {
        "schema": SCHEMA_VERSION,
        "id": title_attributes.get("id") or default_id,
        "title": title or default_id.replace("-", " ").title(),
    }
    if product:
        data["product"] = product
    data["sections"] = sections
    if phases:
        data["phases"] = phases
    if signoff_roles:  # each role once, however it is written (the loader refuses `QA` beside `qa`)
        data["signoffs"] = _first_of_each(signoff_roles, str.casefold)
    if contacts:
        data["contacts"] = _first_of_each(contacts, lambda contact: contact["role"].casefold())
    return data


def _first_of_each(entries: list[Any], key: Any) -> list[Any]:
    seen: dict[str, Any] = {}
    for entry in entries:
        seen.setdefault(key(entry), entry)
    return list(seen.values())


def _item_entry(item: dict[str, Any], taken: Names) -> str | dict[str, Any]:
    text: str = item["text"]
    attributes: dict[str, str] = item["attributes"]
    derived = slugify(text)
    item_id = taken.unique(attributes.get("id") or derived)
    entry: dict[str, Any] = {}
    if item_id != derived:
        entry["id"] = item_id
    entry["text"] = text
    if "optional" in attributes:
        entry["optional"] = True
    for key in ("opens", "closes", "owner"):
        if attributes.get(key):
            entry[key] = attributes[key]
    if attributes.get("timer") and _duration_or_none(attributes["timer"]):
        entry["timer"] = attributes["timer"]
    if list(entry) == ["text"] and _safe_as_plain_scalar(text):
        return text
    return entry


def _safe_as_plain_scalar(text: str) -> bool:
    """Short form only where YAML would read it back as this very text."""
    try:
        return yaml.safe_load(yaml.safe_dump([text])) == [text] and text.strip() == text
    except yaml.YAMLError:
        return False


# -- titles, offsets, attributes ------------------------------------------------------------------


def _title_and_due(text: str) -> tuple[str, int | None]:
    text = _LEADING_NUMBER.sub("", text.strip())
    match = _OFFSET.search(text)
    if not match:
        return _tidy(text), None
    if len(match.group("amount")) > 6:  # T-<5,000 digits> hours is no offset
        return _tidy(text), None
    amount = int(match.group("amount"))
    unit = (match.group("unit") or "h").lower()
    seconds = amount * _UNITS["m" if unit.startswith("mi") or unit == "m" else unit[0]]
    sign = -1 if match.group("sign") in "-−–" else 1
    remainder = _tidy(text[: match.start()] + " " + text[match.end() :])
    return (remainder or _tidy(match.group(0))), sign * seconds


def _tidy(text: str) -> str:
    text = re.sub(r"\(\s*\)", "", text)
    text = re.sub(r"\s{2,}", " ", text).strip()
    text = text.strip(" :-–—").strip()
    if text.startswith("(") and text.endswith(")") and text.count("(") == 1:
        text = text[1:-1].strip()
    return text


def _format_offset(seconds: int) -> str:
    sign = "-" if seconds < 0 else "+"
    remaining = abs(seconds)
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if remaining and remaining % size == 0:
            return f"{sign}{remaining // size}{unit}"
    return f"{sign}{remaining}s" if remaining else "+0m"


def _split_attributes(text: str) -> tuple[str, dict[str, str]]:
    body, attributes = split_attributes(text)
    return unescape(body), attributes


def unescape(text: str) -> str:
    """CommonMark's backslash escapes as what they stand for (`\\*` is `*`): a record imports back word for word."""
    return _ESCAPED.sub(r"\1", text) if "\\" in text else text


def _duration_or_none(text: str) -> int | None:
    try:
        return parse_duration(text)
    except ValueError:
        return None


def repair(text: str) -> str:
    """Undo UTF-8 read as cp1252 (`âœ“` -> `✓`), leaving other text alone; cleaned, as all text entering is."""

    def fix(match: re.Match[str]) -> str:
        chunk = match.group(0)
        for encoding in ("cp1252", "latin-1"):
            try:
                return chunk.encode(encoding).decode("utf-8")
            except (UnicodeEncodeError, UnicodeDecodeError):
                continue
        return chunk

    return clean_line(_MOJIBAKE.sub(fix, text) if not text.isascii() else text)


# -- sign-offs and contacts ---------------------------------------------------------------------


def _cells(line: str) -> list[str]:
    cells = re.split(r"(?<!\\)\|", line.strip().strip("|"))  # `\|` is a pipe inside a cell
    return [unescape(repair(cell.strip().strip("*_ ").strip())) for cell in cells]


def _read_table_row(
    line: str, kind: str, roles: list[str], contacts: list[dict[str, str]], lines: list[str], index: int
) -> None:
    cells = _cells(line)
    if not cells or all(re.fullmatch(r":?-{2,}:?", cell) for cell in cells if cell):
        return  # the separator row
    header_index = index
    while header_index > 0 and lines[header_index - 1].lstrip().startswith("|"):
        header_index -= 1
    if header_index == index:
        return  # the header row itself
    header = [cell.lower() for cell in _cells(lines[header_index])]
    at = header.index("role") if "role" in header else 0  # the Role column, wherever it stands
    role = cells[at] if at < len(cells) else ""
    if not role or _PLACEHOLDER.match(role):
        return
    if kind == "signoffs":
        roles.append(role)
        return
    contact = {"role": role}
    for key in ("name", "phone", "email"):
        if key in header:
            position = header.index(key)
            value = cells[position] if position < len(cells) else ""
            if value and not _PLACEHOLDER.match(value):
                contact[key] = value
    contacts.append(contact)


def _contact_from_list_item(text: str) -> dict[str, str] | None:
    role, separator, rest = text.partition(":")
    role = role.strip().strip("*_").strip()
    if not separator or not role or len(role) > 60:
        return None
    contact = {"role": role}
    for part in re.split(r"\s+[-–—|]\s+|\s*,\s*", rest):
        part = part.strip()
        if not part or _PLACEHOLDER.match(part):
            continue
        if _EMAIL.fullmatch(part):
            contact.setdefault("email", part)
        elif _PHONE.match(part):
            contact.setdefault("phone", part)
        else:
            contact.setdefault("name", part)
    return contact
