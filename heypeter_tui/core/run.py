"""A run's state is a fold over its events: statuses, notes, sign-offs, contacts, T-0, timers, undo."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from heypeter_tui.core import events as ev
from heypeter_tui.core.checklist import (
    Checklist,
    ContactRole,
    checklist_from_dict,
)
from heypeter_tui.core.event_log import EventLog
from heypeter_tui.core.events import Actor, Event
from heypeter_tui.core.log_index import subject_of as _subject

PENDING, DONE, NA, BLOCKED = "pending", "done", "na", "blocked"
STATUSES = (PENDING, DONE, NA, BLOCKED)
COMPLETE = frozenset({DONE, NA})
NEEDS_REASON = frozenset({NA, BLOCKED})
SYMBOLS = {PENDING: "[ ]", DONE: "[x]", NA: "[-]", BLOCKED: "[!]"}
LABELS = {PENDING: "pending", DONE: "done", NA: "N/A", BLOCKED: "blocked"}
NOTES_KEPT = 20
"""An item's newest notes the fold keeps (with their count): a monitoring day leaves tens of thousands on one item,
and a state is copied, kept in a checkpoint and drawn often. `all_notes` (core/item_log.py) reads every one."""


class RunLogError(ValueError):
    """The log cannot be read as a run at all (no `run.created` first, or a damaged one)."""


@dataclass(frozen=True)
class Note:
    """A note on an item: its text, who wrote it, and when."""

    text: str
    actor: Actor
    at: str


@dataclass(frozen=True)
class ItemState:
    """Where an item stands now, and the notes on it."""

    status: str = PENDING
    reason: str = ""
    actor: Actor | None = None
    at: str | None = None
    notes: tuple[Note, ...] = ()
    """The newest notes, at most NOTES_KEPT: `item_log.all_notes` has them all."""
    override: str = ""
    """Why it was ticked although the gate said NO-GO, where it was."""
    check: Event | None = None
    """Its latest check's `item.check` event (core/checks.py): shown on the item, whatever its status."""
    note_count: int = 0
    """How many notes it has, `notes` being the newest of them."""

    @property
    def complete(self) -> bool:
        return self.status in COMPLETE


@dataclass(frozen=True)
class Signature:
    """A role's sign-off."""

    role: str
    name: str
    signature: str
    at: str
    actor: Actor
    open_items: int = 0
    """Readiness items still open when this was signed."""
    seq: int = 0
    """Position of the signing event in the log."""
    readiness: str = ""
    """SHA-256 of the readiness its signer saw (core/staleness.py); empty in logs from before digests,
    where a signature is stale after any later readiness change, judged by log order."""


@dataclass(frozen=True)
class Timer:
    """An item's timer ("Monitor for 30 minutes"): started, and maybe stopped."""

    key: str
    seconds: int
    started_at: str
    actor: Actor
    stopped_at: str | None = None
    started_by: str = ""
    """The id of the event that started it: the dashboard that started it repeats its item's check (`every`)."""


