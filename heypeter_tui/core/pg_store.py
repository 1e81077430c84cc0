"""The PostgreSQL store: runs and their events in a database a team shares, behind the file store's methods.

- An append is one transaction: a lock on the run (an advisory lock, which needs no UPDATE grant), the next
  seq, the insert of every event of the change, and `pg_notify`; what was appended is shown only after the
  commit. A writer that meets a seq taken anyway (one that does not take the lock) tries again: nothing is lost
  and each writer's order is kept.
- A read is `seq > last seen`: a reader never misses a row and never reads one twice; catching up after a lost
  connection is the same read. The same query probes what was read (the hash of the row at the last seq, the
  count up to it): a run cut short, replaced or filled in below is read again from the top, as a file log is.
- Every database failure is one line (a UserError): the database unreachable, a grant missing, the tables
  missing. A lost connection is dropped and made again on the next use.
- One connection per store, used by one thread at a time (a lock): the dashboard's catch-up thread and its
  event loop take turns, so no read runs inside another thread's transaction.
"""

from __future__ import annotations

import hashlib
import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from heypeter_tui.core import pg_schema
from heypeter_tui.core.chain import PREV, Chain, with_placeholder
from heypeter_tui.core.errors import UserError
from heypeter_tui.core.events import RUN_CREATED, Event
from heypeter_tui.core.store import ANYWHERE, HeadMoved, LogProblem, decode_event, too_long, unlinked
from heypeter_tui.core.store_choice import PASSWORD_KEYS, StoreChoice, needs_extra, parse_problem
from heypeter_tui.core.text import clean_line
from heypeter_tui.core.validate import MAX_FIRST_LINE_BYTES, MAX_LINE_BYTES
from heypeter_tui.core.workspace import RunRef, RunSpace, check_run_id, is_run_id

try:
    import psycopg
except ImportError as missing:  # the plain install: one line naming the extra
    raise needs_extra() from missing

T = TypeVar("T")
CONNECT_TIMEOUT = 5
"""Seconds to wait for a server that does not answer: a command says so rather than hang."""
_SEQ_RETRIES = 50


class Unreachable(UserError):
    """The database could not be reached, or the connection was lost: nothing was recorded."""


def describe(error: BaseException, secrets: tuple[str, ...] = ()) -> str:
    """A database error in one short line: libpq's first line, which says what failed (its next lines guess why).
    Any of `secrets` (the store's passwords) it quotes is `***`, before it is cut short."""
    first = next((line.strip() for line in str(error).splitlines() if line.strip()), "") or type(error).__name__
    for secret in sorted(secrets, key=len, reverse=True):
        first = first.replace(secret, "***")
    return clean_line(first.rstrip(".;: "))[:200]


