"""One person's hold on one run: its store, its folded state, who is acting and the clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from heypeter_tui.core import events as ev
from heypeter_tui.core.clock import Clock, system_clock
from heypeter_tui.core.errors import UserError
from heypeter_tui.core.events import Actor, Event, new_event
from heypeter_tui.core.paths import describe_os_error
from heypeter_tui.core.run import RunLogError, RunState, advance, fold
from heypeter_tui.core.store import ANYWHERE, RunStore
from heypeter_tui.core.text import MAX_OPERATOR, check_length, clean_line

TYPE_CHECKING = False  # the command builders load only where a change is made
if TYPE_CHECKING:
    from heypeter_tui.core.commands import Change


READ_BLOCK = 4 << 20
"""Bytes of log a first read folds at a time (core/store.py, `read_new`)."""


class RunSession:
    def __init__(self, store: RunStore, actor: Actor, clock: Clock = system_clock,
                 allowed_signers: Path | None = None, witness_path: Path | None = None,
                 checkpoints: Path | None = None) -> None:
        self.checkpoints = checkpoints
        self.resumed = 0
        """Events this session's first read took from a checkpoint instead of folding them (0: none)."""
        """Where this user's checkpoints of folds are kept (core/checkpoint.py); None: each read from the first line."""
        self.allowed_signers = allowed_signers
        """This reader's own allowed signers file (config.yaml's allowed_signers): a second opinion said beside each
        key signature's verdict, never the verdict, which the run's own keys decide (core/signoff_check.py)."""
        self._verdicts: dict[tuple, bool] = {}
        self.witness_path = witness_path
        """Where this host keeps what it saw of the chain, read by readers too (the gate consults it)."""
        self.witness: Path | None = None
        """Where this host keeps the chain head it last saw (core/witness.py); None: a reader, which writes nothing."""
        self.witness_trouble = ""
        """Why the witness could not be kept at the last try (a full disk), else empty: a writer says it."""
        self.on_witness_trouble: Callable[[str], object] | None = None
        """Told each time the witness could not be kept (the CLI says it on stderr once the command is done)."""
        self.store = store
        self.actor = actor
        self.clock = clock
        self.fold_problems: list[str] = []
        self.state: RunState = self._load()
        self.own_changes: list[str] = []
        """Ids of the changes made through this session, oldest first: what undo walks back."""

    def _load(self) -> RunState:
        self.fold_problems = []
        try:
            return self._verified(self._fold())
        except RunLogError as error:
            raise UserError(f"{self.store.where}: not a readable run: {error}") from error
        except OSError as error:
            raise UserError(f"{self.store.where}: cannot read: {describe_os_error(error)}") from error

    def _fold(self) -> RunState:
        """The whole run: from this user's checkpoint of it where one still holds, else from its first line, a block
        at a time, the events of each block held apart (core/checkpoint.py, `held_apart`) so a long run's memory is
        its state's, not its length; a checkpoint left where this read folded many events."""
        if self.checkpoints is None or type(self.store) is not RunStore:
            return fold(self.store.load(), self.fold_problems)
        from heypeter_tui.core import checkpoint
        from heypeter_tui.core.witness import seen

        witnessed = seen(self.witness_path) if self.witness_path is not None else None
        also = (witnessed[0],) if witnessed else ()  # what judging this host's witness asks the chain
        resumed = checkpoint.resume(self.checkpoints, self.store)
        self.resumed = len(resumed[0].events) if resumed is not None else 0
        if resumed is None:
            state, start = fold(self.store.load(READ_BLOCK), self.fold_problems), 0
        else:
            state, self.fold_problems = resumed
            start = self.store.events_read
            state = advance(state, self.store.read_new(READ_BLOCK), self.fold_problems)
        while self.store.more:
            if len(state.events) - state.events.start >= checkpoint.CHECKPOINT_AFTER:
                state = checkpoint.held_apart(state, self.store, also)
            state = advance(state, self.store.read_new(READ_BLOCK), self.fold_problems)
        if self.store.events_read - start >= checkpoint.CHECKPOINT_AFTER:
            state = checkpoint.held_apart(state, self.store, also)
            if self.store.ends_whole:  # a torn last line is read otherwise once a writer ends it
                checkpoint.leave(self.checkpoints, self.store, state, self.fold_problems, also)
        return state

    @property
    def problems(self) -> list[str]:
        """Every line of the log that did not become part of the run, naming file and line."""
        return [str(problem) for problem in self.store.problems] + [
            f"{self.store.where}: {problem}" for problem in self.fold_problems
        ]

    def integrity(self) -> Integrity:
        """What the record says of how whole the log was: events read, lines skipped or set aside."""
        skipped = tuple(p.line for p in self.store.problems if not p.set_aside)
        set_aside = tuple(p.line for p in self.store.problems if p.set_aside)
        chain = self.store.chain
        described = chain.describe()
        if chain.broken is not None:  # every break, each with who acknowledged it and why where someone did
            from heypeter_tui.core.acknowledge import said

            shown = [said(found, self.state) for found in chain.breaks[:5]]
            more = len(chain.breaks) - len(shown) + chain.more_breaks
            described = "chain broken at " + "; at ".join(shown) + (f"; and {more} more breaks" if more else "")
        return Integrity(len(self.state.events), skipped, set_aside, len(self.fold_problems), chain.head or "",
                         described, chain.broken is not None)

    def record(self, *changes: Change, after: str | None = ANYWHERE) -> Event:
        """Append durably (several changes all or none), then fold in everything new in the log,
        ours included. Returns the last event written. `after`: only right after the line of that hash
        (a key-signed sign-off: its signature vouches for that place); HeadMoved, nothing written, otherwise."""
        if self.state.read_only:
            raise UserError(self.state.read_only)
        now = self.clock()
        events = [new_event(change.type, self.actor, now, **change.data) for change in changes]
        if after is ANYWHERE:
            self.store.append(*events)
        else:
            self.store.append(*events, after=after)
        self.own_changes += [event.id for event in events if event.type != ev.UNDO]
        try:
            self.refresh()
        except UserError as error:  # kept, but not read back (a database lost just after the commit): said so
            raise UserError(f"recorded, not yet read back: {error}; it shows once the run is read again") from error
        self.remember()
        last = events[-1].id  # as the log holds it: linked into the hash chain by the store
        return next((event for event in reversed(self.state.events) if event.id == last), events[-1])

    def undo_change(self) -> Change:
        """An `undo` of the latest change made here that is not undone yet (by anyone); refused, with the reason,
        where that change may not be undone (the revoke of a key signature: core/commands.py, `undo`)."""
        from heypeter_tui.core.commands import undo

        for event_id in reversed(self.own_changes):
            if event_id not in self.state.undone:
                return undo(self.state, event_id)
        raise UserError("nothing to undo: no change made in this dashboard is left")

    def set_operator(self, name: str) -> None:
        """Who is at the keyboard now; every event from here on records it."""
        name = check_length(clean_line(name).strip(), MAX_OPERATOR, "the operator's name")
        if not name:
            raise UserError("the operator needs a name")
        self.actor = replace(self.actor, operator=name)

    def refresh(self) -> list[Event]:
        """Fold in what others appended since the last read; returns those events. Where the log
        shrank or was replaced (`store.restarted`), the run is folded again from its first event.
        The same path as the dashboard's reads in a worker thread: read apart, then taken in."""
        new = self.take(self.read_apart().run())
        assert new is not None  # nothing read in between on this thread
        return new

    def read_apart(self) -> Catchup:
        """A read of what is new, to `run` on any thread: it holds a fork of the store and the state as it is
        now, and touches nothing of this session's. Made on the session's own thread."""
        return Catchup(self.store.fork(), self.state, tuple(self.fold_problems))

    def take(self, catchup: Catchup) -> list[Event] | None:
        """What `catchup` read and folded becomes this session's: its events. None (nothing changed) where
        the session read since the catch-up began (`record` refreshes): its reading no longer follows on;
        the next read picks up from where the session is. On the session's own thread only, so the one
        place the state and the store's position change is this thread, one change at a time."""
        if not self.store.adopt(catchup.store):  # the state moves only here, with the store: one check for both
            return None
        self.state, self.fold_problems = self._verified(catchup.state), list(catchup.fold_problems)
        if catchup.new:
            self.remember()
        return catchup.new

    def _doubt(self, state: RunState) -> str:
        chain = self.store.chain
        if chain.broken is not None:
            from heypeter_tui.core.acknowledge import unacknowledged

            left = unacknowledged(chain, state)  # a break someone acknowledged (verify --acknowledge) holds no more
            if left:
                return f"hash chain broken at {left[0]}"
        if state.run_id != self.store.opened_id:
            return f"its first line names another run ({clean_line(state.run_id)[:60]!r})"
        if self.witness_path is not None:
            from heypeter_tui.core.witness import judge

            return judge(self.witness_path, chain) or ""
        return ""

    def remember(self) -> None:
        if self.witness is not None:
            from heypeter_tui.core.witness import remember

            self.witness_trouble = remember(self.witness, self.store.chain)
            if self.witness_trouble and self.on_witness_trouble is not None:
                self.on_witness_trouble(self.witness_trouble)

    def _verified(self, state: RunState) -> RunState:
        """The state with what only reading can tell: whether the log can be vouched for (`doubt`), and which roles'
        key signatures verify, where any sign-off is key-signed (most runs have none: no cost)."""
        doubt = self._doubt(state)
        if doubt != state.doubt:
            state = replace(state, doubt=doubt)
        if not state.verified and not any(state.events[s.seq].get("ssh_signature") for s in state.signoffs.values()):
            return state
        from heypeter_tui.core.signoff_check import with_verified

        return with_verified(state, self.store.chain, self._verdicts)

    def line_checks(self) -> dict:
        """Every key-signed sign line's own verdict, by its position in the log (core/signoff_check.py): what the
        timeline and a sign-off's history say of each signature, with this reader's second opinion beside it."""
        from heypeter_tui.core.signoff_check import line_checks

        return line_checks(self.state, self.store.chain, self.allowed_signers)

    def signature_checks(self) -> list:
        """Each standing sign-off's verdict (core/signoff_check.py), with this reader's second opinion beside it."""
        from heypeter_tui.core.signoff_check import check_signoffs

        return check_signoffs(self.state, self.store.chain, self.allowed_signers)