@dataclass(frozen=True)
class Contact:
    """Who to call for a role during this run."""

    role: str
    name: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class RunState:
    """A run as its log says it is now: the fold of every event so far."""

    run_id: str
    title: str
    checklist: Checklist
    created: Event
    t0: str | None = None
    items: Mapping[str, ItemState] = field(default_factory=dict)
    signoffs: Mapping[str, Signature] = field(default_factory=dict)
    contacts: Mapping[str, Contact] = field(default_factory=dict)
    events: EventLog = field(default_factory=EventLog)
    """Every event in log order (core/event_log.py: a resumed fold reads its first ones back only on demand)."""
    undone: frozenset[str] = frozenset()
    timers: Mapping[str, Timer] = field(default_factory=dict)
    readiness_seq: int = 0
    """Position in the log of the latest change to a readiness item (0: none yet)."""
    doubt: str = ""
    """Why the log cannot be vouched for (its hash chain broken, this host's witness contradicted, its first line
    naming another run), set by the session from what it read; the gate holds NO-GO while there is one."""
    verified: frozenset[str] = frozenset()
    """The roles whose standing sign-off carries an SSH signature that verified against the allowed signers (and the
    role's principals): set by the session (core/signoff_check.py), never by the fold, which runs no programs."""

    def item(self, key: str) -> ItemState:
        return self.items.get(key, _PENDING_ITEM)

    @property
    def read_only(self) -> str | None:
        """Why this run may not be changed here, if it may not: a log from a newer heypeter-tui."""
        schema = self.created.get("schema", ev.LOG_SCHEMA)
        if isinstance(schema, int) and schema > ev.LOG_SCHEMA:
            return f"this run was written by a newer heypeter-tui (log schema {schema}); opened read-only"
        return None

    @property
    def last_event(self) -> Event:
        return self.events[-1] if self.events else self.created


_PENDING_ITEM = ItemState()


# -- the fold --------------------------------------------------------------------------------------


def fold(events: Iterable[Event], problems: list[str] | None = None) -> RunState:
    """The state of a run from its whole log. The first event must be `run.created`.

    An event the fold cannot apply is skipped and said in `problems`: no one event stops a load."""
    iterator = iter(events)
    created = next(iterator, None)
    if created is None or created.type != ev.RUN_CREATED:
        raise RunLogError("the log does not start with run.created")
    try:
        checklist = checklist_from_dict(created.get("template"))
    except (KeyError, TypeError, ValueError, AttributeError, RecursionError) as error:
        raise RunLogError(f"run.created carries no readable checklist ({str(error)[:200]})") from error
    contacts = {role.role: _contact_from_role(role) for role in checklist.contacts}
    for raw in created.get("contacts") or ():
        if isinstance(raw, dict) and raw.get("role"):
            fields = {k: str(raw.get(k) or "") for k in ("role", "name", "phone", "email")}
            contacts[fields["role"]] = Contact(**fields)
    state = RunState(
        run_id=str(created.get("run", "")),
        title=str(created.get("title", "")),
        checklist=checklist,
        created=created,
        t0=created.get("t0"),
        contacts=contacts,
        events=EventLog((created,)),
    )
    return advance(state, iterator, problems)


def advance(state: RunState, new_events: Iterable[Event], problems: list[str] | None = None) -> RunState:
    """`state` with more events folded in: what tailing the log does."""
    folder = _Folder(state)
    for event in new_events:
        try:
            folder.apply(event)
        except Exception as error:  # the validator should have caught it; a run still loads
            if problems is not None:
                what = f"event {event.id[:40]} ({event.type[:40]})"
                problems.append(f"{what} could not be applied ({error!r:.120}); skipped")
    return folder.result()