class Database:
    def __init__(self, choice: StoreChoice, checked: bool = True) -> None:
        self.choice = choice
        self.checked = checked
        """Each connection checks the tables are there, and of this version (not for `store init`)."""
        self.shown = clean_line(choice.shown)
        self.secrets = choice.passwords
        self._conn: psycopg.Connection | None = None
        self._lock = threading.RLock()

    def why(self, error: BaseException) -> str:
        """`describe`, never quoting this store's passwords."""
        return describe(error, self.secrets)

    def connect(self) -> psycopg.Connection:
        """A new connection, autocommit (every write is an explicit transaction)."""
        try:
            conn = psycopg.connect(self.choice.location, autocommit=True, **_defaults(self.choice.location))
        except psycopg.Error as error:
            raise Unreachable(f"cannot reach the database {self.shown}: {self.why(error)}") from None
        if self.checked:
            try:
                pg_schema.check(conn, self.shown)
            except BaseException:
                conn.close()
                raise
        return conn

    @contextmanager
    def connection(self) -> Iterator[psycopg.Connection]:
        """This store's connection, made (again) where there is none or it was lost; every error a UserError."""
        with self._lock:
            try:
                if self._conn is None or self._conn.closed or self._conn.broken:
                    self._conn = self.connect()
                yield self._conn
            except psycopg.OperationalError as error:
                self.close()
                raise Unreachable(f"lost the database {self.shown}: {self.why(error)}") from None
            except psycopg.errors.InsufficientPrivilege as error:
                raise UserError(f"{self.shown}: not allowed: {self.why(error)} (the README lists the grants)") from None
            except psycopg.Error as error:
                if self._conn is not None and self._conn.broken:
                    self.close()
                    raise Unreachable(f"lost the database {self.shown}: {self.why(error)}") from None
                raise UserError(f"{self.shown}: {self.why(error)}") from None

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
            self._conn = None

    def run(self, work: Callable[[psycopg.Connection], T]) -> T:
        """`work` on this store's connection. A connection made earlier may have died unseen (the server
        restarted): its first use fails, and the work is done once more on a new one. That is safe for an append
        too: one in doubt either committed, and its event ids are found (idempotent), or never happened."""
        with self._lock:
            fresh = self._conn is None or self._conn.closed or self._conn.broken
            try:
                with self.connection() as conn:
                    return work(conn)
            except Unreachable:
                if fresh:
                    raise
            with self.connection() as conn:
                return work(conn)

    @contextmanager
    def held(self, key: int) -> Iterator[None]:
        """A session advisory lock, held by this store's connection (and this thread) until the block ends."""
        with self.connection() as conn:
            conn.execute("SELECT pg_advisory_lock(%s)", (key,))
            try:
                yield
            finally:
                if not conn.broken:
                    conn.execute("SELECT pg_advisory_unlock(%s)", (key,))

    # -- events ---------------------------------------------------------------------------------

    def append(self, run_id: str, events: tuple[Event, ...], create: tuple[str, str, str] | None = None,
               after: tuple[str | None] | None = None) -> bool:
        """Every event of `events` after the run's last, in one transaction, then a notification. With `create`
        (title, checklist, created) the run is made first, and False says its id is taken (nothing written).
        `after` (the one hash the run's last line must have): HeadMoved, nothing written, where it has another."""
        rows = [_row(event) for event in events]
        for attempt in range(_SEQ_RETRIES):
            try:
                if after is not None:
                    return self.run(lambda conn: _append_after(conn, run_id, rows, after[0]))
                return self.run(lambda conn: _append(conn, run_id, rows, create))
            except _SeqTaken:
                time.sleep(random.uniform(0.001, 0.005) * (attempt + 1))  # a writer without the lock: let it finish
        raise UserError(f"{self.shown}: run {run_id}: could not take a place in the log after {_SEQ_RETRIES} tries")

    def read(self, run_id: str, after: int) -> tuple[Probe, list[tuple[Any, ...]]]:
        """The rows after seq `after` (seq, line, size, digest), and what the run holds up to `after` now, in one
        query (one snapshot, one round trip): a reader sees a run cut short, replaced or filled in below it."""
        params = {"run": run_id, "after": after, "most": MAX_LINE_BYTES, "first": MAX_FIRST_LINE_BYTES,
                  "bound": pg_schema.SEQ_BOUND}
        rows = self.run(lambda conn: conn.execute(_READ, params).fetchall())
        _, head, head_size, _, count, beyond = rows[0]
        return Probe(count, head_size, head, beyond), [row[:4] for row in rows[1:]]


_LIMIT = "CASE WHEN seq = 1 THEN %(first)s ELSE %(most)s END"
_READ = f"""
SELECT 0::bigint, (SELECT CASE WHEN octet_length(line) <= {_LIMIT} THEN encode(sha256(convert_to(line, 'UTF8')), 'hex')
                          END FROM events WHERE run = %(run)s AND seq = %(after)s),
       (SELECT octet_length(line) FROM events WHERE run = %(run)s AND seq = %(after)s)::bigint, NULL,
       (SELECT count(*) FROM events WHERE run = %(run)s AND seq <= %(after)s),
       (SELECT count(*) FROM events WHERE run = %(run)s AND seq >= %(bound)s)
UNION ALL
(SELECT seq, CASE WHEN octet_length(line) <= {_LIMIT} THEN line END, octet_length(line)::bigint,
        CASE WHEN octet_length(line) > {_LIMIT} THEN encode(sha256(convert_to(line, 'UTF8')), 'hex') END, NULL, NULL
 FROM events WHERE run = %(run)s AND seq > %(after)s AND seq < %(bound)s ORDER BY seq)
ORDER BY 1
"""
"""The first row (seq 0, no run has one) is the probe: the hash and size of the row at the last seq read, how many
rows there are up to it, and how many beyond any run's length. Then the new rows; one longer than a line may be
(core/validate.py) comes as its size and hash alone, measured on the server: its text is never fetched."""


