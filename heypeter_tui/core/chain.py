"""The hash chain: every event carries `prev`, the SHA-256 of the exact bytes of the line before it.

A writer links its events under its append lock (file store) or in the append's transaction (PostgreSQL, where the
server fills in `prev` over the line it holds); a reader re-walks the links as it reads. An edited, removed,
inserted or reordered line breaks the link of the line after it: the first broken link names its line (or seq).

What a chain cannot see alone: the last line edited or the log cut short at a line's end leave every link whole.
The chain head (the hash of the last line) closes that gap: the record carries it, and `verify --digest` checks that
a run still holds the record with that head unchanged.

Logs written before the chain have no `prev`: they read as "unchained up to line N", and are chained from there. The
first line (run.created) never has a link. Blank lines are no lines: they are neither hashed nor linked.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace

from heypeter_tui.core.events import Event

PREV = "prev"
PLACEHOLDER = "0" * 64
"""What a PostgreSQL writer sends as `prev`: the server puts the real link in its place, in the append's transaction
(core/pg_schema.py). A line that still holds it was never linked."""


def line_hash(raw: bytes) -> str:
    """The hash a link names: of a line's exact bytes, without its newline."""
    return hashlib.sha256(raw).hexdigest()


def link(events: tuple[Event, ...] | list[Event], prev: str | None) -> tuple[list[bytes], str | None]:
    """The lines of `events`, each linked to the line before it (`prev`: the hash of the log's last line; None in
    an empty log, where the first event links to nothing), and the hash of the last of them: the new head."""
    lines: list[bytes] = []
    for event in events:
        if prev is not None:
            event = replace(event, data={**event.data, PREV: prev})
        line = event.to_line()
        lines.append(line)
        prev = line_hash(line[:-1])
    return lines, prev


def with_placeholder(event: Event) -> Event:
    return replace(event, data={**event.data, PREV: PLACEHOLDER})


class Heads(dict):
    """Every head seen, by the line it closed: a walk resumed from a checkpoint (core/checkpoint.py) holds the few it
    was given, and reads the rest back (`more`) the first time one is asked for that it does not hold."""

    def __init__(self, known=(), more=None) -> None:
        super().__init__(known)
        self.more = more

    def _complete(self) -> bool:
        more, self.more = self.more, None
        if more is None:
            return False
        known = dict(self)
        self.clear()
        self.update(more())
        self.update(known)  # the heads seen after the checkpoint
        return True

    def get(self, key, default=None):
        if not dict.__contains__(self, key):
            self._complete()
        return dict.get(self, key, default)

    def __contains__(self, key) -> bool:
        return dict.__contains__(self, key) or (self._complete() and dict.__contains__(self, key))

    def copy(self) -> Heads:
        return Heads(self, self.more)


MAX_BREAKS = 1000
"""Breaks a walk keeps, each with what it broke on: past this, the rest are one count (`Chain.more_breaks`)."""


@dataclass(frozen=True)
class Break:
    line: int
    message: str
    digest: str = ""
    """The hash of the line whose link broke: an acknowledgement names it, so it covers that line as it is now."""
    before: str = ""
    """The hash of the line before it as it is now (what its link fails to name): an acknowledgement names it too, so
    an edit of either line (the one edited first, most often the one before) needs a new one."""

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class Chain:
    """The walk so far: fed every non-blank line, in order, with the `prev` of the event it holds (None where it
    holds none, or is no event)."""

    head: str | None = None
    """The hash of the last line: the chain head."""
    head_line: int = 0
    unchained: int = 0
    """The last line before the chain began (0: chained from the first line after run.created)."""
    started: bool = False
    broken: Break | None = None
    """The first broken link; the walk goes on (the head still moves), but the chain is broken from here."""
    heads: dict[str, int] = field(default_factory=Heads)
    """Every head seen, by the line it closed: `verify --digest` asks whether a record's head is one of them."""
    breaks: list[Break] = field(default_factory=list)
    """Every broken link, in order (the first is `broken`): each must be acknowledged for the gate to pass."""
    more_breaks: int = 0
    """Breaks past MAX_BREAKS, counted: never acknowledged one by one, so they hold the gate."""

    def copy(self) -> Chain:
        return replace(self, heads=self.heads.copy(), breaks=list(self.breaks))

    def see(self, line: int, raw: bytes, prev: str | None, is_event: bool, digest: str | None = None) -> bool:
        """`digest`: the line's hash where the line itself was not fetched (a database row too long to read).
        False where this line's own link broke: whatever it says, it is not where it claims to be."""
        digest = digest or line_hash(raw)
        held = True
        if is_event and line > 1:
            held = self._check(line, prev, digest)
        self.head, self.head_line = digest, line
        # Every line's hash, after a break too: the break is said (and held) on its own; a witness or a signature
        # of a later line is judged by that line, so an acknowledged break does not make every later line suspect.
        self.heads[self.head] = line
        return held

    def _check(self, line: int, prev: str | None, digest: str) -> bool:
        if prev is None:
            if self.started:
                self._break(line, "no link to the line before it, after the chain began (inserted by a writer "
                                  "that does not link, or its link removed)", digest)
                return False
            self.unchained = line
            return True
        self.started = True
        if prev != self.head:
            what = "the server never linked it" if prev == PLACEHOLDER else (
                f"its link does not match line {self.head_line}: line {self.head_line} was changed, or a line "
                "removed before this one, or this one inserted or moved")
            self._break(line, what, digest)
            return False
        return True

    def _break(self, line: int, message: str, digest: str) -> None:
        found = Break(line, message, digest, self.head or "")
        if self.broken is None:
            self.broken = found
        if len(self.breaks) < MAX_BREAKS:
            self.breaks.append(found)
        else:
            self.more_breaks += 1

    def describe(self) -> str:
        """One line: intact (and from where), or where it first broke."""
        if self.broken is not None:
            return f"chain broken at {self.broken}"
        if not self.started:  # a run of its first event alone has nothing to link yet: nothing to say
            return f"unchained up to line {self.unchained} (written before the hash chain)" if self.unchained else ""
        since = f", unchained up to line {self.unchained}" if self.unchained else ""
        return f"chain intact to line {self.head_line}{since}"
