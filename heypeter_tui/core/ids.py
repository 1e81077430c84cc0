"""Ids derived from text: stable, readable, safe in a log line and on a command line."""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = r"[^a-z0-9]+"  # compiled on first use
_IDENTIFIER = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")  # compiled here: checked once per item of every run read
MAX_ID_LENGTH = 64
"""A derived id's length."""
MAX_ID = 128
"""Any id's length: a checklist's, a group's, an item's, a run's, an event's."""


def is_identifier(text: str) -> bool:
    """Letters, digits, `.`, `_` and `-`, starting with a letter or digit: safe in a key, a path, a comment."""
    return len(text) <= MAX_ID and _IDENTIFIER.fullmatch(text) is not None  # `$` would let "a\n" through


def slugify(text: str, fallback: str = "item") -> str:
    """`All tests passing (unit, e2e)` -> `all-tests-passing-unit-e2e`."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(_NON_WORD, "-", ascii_text.lower()).strip("-")
    if len(slug) > MAX_ID_LENGTH:
        cut = slug.rfind("-", 0, MAX_ID_LENGTH + 1)
        slug = slug[: cut if cut > 0 else MAX_ID_LENGTH].strip("-")
    return slug or fallback


class Names:
    """Names given so far, and for each base the next number to try: 200,000 lines of the same text get
    their `-2`, `-3`… in linear time, not quadratic."""

    def __init__(self) -> None:
        self.taken: set[str] = set()
        self.next: dict[str, int] = {}

    def unique(self, base: str) -> str:
        """`base`, or `base-2`, `base-3`… whichever is not taken yet; now taken."""
        candidate, n = base, self.next.get(base, 1)
        while candidate in self.taken:
            n += 1
            candidate = f"{base}-{n}"
        self.next[base] = n
        self.taken.add(candidate)
        return candidate