@dataclass(frozen=True)
class Probe:
    count: int
    """Rows at seqs up to the last read."""
    head_size: int | None
    """The size of the row at the last seq read; None where it is gone."""
    head: str | None
    """Its hash (None where it is longer than a line may be: its size stands for it)."""
    beyond: int
    """Rows at or beyond pg_schema.SEQ_BOUND."""


class _SeqTaken(Exception):
    """Another writer took the seq this one chose: the transaction is rolled back; try again."""


def _append(conn: psycopg.Connection, run_id: str, rows: list[tuple], create: tuple[str, str, str] | None) -> bool:
    """One statement, in one round trip, where the run exists (core/pg_schema.py, heypeter_append); with the run's
    row first, in one transaction, where it is made."""
    arrays = [list(column) for column in zip(*rows)]
    try:
        if create is None:
            conn.execute(_append_call(len(rows)), (run_id, *arrays[0], *arrays[1]))
            return True
        with conn.transaction():
            made = conn.execute("INSERT INTO runs (id, title, checklist, created) VALUES (%s, %s, %s, %s) "
                                "ON CONFLICT (id) DO NOTHING RETURNING id", (run_id, *create)).fetchone()
            if made is None:
                return False
            conn.execute(_append_call(len(rows)), (run_id, *arrays[0], *arrays[1]))
    except psycopg.errors.UniqueViolation as error:
        if error.diag.constraint_name == "events_pkey":
            raise _SeqTaken from None
        # The change's events are there already: an attempt whose commit was in doubt (the connection lost as it
        # committed) did commit. Appending by event id is idempotent; a change is one transaction, all or none.
        return create is None
    except psycopg.errors.ForeignKeyViolation:
        raise UserError(f"no run {run_id} in the database; nothing written") from None
    except (psycopg.errors.UntranslatableCharacter, psycopg.errors.InvalidTextRepresentation) as error:
        raise UserError(f"run {run_id}: PostgreSQL cannot keep this ({describe(error)}); nothing written") from None
    return True


def _append_after(conn: psycopg.Connection, run_id: str, rows: list[tuple], head: str | None) -> bool:
    """`_append`, only where the run's last line hashes to `head`: the run's lock taken first, so nobody appends
    between the look and the append (heypeter_append takes the same lock again: a transaction holds it once)."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(hashtextextended('heypeter-tui run ' || %s, 0))", (run_id,))
        last = conn.execute("SELECT encode(sha256(convert_to(line, 'UTF8')), 'hex') FROM events WHERE run = %s "
                            "AND seq < %s ORDER BY seq DESC LIMIT 1", (run_id, pg_schema.SEQ_BOUND)).fetchone()
        if (last[0] if last else None) != head:
            raise HeadMoved
        return _append(conn, run_id, rows, None)


def _row(event: Event) -> tuple[str, Any]:
    """The event's line, as the file store writes it, and its time."""
    return event.to_line()[:-1].decode("utf-8"), event.time


def _append_call(count: int) -> str:
    """The call for `count` events, each line and time a parameter of its own: a list parameter would be quoted
    as an array literal in Python, character by character (a third of an append's time)."""
    marks = ", ".join(["%s"] * count)
    return f"SELECT heypeter_append(%s, ARRAY[{marks}]::text[], ARRAY[{marks}]::timestamptz[])"


def _defaults(conninfo: str) -> dict[str, object]:
    """What a connection string leaves unsaid, said: a timeout, and a name in pg_stat_activity."""
    from psycopg.conninfo import conninfo_to_dict

    try:
        given = conninfo_to_dict(conninfo)
    except psycopg.Error:  # libpq's message quotes the string, password and all: said without a word of it
        raise UserError(parse_problem(conninfo) or "the store's connection string cannot be parsed") from None
    defaults: dict[str, object] = {"connect_timeout": CONNECT_TIMEOUT, "application_name": "heypeter-tui"}
    return {key: value for key, value in defaults.items() if key not in given}


