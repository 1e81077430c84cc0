"""Where things are in a run's log, kept as the log grows: positions only, never the events.

A long run's state holds its events apart (core/event_log.py). What asks for some of them (an item's history, its
notes and checks, the sign-offs for the record, an undo's target, the subjects an undo makes the fold rebuild)
finds their positions here and reads those alone: the cost is the events asked for, not the log's length.

Added to once per event as the fold takes it in (a type test and a few appends), shared by the states of one log as
their events are, and kept in a checkpoint with the state. Ids are the one thing a position cannot stand for: the
ids of events still held are a dict; those held apart are in a Bloom filter, which answers "not there" for certain
and "maybe" otherwise, so an id lookup reads the log again only where it might be found there.
"""

from __future__ import annotations

import hashlib
from array import array
from bisect import bisect_left
from collections.abc import Iterable

from heypeter_tui.core import events as ev
from heypeter_tui.core.events import Actor, Event

_ITEM_TYPES = (ev.ITEM_STATUS, ev.ITEM_NOTE, ev.ITEM_CHECK)
BLOOM_BITS = 1 << 21
BLOOM_HASHES = 4


def subject_of(event: Event) -> tuple[str, str] | None:
    """What an event is about, as the fold rebuilds it after an undo: an item, a role, a contact, T-0, a timer."""
    kind = event.type
    if kind in _ITEM_TYPES:
        return ("item", str(event.get("item", "")))
    if kind in (ev.SIGNOFF_SIGN, ev.SIGNOFF_REVOKE):
        return ("signoff", str(event.get("role", "")))
    if kind == ev.CONTACT_SET:
        return ("contact", str(event.get("role", "")))
    if kind == ev.RUN_T0:
        return ("t0", "")
    if kind == ev.RUN_RENAMED:
        return ("title", "")
    if kind in (ev.TIMER_START, ev.TIMER_STOP):
        return ("timer", str(event.get("item", "")))
    return None


def upto(positions: array | Iterable[int], size: int) -> array:
    """The positions below `size`: what a state of that many events sees of an index grown further."""
    if not isinstance(positions, array):
        positions = array("I", positions)
    return positions[: bisect_left(positions, size)]


class Bloom:
    def __init__(self, bits: bytearray | None = None) -> None:
        self.bits = bits if bits is not None else bytearray(BLOOM_BITS // 8)

    def _slots(self, key: str) -> list[int]:
        digest = hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=4 * BLOOM_HASHES).digest()
        size = len(self.bits) * 8
        return [int.from_bytes(digest[4 * n : 4 * n + 4], "little") % size for n in range(BLOOM_HASHES)]

    def add(self, key: str) -> None:
        for slot in self._slots(key):
            self.bits[slot >> 3] |= 1 << (slot & 7)

    def may_hold(self, key: str) -> bool:
        return all(self.bits[slot >> 3] & (1 << (slot & 7)) for slot in self._slots(key))


