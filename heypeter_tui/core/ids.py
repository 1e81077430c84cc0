"""Ids derived from text: stable, readable, safe in a log line and on a command line."""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = r"[^a-z0-9]+"  # compiled on first use
MAX_ID_LENGTH = 64


def slugify(text: str, fallback: str = "item") -> str:
    """`All tests passing (unit, e2e)` -> `all-tests-passing-unit-e2e`."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(_NON_WORD, "-", ascii_text.lower()).strip("-")
    if len(slug) > MAX_ID_LENGTH:
        cut = slug.rfind("-", 0, MAX_ID_LENGTH + 1)
        slug = slug[: cut if cut > 0 else MAX_ID_LENGTH].strip("-")
    return slug or fallback


def unique(base: str, taken: set[str]) -> str:
    """`base`, or `base-2`, `base-3`… whichever is not yet in `taken`; adds it to `taken`."""
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    taken.add(candidate)
    return candidate