class PgRunStore:
    """One run's log in the database, with the file store's methods (core/store.py): append, load, read_new,
    fork and adopt. The read position is the last seq read."""

    def __init__(self, db: Database, run_id: str, writer: bool = False) -> None:
        self.db, self.run_id, self.writer = db, run_id, writer
        self.where = f"{db.shown} run {run_id}"
        self.restarted = False
        self._reads = 0
        self._origin: tuple[PgRunStore | None, int] = (None, 0)
        self._reset()

    @property
    def opened_id(self) -> str:
        return self.run_id

    def _reset(self) -> None:
        self._seq = self.events_read = self._rows = self._beyond = 0
        self._head: tuple[int | None, str | None] = (None, None)
        """The size and hash of the row at the last seq read: the same row must be there at the next read."""
        self.restart_why = ""
        self.problems: list[LogProblem] = []
        self.chain = Chain()
        """The hash chain as walked so far, by seq (core/chain.py)."""

    def append(self, *events: Event, after: str | None = ANYWHERE) -> None:
        """The server links each event to the line before it, in the append's transaction (core/pg_schema.py).
        `after`: only right after the line of that hash, checked under the run's lock (HeadMoved otherwise)."""
        self.db.append(self.run_id, tuple(with_placeholder(event) for event in events),
                       after=None if after is ANYWHERE else (after,))

    def load(self) -> list[Event]:
        self._reset()
        return self.read_new()

    def fork(self) -> PgRunStore:
        import copy

        fork = copy.copy(self)
        fork.problems = list(self.problems)
        fork.chain = self.chain.copy()
        fork._origin = (self, self._reads)
        return fork

    def adopt(self, fork: PgRunStore) -> bool:
        origin, reads = fork._origin
        if origin is not self or reads != self._reads:
            return False
        self._seq, self.events_read, self.problems, self.chain = fork._seq, fork.events_read, fork.problems, fork.chain
        self._rows, self._beyond, self._head = fork._rows, fork._beyond, fork._head
        self.restarted, self.restart_why, self._reads = fork.restarted, fork.restart_why, self._reads + 1
        return True

    def read_new(self) -> list[Event]:
        """Rows after the last seq read, as the file store reads lines after its offset; all of them again, with
        `restarted` and `restart_why` set, where the run no longer holds what was read (a restore from a backup
        cut it short or replaced it, or rows missing below were filled in)."""
        self.restarted, self.restart_why = False, ""
        self._reads += 1
        probe, rows = self.db.read(self.run_id, self._seq)
        why = self._changed(probe)
        if why:
            self._reset()
            self.restarted, self.restart_why = True, why
            probe, rows = self.db.read(self.run_id, 0)
        if probe.beyond != self._beyond:
            self._beyond = probe.beyond
            if probe.beyond:
                self.problems.append(LogProblem(self.where, pg_schema.SEQ_BOUND, f"{probe.beyond:,} rows at seqs "
                                                f"beyond {pg_schema.SEQ_BOUND:,}, more than a run holds; skipped"))
        events: list[Event] = []
        for seq, line, size, digest in rows:
            if seq > self._seq + 1:
                missing = f"seq {seq - 1}" if seq == self._seq + 2 else f"seqs {self._seq + 1} to {seq - 1}"
                self.problems.append(LogProblem(self.where, self._seq + 1, f"{missing} missing (rows removed); "
                                                "read again from the first line if they come back"))
            self._seq, self._rows = seq, self._rows + 1
            if line is None:  # longer than a line may be: measured on the server, never fetched
                self._head = (size, None)
                self.chain.see(seq, b"", None, False, digest=digest)
                limit = MAX_FIRST_LINE_BYTES if seq == 1 else MAX_LINE_BYTES
                self.problems.append(LogProblem(self.where, seq, too_long(size, limit)))
                continue
            raw = line.encode("utf-8", "surrogatepass")
            event, problem = decode_event(raw, first=seq == 1)
            if not self.chain.see(seq, raw, event.get(PREV) if event is not None else None, event is not None):
                unlinked(event, seq)
            self._head = (len(raw), self.chain.head)
            if event is None:
                self.problems.append(LogProblem(self.where, seq, problem))
                continue
            if event.type == RUN_CREATED and (events or self.events_read):
                self.problems.append(LogProblem(self.where, seq, "a second run.created: a run is created once; "
                                                "skipped"))
                continue
            events.append(event)
        self.events_read += len(events)
        return events

    def _changed(self, probe: Probe) -> str:
        """Why what was read is no longer the run's beginning; empty where it still is."""
        if not self._seq:
            return ""
        if probe.head_size is None:
            return f"the run was cut short or replaced: seq {self._seq}, read before, is gone"
        size, head = self._head
        if probe.head_size != size or (head is not None and probe.head != head):
            return f"the run was replaced: the row at seq {self._seq} is not the one read before"
        if probe.count < self._rows:
            return f"the run was cut short: {self._rows - probe.count:,} rows read before seq {self._seq} are gone"
        if probe.count > self._rows:
            return f"the run changed below what was read: {probe.count - self._rows:,} rows missing before seq " \
                   f"{self._seq} came back"
        return ""


