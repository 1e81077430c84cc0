"""Contacts and sign-off roles, from the lines and tables under a Markdown checklist's contacts or sign-off heading.

A contact line is a role, then a colon, then whatever the team wrote: `- DBA: Ana Ruiz - +1 555 0100 - ana@x.example`.
The role may be bold or italic (`**Role:**`, `**Role**:`, `*Role*:`, `__Role__:`); the rest may hold the name,
phone and email in any order, separated by commas, dashes or bars, in parentheses (`Alice Chen (alice@x.example)`),
as links (`[alice@x.example](mailto:alice@x.example)`) or autolinks (`<alice@x.example>`). An email and a phone are
told by their shape, the name is what is left. A table's columns are told by their headers, in any order (Role,
Name, Phone, Email and their usual synonyms; a Contact or Details column is read like a line). Placeholders
(`[Name]`, `<phone>`, `TBD`, `___`, `N/A`) are no value: the field stays empty for the run to fill in.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from heypeter_tui.core.md_text import leading_emphasis, plain
from heypeter_tui.core.text import MAX_CONTACT_FIELD, MAX_NAME

MAX_ROLE = 60
"""A contact role written before a colon: longer, the colon is a sentence's, not a label's."""

PLACEHOLDER = re.compile(r"^(?:\[[^\]]*\]|<[^>]*>|\{[^}]*\}|_+|-+|\.+|…|\?+|tbd|tba|tbc|n/?a|none|unknown)$",
                         re.IGNORECASE)
_PLACEHOLDER_IN_TEXT = re.compile(r"\[[^\]]*\]|<[^>]*>|\{[^}]*\}|_{2,}|\b(?:TBD|TBA|TBC|N/A)\b", re.IGNORECASE)
_EMAIL = re.compile(r"(?<![\w.+'-])(?:mailto:)?(?P<address>[\w.+'-]+@[\w-]+(?:\.[\w-]+)+)", re.IGNORECASE)
_PHONE = re.compile(r"(?<![\w@+])(?:tel:)?(?P<number>\+?\(?\d[\d ().\-/]{4,}\d(?:\s*(?:x|ext\.?)\s*\d{1,6})?)(?![\w@])",
                    re.IGNORECASE)
_SEPARATORS = re.compile(r"\s+[-–—|/]\s+|[,;|()]|\s{2,}")
_LABEL = re.compile(r"^(?:name|phone|tel|telephone|mobile|cell|e-?mail|mail|contact)\s*[:=]?\s*", re.IGNORECASE)
_ROLE_COLON = re.compile(r":(?=\s|$)")  # `Role: x`, never `https://` nor `10:30`
_COLUMNS = (  # a header cell's kind, by its first words (`Phone (24/7)` is a phone column)
    ("role", re.compile(r"^(?:role|responsibilit|function|position|title|area|team|duty)", re.IGNORECASE)),
    ("name", re.compile(r"^(?:name|person|who|owner|full name|contact name)", re.IGNORECASE)),
    ("phone", re.compile(r"^(?:phone|tel|mobile|cell|number)", re.IGNORECASE)),
    ("email", re.compile(r"^(?:e-?mail|mail)", re.IGNORECASE)),
    ("details", re.compile(r"^(?:contact|details|reach)", re.IGNORECASE)),
)


def is_placeholder(text: str) -> bool:
    return not text.strip() or PLACEHOLDER.match(text.strip()) is not None


def contact_from_line(children: Sequence[Any]) -> dict[str, str] | None:
    """A contact line's inline tokens -> {"role", "name"?, "phone"?, "email"?}, or None where the line is no
    contact (no role before a colon, or a role too long or a placeholder)."""
    split = _emphasised_role(children)
    if split is not None:
        role, rest = split
    else:
        role, separator, rest = _partition(plain(children))
        if not separator:
            return None
    role = role.strip().rstrip(":").strip()
    if not role or len(role) > MAX_ROLE or is_placeholder(role):
        return None
    return {"role": role, **details(rest)}


def _partition(text: str) -> tuple[str, str, str]:
    colon = _ROLE_COLON.search(text)
    return (text[: colon.start()], ":", text[colon.end():]) if colon else (text, "", "")


def _emphasised_role(children: Sequence[Any]) -> tuple[str, str] | None:
    """`**Role:** rest`, `**Role**: rest`, `*Role* - rest` -> (role, rest); None unless the line starts with
    emphasis that is then followed by a separator (or holds the colon itself)."""
    span = leading_emphasis(children, ("strong", "em"))
    if span is None:
        return None
    role = plain(children[span[0] + 1:span[1]])
    rest = plain(children[span[1] + 1:])
    if role.endswith(":"):
        return role, rest
    match = re.match(r"^\s*[:\-–—|]\s*", rest)
    return (role, rest[match.end():]) if match else None


def details(text: str) -> dict[str, str]:
    """Name, phone and email out of free text, each by its shape; placeholders are no value."""
    found: dict[str, str] = {}
    text = _PLACEHOLDER_IN_TEXT.sub(" , ", text)
    email = _EMAIL.search(text)
    if email:
        found["email"] = email.group("address")[:MAX_CONTACT_FIELD]
        text = _EMAIL.sub(" , ", text)
    phone = _PHONE.search(text)
    if phone and sum(character.isdigit() for character in phone.group("number")) >= 6:
        found["phone"] = phone.group("number").strip()[:MAX_CONTACT_FIELD]
        text = text[: phone.start()] + " , " + text[phone.end():]
    for piece in _SEPARATORS.split(text):
        name = _LABEL.sub("", piece.strip()).strip(" :-–—.=")
        if name and not is_placeholder(name):
            found["name"] = name[:MAX_NAME]
            break
    return {key: found[key] for key in ("name", "phone", "email") if key in found}


def column_kinds(header: list[str]) -> list[str]:
    """Each header cell's kind: role, name, phone, email, details, or "" for a column that holds none. Where two
    columns are of one kind, the first that holds a value gives it."""
    return [next((name for name, pattern in _COLUMNS if pattern.match(cell.strip())), "") for cell in header]


def signoff_roles(header: list[str], rows: list[list[str]]) -> list[str]:
    """A sign-off table's roles: its Role column, else its first; placeholders (`[Role]`) left out."""
    at = role_column(header)
    return [row[at] for row in rows if at < len(row) and not is_placeholder(row[at])]