class LogIndex:
    def __init__(self) -> None:
        self.size = 0
        self.subjects: dict[tuple[str, str], array] = {}
        self.notes: dict[str, array] = {}
        self.checks: dict[str, array] = {}
        self.signing = array("I")
        """Every signoff.sign and signoff.revoke."""
        self.undos = array("I")
        self.statuses: dict[str, array] = {}
        """Each item's status changes (what staleness walks)."""
        self.acks = array("I")
        """Every chain.acknowledge."""
        self.participants: dict[Actor, int] = {}
        """Everyone who wrote an event, by their first."""
        self.ids: dict[str, int] = {}
        """Each id's first position, for the events still held."""
        self.apart: Bloom | None = None
        """The ids of the events held apart."""

    def add(self, events: Iterable[Event]) -> None:
        position = self.size
        subjects, ids, participants = self.subjects, self.ids, self.participants
        for event in events:
            ids.setdefault(event.id, position)
            if event.actor not in participants:
                participants[event.actor] = position
            kind = event.type
            subject = subject_of(event)
            if subject is not None:
                subjects.setdefault(subject, array("I")).append(position)
                if kind == ev.ITEM_CHECK:
                    self.checks.setdefault(subject[1], array("I")).append(position)
                elif kind == ev.ITEM_STATUS:
                    self.statuses.setdefault(subject[1], array("I")).append(position)
                elif kind == ev.ITEM_NOTE and isinstance(event.get("text"), str):
                    self.notes.setdefault(subject[1], array("I")).append(position)
                elif kind in (ev.SIGNOFF_SIGN, ev.SIGNOFF_REVOKE):
                    self.signing.append(position)
            elif kind == ev.UNDO:
                self.undos.append(position)
            elif kind == ev.CHAIN_ACKNOWLEDGE:
                self.acks.append(position)
            position += 1
        self.size = position

    def cut(self, size: int) -> LogIndex:
        """A copy of what the index says of the first `size` events."""
        other = LogIndex()
        other.size = min(size, self.size)
        other.subjects = {key: upto(found, size) for key, found in self.subjects.items()}
        other.notes = {key: upto(found, size) for key, found in self.notes.items()}
        other.checks = {key: upto(found, size) for key, found in self.checks.items()}
        other.statuses = {key: upto(found, size) for key, found in self.statuses.items()}
        other.signing, other.undos, other.acks = (upto(found, size) for found in (self.signing, self.undos, self.acks))
        other.participants = {actor: at for actor, at in self.participants.items() if at < size}
        other.ids = {key: at for key, at in self.ids.items() if at < size}
        other.apart = Bloom(bytearray(self.apart.bits)) if self.apart is not None else None
        return other

    def held_apart(self) -> LogIndex:
        """A copy for a log whose events so far are all held apart: their ids go into the Bloom filter."""
        other = self.cut(self.size)
        other.apart = other.apart or Bloom()
        for key in other.ids:
            other.apart.add(key)
        other.ids = {}
        return other

    # -- in a checkpoint (core/checkpoint.py) ------------------------------------------------------

    def to_json(self) -> dict:
        import base64

        def packed(found: array) -> str:
            return base64.b64encode(found.tobytes()).decode("ascii")

        return {
            "size": self.size, "subjects": [[kind, name, packed(found)] for (kind, name), found in
                                            self.subjects.items()],
            "notes": [[key, packed(found)] for key, found in self.notes.items()],
            "checks": [[key, packed(found)] for key, found in self.checks.items()],
            "statuses": [[key, packed(found)] for key, found in self.statuses.items()],
            "signing": packed(self.signing), "undos": packed(self.undos),
            "acks": packed(self.acks),
            "participants": [[actor.to_dict(), at] for actor, at in self.participants.items()],
            "apart": base64.b64encode(bytes(self.apart.bits)).decode("ascii") if self.apart is not None else None,
        }

    @classmethod
    def from_json(cls, raw: dict, size: int) -> LogIndex:
        """Raises ValueError (or TypeError, KeyError) on anything that is not an index of `size` events; its ids all
        held apart (a resumed state holds none of its events)."""
        import base64

        def unpacked(text: str) -> array:
            found = array("I")
            found.frombytes(base64.b64decode(text, validate=True))
            if found and (found[-1] >= size or found != array("I", sorted(set(found)))):  # in C: no Python loop
                raise ValueError("not positions in log order")
            return found

        index = cls()
        if raw["size"] != size:
            raise ValueError("an index of another length")
        index.size = size
        index.subjects = {(str(kind), str(name)): unpacked(text) for kind, name, text in raw["subjects"]}
        index.notes = {str(key): unpacked(text) for key, text in raw["notes"]}
        index.checks = {str(key): unpacked(text) for key, text in raw["checks"]}
        index.statuses = {str(key): unpacked(text) for key, text in raw["statuses"]}
        index.signing, index.undos, index.acks = (unpacked(raw[name]) for name in ("signing", "undos", "acks"))
        index.participants = {Actor.from_dict(actor): int(at) for actor, at in raw["participants"]}
        bits = base64.b64decode(raw["apart"], validate=True) if raw["apart"] else b""
        if len(bits) != BLOOM_BITS // 8:
            raise ValueError("not a filter of this size")
        index.apart = Bloom(bytearray(bits))
        return index