class PgWorkspace(RunSpace):
    """Runs in a database; which is current is remembered locally, per user and per database."""

    kind = "postgres"

    def __init__(self, db: Database, pointer_dir: Path) -> None:
        super().__init__(pointer_dir)
        self.db = db
        self.shown = db.shown

    def runs(self) -> list[RunRef]:
        """Every run whose id is a run id, with its title and who made it (stamped by the server): naming a run needs
        no read per run. Any other row of `runs` (anyone with INSERT may add one: escape codes, a path) is skipped and
        said in `skipped_runs`, never fatal to a listing, the palette or the dashboard."""
        rows = self.db.run(lambda conn: conn.execute("SELECT id, title, created_by FROM runs ORDER BY created, id")
                           .fetchall())
        self.skipped_runs = tuple(f"{self.shown}: a run whose id is not a run id ({clean_line(run_id)[:60]!r}); "
                                  "skipped" for run_id, _, _ in rows if not is_run_id(run_id))
        return [RunRef(run_id, self.where(run_id), title, by) for run_id, title, by in rows if is_run_id(run_id)]

    def exists(self, run_id: str) -> bool:
        check_run_id(run_id)
        return self.db.run(lambda conn: conn.execute("SELECT 1 FROM runs WHERE id = %s", (run_id,)).fetchone())\
            is not None

    def header(self, run_id: str) -> dict[str, object]:
        try:
            row = self.db.run(lambda c: c.execute("SELECT title, checklist FROM runs WHERE id = %s", (run_id,))
                              .fetchone())
        except UserError:
            return {}
        return {"title": row[0], "checklist": row[1]} if row else {}

    def where(self, run_id: str) -> str:
        return f"{self.shown} run {run_id}" if run_id else self.shown

    def store(self, run_id: str, writer: bool = False) -> PgRunStore:
        return PgRunStore(self.db, check_run_id(run_id), writer)

    def add_run(self, run_id: str, first: Event) -> bool:
        made = (str(first.get("title") or ""), str(first.get("checklist") or ""), first.time)
        return self.db.append(run_id, (first,), create=made)

    @contextmanager
    def locked(self) -> Iterator[None]:
        with super().locked(), self.db.held(pg_schema.CREATE_LOCK):
            yield


def open_workspace(choice: StoreChoice, state_dir: Path) -> PgWorkspace:
    """The database `choice` names, reached and checked now: unreachable or without the tables is one line."""
    db = Database(choice)
    db.run(lambda conn: None)
    return PgWorkspace(db, state_dir / "stores" / store_key(choice.location))


def store_key(conninfo: str) -> str:
    """A short name for a database, for the local file that remembers its current run: the same for every
    spelling of one connection string (a URL or key=value pairs, in any order), whatever password it holds."""
    from psycopg.conninfo import conninfo_to_dict

    given = {key: str(value) for key, value in conninfo_to_dict(conninfo).items()
             if key not in PASSWORD_KEYS}
    return hashlib.sha256(repr(sorted(given.items())).encode()).hexdigest()[:16]
