"""Markdown's inline text as the plain text of a checklist, and the small grammars inside it.

- `plain`: a CommonMark inline (markdown-it's tokens) as readable text. Emphasis markers are dropped; a code span
  keeps its backticks (they say where a name to type starts and ends: `.env.example`); a link is its text, with its
  address after it in parentheses when the text does not already say it (`runbook (https://wiki/x)`); an image is
  its alt text; struck-out text (`~~old~~`) is no text; inline HTML tags are dropped, and an HTML comment's
  `key: value; flag` attributes are collected.
- `title_and_due`: a group title's time offset (`(T-2 hours)`, `T+30m`) as its due, out of the title.
- `repair`: UTF-8 once read as cp1252 (`âœ“`) undone.

Every text that leaves here is cleaned (core/text.py): no escape sequence or control reaches a checklist.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from markdown_it.common.normalize_url import normalizeLinkText

from heypeter_tui.core.checklist import MAX_DUE_SECONDS
from heypeter_tui.core.record_attributes import parse_attributes
from heypeter_tui.core.text import clean_line

_COMMENT = re.compile(r"<!--(?P<body>.*?)-->", re.DOTALL)
_LEADING_NUMBER = re.compile(r"^\d{1,3}[.)]\s+")
_UNIT = r"(?:seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h|days?|d|weeks?|wks?|w)"
_OFFSET = re.compile(  # `T-2 hours`, `(T+30m)`, `T-0`, and the record's own `T-1h30m`
    rf"\(?\s*\bT\s*(?P<sign>[+\-−–])\s*(?P<span>\d+\s*{_UNIT}?(?:\s*\d+\s*{_UNIT})*)\b\s*\)?", re.IGNORECASE)
_SPAN_PART = re.compile(rf"(?P<amount>\d+)\s*(?P<unit>{_UNIT})?", re.IGNORECASE)
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_CP1252 = r"\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122"  # cp1252's 0x80-0x9f
_MOJIBAKE = re.compile(rf"[\u00a0-\u00ff{_CP1252}]{{2,}}")
_SCHEME = re.compile(r"^(?:mailto|tel):", re.IGNORECASE)
_WEB = re.compile(r"^[a-z][a-z0-9+.-]*://|/+$", re.IGNORECASE)


def plain(children: Sequence[Any] | None, attributes: dict[str, str] | None = None) -> str:
    """An inline's tokens as one line of plain text; its HTML comments' attributes go into `attributes`."""
    parts: list[str] = []
    links: list[tuple[str, int]] = []  # each open link: its address and where its text starts in `parts`
    struck_out = False
    struck = 0  # within `~~…~~`: text the author struck out, no part of the line
    for token in children or ():
        kind = token.type
        if kind in ("s_open", "s_close"):
            struck += 1 if kind == "s_open" else -1
            struck_out = True
        elif struck > 0 and kind != "html_inline":
            continue
        elif kind in ("text", "text_special"):
            parts.append(token.content)
        elif kind == "code_inline":
            parts.append(_code(token.markup, token.content))
        elif kind in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif kind == "link_open":
            links.append((str(token.attrGet("href") or ""), len(parts)))
        elif kind == "link_close" and links:
            href, start = links.pop()
            shown = link_address(href, "".join(parts[start:]))
            if shown:
                parts.append(f" ({shown})")
        elif kind == "image":
            parts.append(plain(token.children))
        elif kind == "html_inline" and attributes is not None:
            for comment in _COMMENT.finditer(token.content):
                attributes.update(parse_attributes(comment.group("body")))
        # em, strong and other markers, and inline HTML tags: markup, not text
    text = clean_line("".join(parts)).strip()
    return re.sub(r"(?<=\S) {2,}(?=\S)", " ", text) if struck_out else text  # `Run ~~the old~~ the new`


def leading_emphasis(children: Sequence[Any], kinds: tuple[str, ...] = ("strong",)) -> tuple[int, int] | None:
    """Where the emphasis that opens an inline (`**Role:** …`) opens and closes, or None. markdown-it may put an
    empty text token first; that is no text."""
    start = 0
    while start < len(children) and children[start].type == "text" and not children[start].content.strip():
        start += 1
    if start == len(children) or children[start].type not in {f"{kind}_open" for kind in kinds}:
        return None
    opening = children[start]
    closing = opening.type.replace("_open", "_close")
    end = next((at for at in range(start + 1, len(children))
                if children[at].type == closing and children[at].level == opening.level), None)
    return None if end is None else (start, end)


def _code(markup: str, content: str) -> str:
    """A code span as written: its backticks kept, padded where its content starts or ends with one."""
    pad = " " if content.startswith("`") or content.endswith("`") else ""
    return f"{markup}{pad}{content}{pad}{markup}"


def link_address(href: str, text: str) -> str:
    """The address to show after a link's text, or "" where it adds nothing: an anchor in the same file, or an
    address the text already says (`[alice@example.com](mailto:alice@example.com)`, `<https://x.example>`)."""
    if not href or href.startswith("#"):
        return ""
    shown = _SCHEME.sub("", normalizeLinkText(href))
    bare = _WEB.sub("", shown).casefold()
    return "" if not bare or bare in text.casefold() else shown


def title_and_due(text: str) -> tuple[str, int | None]:
    """`Pre-Deployment (T-2 hours)` -> ("Pre-Deployment", -7200). An offset that ends the title wins (the record
    writes `### T-15 minutes (T-15m)`), else the first; alone, it stays the title too (`T-15 minutes`). An
    offset past a year either way is no offset: the title keeps it."""
    text = _LEADING_NUMBER.sub("", text.strip())
    matches = list(_OFFSET.finditer(text))
    if not matches:
        return _tidy(text), None
    last = matches[-1]
    match = last if not text[last.end():].strip(" :") else matches[0]
    seconds = _seconds(match)
    if seconds is None:
        return _tidy(text), None
    remainder = _tidy(text[: match.start()] + " " + text[match.end():])
    return (remainder or _tidy(match.group(0))), seconds


def _seconds(match: re.Match[str]) -> int | None:
    seconds = 0
    for part in _SPAN_PART.finditer(match.group("span")):
        if len(part.group("amount")) > 6:  # T-<5,000 digits> hours is no offset
            return None
        unit = (part.group("unit") or "h").lower()  # `T-2`: hours
        seconds += int(part.group("amount")) * _UNITS["m" if unit.startswith("mi") or unit == "m" else unit[0]]
    seconds = -seconds if match.group("sign") in "-−–" else seconds
    return seconds if abs(seconds) <= MAX_DUE_SECONDS else None


def _tidy(text: str) -> str:
    text = re.sub(r"\(\s*\)", "", text)
    text = re.sub(r"\s{2,}", " ", text).strip()
    text = text.strip(" :-–—").strip()
    if text.startswith("(") and text.endswith(")") and text.count("(") == 1:
        text = text[1:-1].strip()
    return text


def format_offset(seconds: int) -> str:
    """A due as the checklist writes it, in its largest whole unit: `-2h`, `-90m`, `+0m`."""
    sign = "-" if seconds < 0 else "+"
    remaining = abs(seconds)
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if remaining and remaining % size == 0:
            return f"{sign}{remaining // size}{unit}"
    return f"{sign}{remaining}s" if remaining else "+0m"


def unmojibake(text: str) -> str:
    """Undo UTF-8 read as cp1252 (`âœ“` -> `✓`), leaving other text alone (`café` stays)."""

    def fix(match: re.Match[str]) -> str:
        chunk = match.group(0)
        for encoding in ("cp1252", "latin-1"):
            try:
                return chunk.encode(encoding).decode("utf-8")
            except (UnicodeEncodeError, UnicodeDecodeError):
                continue
        return chunk

    return text if text.isascii() else _MOJIBAKE.sub(fix, text)


def repair(text: str) -> str:
    """`unmojibake`, cleaned to one line, as all text entering is."""
    return clean_line(unmojibake(text))