class _Folder:
    """Applies events to mutable copies, then freezes them once: one pass over the log.

    An undo does not replay anything at once: it marks its target's subject (an item, a role, a
    contact, T-0, a timer) dirty, and `result` rebuilds every dirty subject in one pass over the log
    from the events that still count. However many undos a log holds, a fold stays linear.
    """

    def __init__(self, state: RunState) -> None:
        self.state = state
        self.items = dict(state.items)
        self.signoffs = dict(state.signoffs)
        self.contacts = dict(state.contacts)
        self.log = state.events
        self.new: list[Event] = []
        """The events folded in by this pass, after `log`'s."""
        self.undone = set(state.undone)
        self.t0 = state.t0
        self.title = state.title
        self.timers = dict(state.timers)
        self.readiness_seq = state.readiness_seq
        self.readiness_keys = state.checklist.readiness_keys
        self.dirty: set[tuple[str, str]] = set()
        self._positions: dict[str, int] | None = None
        """Event id -> position among this pass's events, built on the first undo of a pass (the log's own are in
        its index: core/log_index.py)."""

    def result(self) -> RunState:
        if self.dirty:
            self._rebuild()
        return replace(
            self.state,
            t0=self.t0,
            title=self.title,
            items=MappingProxyType(self.items),
            signoffs=MappingProxyType(self.signoffs),
            contacts=MappingProxyType(self.contacts),
            events=self.log.extended(self.new),
            undone=frozenset(self.undone),
            timers=MappingProxyType(self.timers),
            readiness_seq=self.readiness_seq,
        )

    def _at(self, position: int) -> Event:
        start = len(self.log)
        return self.new[position - start] if position >= start else self.log[position]

    def apply(self, event: Event) -> None:
        position = len(self.log) + len(self.new)
        self.new.append(event)
        if self._positions is not None:
            self._positions.setdefault(event.id, position - len(self.log))
        if event.type == ev.UNDO:
            self._undo(event.data["target"], position)
            return
        if event.type == ev.ITEM_STATUS and event.data.get("item") in self.readiness_keys:
            self.readiness_seq = position
        subject = _subject(event)
        if subject in self.dirty:
            return  # its subject is rebuilt from the whole log at the end: applying now would count it twice
        self._apply(event, position)

    def _undo(self, target_id: str, position: int) -> None:
        """Only an earlier event can be undone, once; an undo of an undo (or of nothing) does nothing."""
        index = self.log.first_position(target_id)
        if index is None:
            if self._positions is None:
                self._positions = {}
                for at, event in enumerate(self.new):
                    self._positions.setdefault(event.id, at)
            at = self._positions.get(target_id)
            index = at + len(self.log) if at is not None else None
        if index is None or index >= position or target_id in self.undone:
            return
        target = self._at(index)
        subject = _subject(target)
        if subject is None:
            return
        self.undone.add(target_id)
        if target.type == ev.ITEM_STATUS and subject[1] in self.readiness_keys:
            self.readiness_seq = position  # undoing a readiness change is one too
        self.dirty.add(subject)

    def _rebuild(self) -> None:
        """Every dirty subject as its events that still count make it, in log order."""
        initial = None
        for kind, name in self.dirty:
            if kind == "item":
                self.items.pop(name, None)
            elif kind == "timer":
                self.timers.pop(name, None)
            elif kind == "signoff":
                self.signoffs.pop(name, None)
            elif kind == "contact":
                initial = initial if initial is not None else fold_initial_contacts(self.state)
                if name in initial:
                    self.contacts[name] = initial[name]
                else:
                    self.contacts.pop(name, None)
            elif kind == "t0":
                self.t0 = self.state.created.get("t0")
            elif kind == "title":
                self.title = str(self.state.created.get("title", ""))
        start, ours = len(self.log), {}  # this pass's events of each dirty subject; the log's are in its index
        for at, event in enumerate(self.new):
            subject = _subject(event)
            if subject in self.dirty:
                ours.setdefault(subject, []).append(start + at)
        for subject in self.dirty:  # subjects are apart: each in log order is the log in order
            for position in [*self.log.positions(self.log.index.subjects.get(subject)), *ours.get(subject, ())]:
                event = self._at(position)
                if event.type != ev.UNDO and event.id not in self.undone:
                    self._apply(event, position)
        self.dirty.clear()

    def _apply(self, event: Event, position: int) -> None:
        """Fields the validator requires are read as they are (core/validate.py checked each line's types and
        presence); an event that still breaks that is skipped by `advance`, said as not applied."""
        kind, data = event.type, event.data
        if kind == ev.ITEM_STATUS:
            key, status = data["item"], data["status"]
            if key in self.state.checklist.items_by_key and status in STATUSES:
                before = self.items.get(key, _PENDING_ITEM)
                reason, override = data.get("reason"), data.get("override")
                self.items[key] = ItemState(  # not dataclasses.replace: this runs once per event
                    status, str(reason) if reason else "", event.actor, event.ts, before.notes,
                    str(override) if override else "", before.check, before.note_count,
                )
        elif kind == ev.ITEM_CHECK:
            key = data["item"]
            if key in self.state.checklist.items_by_key:
                self.items[key] = replace(self.items.get(key, _PENDING_ITEM), check=event)
        elif kind == ev.ITEM_NOTE:
            key = data["item"]
            if key in self.state.checklist.items_by_key:
                current = self.items.get(key, _PENDING_ITEM)
                note = Note(data["text"], event.actor, event.ts)
                notes = current.notes[1 - NOTES_KEPT :] if len(current.notes) >= NOTES_KEPT else current.notes
                self.items[key] = replace(current, notes=notes + (note,), note_count=current.note_count + 1)
        elif kind == ev.SIGNOFF_SIGN:
            role = data["role"]
            if role in self.state.checklist.signoffs and not misplaced(event):
                self.signoffs[role] = Signature(
                    role, data["name"], data.get("signature") or "", event.ts, event.actor,
                    data.get("open_items") or 0, position, data.get("readiness") or "",
                )
        elif kind == ev.SIGNOFF_REVOKE:
            self.signoffs.pop(data["role"], None)
        elif kind == ev.CONTACT_SET:
            role = data["role"]
            self.contacts[role] = Contact(role, **{k: data.get(k) or "" for k in ("name", "phone", "email")})
        elif kind == ev.RUN_T0:
            self.t0 = data["t0"]
        elif kind == ev.RUN_RENAMED:
            self.title = data["title"]
        elif kind == ev.TIMER_START:
            key = data["item"]
            entry = self.state.checklist.items_by_key.get(key)
            if entry and entry[1].timer:
                self.timers[key] = Timer(key, entry[1].timer, event.ts, event.actor, started_by=event.id)
        elif kind == ev.TIMER_STOP:
            key = data["item"]
            if key in self.timers and self.timers[key].stopped_at is None:
                self.timers[key] = replace(self.timers[key], stopped_at=event.ts)


