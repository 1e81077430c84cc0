"""A run's events read again from its log on demand, without holding them: streamed in order, or one by position.

A long run's state does not keep its events (core/event_log.py): the fold keeps what it needs, and what walks the
whole log (the record, an undo, an item's full history) reads it again through a LogSource, a block at a time, every
line checked and every link walked as a first read does. The bytes must still be those the state was folded from:
their SHA-256 is checked as they are read, and a UserError ends the walk where they are not (an edit in place under
a reader), so a record is never written from other lines than the state's (the safe-write leaves nothing behind).
The first full walk also notes where each event's line is, so one event can later be read alone (a pread and one
decode), and the chain heads, which a resumed walk asks for only on need (core/chain.py, Heads).
"""

from __future__ import annotations

import hashlib
import threading
from array import array
from collections.abc import Iterable, Iterator

from heypeter_tui.core.chain import Chain
from heypeter_tui.core.errors import UserError
from heypeter_tui.core.events import Event
from heypeter_tui.core.store import RunStore, decode_event, unlinked

BLOCK = 1 << 20


class LogSource:
    """The first `offset` bytes of `store`'s log, known by their SHA-256 `digest`."""

    def __init__(self, store: RunStore, offset: int, digest: str, skipped: Iterable[int] = (),
                 broken: Iterable[int] | None = None) -> None:
        """`skipped`: the lines (by number) that held no event, as the read said them (core/store.py, problems);
        `broken`: the lines whose link broke (core/chain.py), None where not every one is known (past MAX_BREAKS).
        With both, one event is found by its line alone, no line parsed (`_locate`)."""
        self.store, self.offset, self.digest = store, offset, digest
        self._skipped = frozenset(skipped)
        self._broken_lines = frozenset(broken) if broken is not None else None
        self._starts: array | None = None
        self._sizes = array("L")
        self._digests = bytearray()
        """The SHA-256 (first 8 bytes) of each CHUNK of the bytes, taken as they were checked whole: a line read alone
        later is held to the chunks it lies in, so a line edited in place since is never shown as the run's."""
        self._broken: dict[int, int] = {}
        self._lock = threading.Lock()
        self.scans = 0
        """Full walks made (tests and the bench count what a command touched)."""

    def scan(self) -> Iterator[Event]:
        """Every event of those bytes, in order, a block at a time."""
        reader = RunStore(self.store.path)  # not a writer: a walk sets nothing aside
        reader.chain.heads = _Forgotten()  # a dict as long as the log: only `chain` keeps them
        return self._walk(reader)

    def _blocks(self, digests: bytearray) -> Iterator[tuple[int, bytes]]:
        """The bytes, BLOCK at a time with where each starts, hashed on the way (and their chunks into `digests`);
        a UserError after the last where they are not the bytes of the digest."""
        hashed, position = hashlib.sha256(), 0
        while position < self.offset:
            block = self.store.read_range(position, min(BLOCK, self.offset - position))
            if not block:
                break
            hashed.update(block)
            digests += _chunk_digests(block)
            yield position, block
            position += len(block)
        if position != self.offset or hashed.hexdigest() != self.digest:
            raise UserError(f"{self.store.path}: the run's log was changed while it was being read (its first "
                            f"{self.offset:,} bytes are not those read before); read it again")

    def _walk(self, reader: RunStore) -> Iterator[Event]:
        starts, sizes, broken, digests = array("Q"), array("L"), {}, bytearray()
        carry = b""
        self.scans += 1
        for position, block in self._blocks(digests):
            data = carry + block
            cut = data.rfind(b"\n") + 1 if position + len(block) < self.offset else len(data)
            whole, carry = data[:cut], data[cut:]
            at = 0
            while at < len(whole):
                end = whole.find(b"\n", at)
                end = len(whole) if end < 0 else end + 1
                start = reader.offset
                for event in reader.feed(whole[at:end]):
                    if event.link_broken:
                        broken[len(starts)] = event.link_broken
                    starts.append(start)
                    sizes.append(end - at - (whole[end - 1 : end] == b"\n"))
                    yield event
                at = end
        with self._lock:
            self._starts, self._sizes, self._broken, self._digests = starts, sizes, broken, digests

    def _complete(self) -> None:
        if self._starts is not None:
            return
        if self._broken_lines is None:
            for _ in self.scan():  # every line parsed: the only way to know which were read at a broken link
                pass
        else:
            self._locate()

    def _locate(self) -> None:
        """Where each event's line is, from the lines alone: every non-blank line is an event but those the read
        skipped, so no line need be parsed; the bytes hashed on the way, as a walk hashes them."""
        starts, sizes, broken, skipped, digests = array("Q"), array("L"), {}, self._skipped, bytearray()
        carry, line = b"", 0
        for position, block in self._blocks(digests):
            at = position - len(carry)  # where `carry + block` starts in the log
            lines = (carry + block).split(b"\n")
            carry = lines.pop()  # a line not ended yet (at the end: a torn one, which the read skipped)
            for raw in lines:
                line += 1
                if raw.strip() and line not in skipped:
                    if line in self._broken_lines:  # type: ignore[operator]
                        broken[len(starts)] = line
                    starts.append(at)
                    sizes.append(len(raw))
                at += len(raw) + 1
        with self._lock:
            self._starts, self._sizes, self._broken, self._digests = starts, sizes, broken, digests

    def fetch(self, position: int) -> Event:
        """The event at `position` alone, checked as any line is."""
        self._complete()
        assert self._starts is not None
        start = self._starts[position]
        size = self._sizes[position]
        first, last = start // CHUNK, (start + max(size, 1) - 1) // CHUNK
        around = self.store.read_range(first * CHUNK, min((last + 1) * CHUNK, self.offset) - first * CHUNK)
        if _chunk_digests(around) != self._digests[8 * first : 8 * (last + 1)]:
            raise UserError(f"{self.store.path}: the run's log was changed in place since it was read (line of "
                            f"event {position + 1:,}); read it again")
        raw = around[start - first * CHUNK : start - first * CHUNK + size]
        event, problem = decode_event(raw, first=start == 0)
        if event is None:
            raise UserError(f"{self.store.path}: the run's log was changed while it was being read ({problem})")
        unlinked(event, self._broken.get(position, 0))
        return event

    def chain(self) -> Chain:
        """The chain as a first read walks it over these bytes, every head kept: read again each time it is asked
        for (a resumed chain asks once, core/chain.py, Heads)."""
        reader = RunStore(self.store.path)
        for _ in self._walk(reader):
            pass
        return reader.chain


CHUNK = 4096
"""Bytes a digest of `_chunk_digests` covers: a line read alone costs a read and a hash of a few of them."""


def _chunk_digests(data: bytes) -> bytes:
    """The first 8 bytes of the SHA-256 of each CHUNK of `data`, which starts at a multiple of CHUNK in the log."""
    sha256 = hashlib.sha256
    return b"".join(sha256(data[at : at + CHUNK]).digest()[:8] for at in range(0, len(data), CHUNK))


class _Forgotten(dict):
    """Heads a walk need not keep: every one is forgotten as it is seen."""

    def __setitem__(self, key: str, value: int) -> None:
        pass
