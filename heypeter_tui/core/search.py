"""Find items across every section and phase by what is typed. Pure functions: the dashboard's search
dialog and its command palette both ask here, so they find the same items.

An item matches where every word typed is found, case-insensitively, somewhere in its text, its key
(`section-id/item-id`, so an item id or a group id finds it), its owner (its own, or the one it inherits
from its group) or the text of any note on it. The words may be found in different places: `firewall
port` finds the firewall item whose note mentions a port. Matches come in checklist order, sections then
phases; matching stops once `limit` are found (the rest are said to be there, not counted), so a checklist of
thousands answers each key.

Bounded for any query and any log: a query is cut at QUERY_MOST characters (a 45 KB paste took a minute), and a
run's notes are folded once per state (core/memo.py), each item's into one string a word is looked for in at once;
a key typed costs the words typed times the notes' length, never a pass over the log.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from heypeter_tui.core.checklist import Group, Item, owner_of
from heypeter_tui.core.item_log import all_notes
from heypeter_tui.core.memo import for_state
from heypeter_tui.core.run import Note, RunState

MAX_RESULTS = 200
"""More than a screen scrolls through usefully: past it, typing another word narrows faster."""
QUERY_MOST = 200
"""Characters of a query searched: more than an item's words need (every word must match); the rest is cut."""
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
    more: bool = False
    """Whether more matched than were built (matching stopped there: they are not counted)."""
    cut: bool = False
    """Whether the query was cut at QUERY_MOST characters (only its beginning was searched)."""


def words_of(query: str) -> list[str]:
    """The words typed, case folded, each once: whitespace separates them, and none is empty."""
    return list(dict.fromkeys(query.casefold().split()))


@dataclass(frozen=True)
class _Notes:
    """An item's notes, oldest first, with their folded texts joined (a word holds no newline: it is found in the
    whole as in one of them) and where each starts in it."""

    notes: tuple[Note, ...]
    folded: str
    starts: list[int]

    def latest_with(self, word: str) -> Note:
        return self.notes[bisect_right(self.starts, self.folded.rfind(word)) - 1]


def _folded_notes(state: RunState) -> dict[str, _Notes]:
    """Every item's notes folded for matching, once per state (the clock and each key ask again)."""

    def compute() -> dict[str, _Notes]:
        found = {}
        for key, current in state.items.items():
            if current.note_count:
                notes = all_notes(state, key)
                folded, starts, at = [], [], 0
                for note in notes:
                    text = note.text.casefold()
                    folded.append(text)
                    starts.append(at)
                    at += len(text) + 1
                found[key] = _Notes(notes, "\n".join(folded), starts)
        return found

    return for_state("search-notes", state, compute)


def search_items(state: RunState, query: str, limit: int = MAX_RESULTS) -> Found:
    """The items of `state` where every word of `query` (its first QUERY_MOST characters) is found (see the
    module's docstring); nothing for a query of no words."""
    cut = len(query) > QUERY_MOST
    words = words_of(query[:QUERY_MOST])
    if not words:
        return Found([], cut=cut)
    matches: list[Match] = []
    noted = _folded_notes(state)
    for group in state.checklist.groups:
        for item in group.items:
            key = group.key(item)
            owner = owner_of(group, item)
            # What the item says of itself, and its notes apart: a word found only in a note names the note.
            own = f"{item.text}\n{key}\n{owner or ''}".casefold()
            missing = [word for word in words if word not in own]
            notes = noted.get(key)
            if missing and (notes is None or not all(word in notes.folded for word in missing)):
                continue
            if len(matches) == limit:
                return Found(matches, more=True, cut=cut)
            note = ""
            if missing and notes is not None:
                note = note_snippet([notes.latest_with(missing[0]).text], missing[0])
            matches.append(Match(key, group, item, state.item(key).status, owner, note))
    return Found(matches, cut=cut)


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