def misplaced(event: Event) -> bool:
    """A key-signed sign-off whose signature vouches for another place in the chain than its own: the chain head it
    signed is not the link of its own line (`prev`, the hash of the line just before it). A sign line replayed,
    moved or copied after a revoke is one; it never stands as a sign-off, nor counts as "signed again". Only the
    sign-off's key can make a signature for the line it sits after. Its `prev` is only what it claims: one read at a
    broken link (a copy keeping the original's `prev`) is not where it claims to be, acknowledged or not."""
    return bool(event.get("ssh_signature")) and (event.link_broken or event.get("signed_head") != event.get("prev"))


def event_positions(state: RunState) -> dict[str, int]:
    """Each undo's and its target's id -> the first position of that id in the log, computed once per state (the
    timeline says what each undo undid): the log's index knows most; the rest are looked for in one walk."""
    from heypeter_tui.core.memo import for_state

    def compute() -> dict[str, int]:
        log = state.events
        wanted: set[str] = set()
        for at in log.positions(log.index.undos):
            event = log[at]
            wanted |= {event.id, str(event.get("target"))}
        found = {key: at for key in wanted if (at := log.index.ids.get(key)) is not None and at < len(log)}
        apart = log.index.apart
        if log.prefix is not None and apart is not None and any(apart.may_hold(key) for key in wanted):
            for position, event in enumerate(log.prefix):
                if event.id in wanted:
                    found[event.id] = min(found.get(event.id, position), position)
        return found

    return for_state("positions", state, compute)


def _contact_from_role(role: ContactRole) -> Contact:
    return Contact(role.role, role.name, role.phone, role.email)


def fold_initial_contacts(state: RunState) -> dict[str, Contact]:
    """The contacts a run started with: the checklist's defaults, then those carried over."""
    return dict(fold([state.created]).contacts)