class Catchup:
    """One read of a run's log, folded, apart from its session: a worker thread runs it while the session
    stays as it was; the session then `take`s it or, where it read meanwhile, does not."""

    def __init__(self, store: RunStore, base: RunState, fold_problems: tuple[str, ...]) -> None:
        self.store = store
        """A fork: this catch-up's own (core/store.py)."""
        self.base = base
        self.state = base
        self.fold_problems = fold_problems
        self.new: list[Event] = []
        self.restarted = False
        self.restart_why = ""
        """Where `restarted`: what the store found (a log replaced or cut short, rows of a database run gone)."""

    def run(self) -> Catchup:
        """Read what is new and fold it: file reads and folding, on whatever thread calls it. RunState is
        immutable, so folding onto `base` changes nothing the session holds."""
        self.new = self.store.read_new()
        self.restarted = self.store.restarted
        self.restart_why = self.store.restart_why
        problems = [] if self.restarted else list(self.fold_problems)
        if self.restarted:
            try:
                self.state = fold(self.new, problems)
            except RunLogError as error:
                replaced = f"{self.store.where}: replaced by something that is not a readable run"
                raise UserError(f"{replaced}: {error}") from error
        elif self.new:
            self.state = advance(self.base, self.new, problems)
        self.fold_problems = tuple(problems)
        return self


@dataclass(frozen=True)
class Integrity:
    """How whole a run's log was when read: the record states it."""

    events: int
    skipped_lines: tuple[int, ...] = ()
    set_aside_lines: tuple[int, ...] = ()
    unapplied: int = 0
    chain_head: str = ""
    """The hash of the log's last line (core/chain.py): `verify --digest` finds this record by it."""
    chain: str = ""
    """The hash chain in one line: intact (from where), or where it first broke."""
    chain_broken: bool = False

    @property
    def whole(self) -> bool:
        return not (self.skipped_lines or self.set_aside_lines or self.unapplied or self.chain_broken)
