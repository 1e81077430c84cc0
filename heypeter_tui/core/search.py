"""Find items across every section and phase by what is typed. Pure functions: the dashboard's search
dialog and its command palette both ask here, so they find the same items.

An item matches where every word typed is found, case-insensitively, somewhere in its text, its key
(`section-id/item-id`, so an item id or a group id finds it), its owner (its own, or the one it inherits
from its group) or the text of any note on it. The words may be found in different places: `firewall
port` finds the firewall item whose note mentions a port. Matches come in checklist order, sections then
phases; at most `limit` are built, the rest only counted, so a checklist of thousands answers each key.
"""

from __future__ import annotations

from dataclasses import dataclass

from heypeter_tui.core.checklist import Group, Item, owner_of
from heypeter_tui.core.run import RunState, all_notes

MAX_RESULTS = 200
"""More than a screen scrolls through usefully: past it, typing another word narrows faster."""
SNIPPET = 80
"""Characters of a note shown around the word found in it: one line under the item."""


@dataclass(frozen=True)
class Match:
    """An item that matched, with what a result line shows."""

    key: str
    group: Group
    item: Item
    status: str
    owner: str | None
    note: str = ""
    """Where a word was found in a note and not in the item itself: that note around the word (else empty)."""


@dataclass(frozen=True)
class Found:
    matches: list[Match]
    """The first `limit` matches, in checklist order."""
    more: int = 0
    """How many more matched than were built."""


def words_of(query: str) -> list[str]:
    """The words typed, case folded: whitespace separates them, and none is empty."""
    return query.casefold().split()


def search_items(state: RunState, query: str, limit: int = MAX_RESULTS) -> Found:
    """The items of `state` where every word of `query` is found (see the module's docstring); nothing for a
    query of no words."""
    words = words_of(query)
    if not words:
        return Found([])
    matches: list[Match] = []
    more = 0
    for group in state.checklist.groups:
        for item in group.items:
            key = group.key(item)
            owner = owner_of(group, item)
            # What the item says of itself, and its notes apart: a word found only in a note names the note.
            own = f"{item.text}\n{key}\n{owner or ''}".casefold()
            missing = [word for word in words if word not in own]
            notes = all_notes(state, key)
            if missing:
                folded = [note.text.casefold() for note in notes]
                if not all(any(word in text for text in folded) for word in missing):
                    continue
            if len(matches) == limit:
                more += 1
                continue
            note = note_snippet([note.text for note in notes], missing[0]) if missing else ""
            matches.append(Match(key, group, item, state.item(key).status, owner, note))
    return Found(matches, more)


def note_snippet(notes: list[str], word: str, width: int = SNIPPET) -> str:
    """The latest of `notes` holding `word` (case folded), on one line, cut to about `width` characters
    around the word's first place, with … where text was left off."""
    for text in reversed(notes):
        line = " ".join(text.split())
        folded = line.casefold()
        at = folded.find(word)
        if at < 0:
            continue
        if len(folded) != len(line):  # folding changed the length (ß is ss): count back to the word's place
            at = _unfolded_index(line, at)
        start = max(at - width // 3, 0)
        end = start + width
        return ("…" if start else "") + line[start:end] + ("…" if end < len(line) else "")
    return ""


def _unfolded_index(line: str, folded_at: int) -> int:
    """The index in `line` of the character whose folding holds index `folded_at` of `line.casefold()`."""
    reached = 0
    for index, character in enumerate(line):
        reached += len(character.casefold())
        if reached > folded_at:
            return index
    return len(line)