def role_column(header: list[str]) -> int:
    """Where a sign-off table's roles are: its Role column, else its first."""
    kinds = column_kinds(header)
    return kinds.index("role") if "role" in kinds else 0


def contacts_from_table(header: list[str], rows: list[list[str]]) -> list[dict[str, str]]:
    """A contacts table's rows as contacts. Without a Role column the first column names the role (a table of
    people by name is a table of contacts by name)."""
    kinds = column_kinds(header)
    role_at = kinds.index("role") if "role" in kinds else 0
    contacts = []
    for row in rows:
        role = row[role_at] if role_at < len(row) else ""
        if is_placeholder(role):
            continue
        contact: dict[str, str] = {}
        for at, kind in enumerate(kinds):
            value = row[at].strip() if at < len(row) and at != role_at else ""
            if not value or is_placeholder(value):
                continue
            found = details(value) if kind in ("details", "name") else {}
            if kind == "name" and not found.keys() & {"phone", "email"}:
                found = {"name": value[:MAX_NAME]}  # a name as written (`Chen, Alice`); more is read as a line
            for key, text in found.items():
                contact.setdefault(key, text)
            if kind in ("phone", "email"):
                contact.setdefault(kind, value[:MAX_CONTACT_FIELD])
        ordered = {key: contact[key] for key in ("name", "phone", "email") if key in contact}
        contacts.append({"role": role, **ordered})
    return contacts
