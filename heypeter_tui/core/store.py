"""A run's append-only event log: durable, recoverable, shared, private.

- A change is one `write()` of its line(s) to the log opened O_APPEND, under an exclusive `flock`,
  then `fsync`; the caller shows it only after `append` returns. A change of several events (a mark
  with its note) is one write: if the disk fills halfway, the bytes this call wrote are cut off
  again under the lock (no reader can have seen them), so the log holds all of it or none.
- The log is opened without following links and refused unless it is a regular file of this user
  that nobody else may write: a planted link or a log others can write is never used.
- Readers take a shared lock, so they never see half a line from a live writer; `read_new` tails
  the file from where the last read stopped, and starts again from the top when the file shrank,
  was replaced, or no longer holds the bytes it last ended on (a backup restored over it).
- Every line is checked (core/validate.py); one that is not a valid event is skipped and reported
  by file and line. A torn last line (a writer killed mid-write) is set aside by a writer in a side
  file named by the line's byte offset, and never glued to the next event: the next append starts
  with a newline. Readers never write; the log itself is never rewritten.
- A store is used from one thread. A read elsewhere (the dashboard's worker thread) reads with a `fork`, which
  shares nothing a read changes, and the owner `adopt`s what it read: only if the store has not read since.
"""

from __future__ import annotations

import copy
import errno
import fcntl
import hashlib
import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from heypeter_tui.core.chain import PREV, Chain, line_hash, link
from heypeter_tui.core.errors import UserError
from heypeter_tui.core.events import Event
from heypeter_tui.core.paths import FILE_MODE, describe_os_error, fsync_dir, write_all, write_private_file
from heypeter_tui.core.validate import MAX_FIRST_LINE_BYTES, MAX_LINE_BYTES

_TAIL = 64
"""Bytes remembered from the end of what was read, to notice a log rewritten in place."""


class LogRefused(UserError):
    """A log that must not be used: a link, not a regular file, not ours, writable by others."""


@dataclass(frozen=True)
class LogProblem:
    """A line of a log that did not become an event: skipped, or set aside (torn)."""

    path: Path | str
    """The log's path; a database store names its run."""
    line: int
    message: str
    set_aside: bool = False

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


ANYWHERE = "anywhere"
"""`append(after=…)`'s default: wherever the log ends now."""


class HeadMoved(UserError):
    """The log moved on since its head was read: an append that must sit right after that head wrote nothing."""

    def __init__(self) -> None:
        super().__init__("the run changed while this was being signed (someone else's change came first); "
                         "nothing was recorded: sign again")


class RunStore:
    problems: list[LogProblem]
    """Lines skipped or set aside so far, each naming file and line."""
    events_read: int
    _offset: int
    _line: int
    _identity: tuple[int, int] | None
    _tail: bytes
    _stamp: int
    """The log's ctime at the last read: a write since that did not grow it is an edit in place."""
    restart_why = "the run's log was replaced or cut short"

    def __init__(self, path: Path, writer: bool = False) -> None:
        self.path = path
        self.writer = writer
        """Only a writer sets torn lines aside: reading never writes."""
        self.restarted = False
        """The last `read_new` found the log shrunk or replaced and read it again from the top."""
        self._reads = 0
        """How many reads this store has made: `adopt` takes a fork's reading only where none came after it."""
        self._origin: tuple[RunStore | None, int] = (None, 0)
        """A fork's store and that store's count of reads when the fork was made."""
        self._reset()  # the one place a read's position starts: a new store and `load` begin alike

    @property
    def where(self) -> str:
        """The log, as messages name it."""
        return str(self.path)

    @property
    def opened_id(self) -> str:
        """The run this log is, by its name: what its first line says is checked against it, never trusted."""
        return self.path.stem

    chain: Chain
    """The hash chain as walked so far (core/chain.py)."""

    @classmethod
    def create(cls, path: Path, first: Event) -> RunStore:
        """A new log holding `first`; fails if anything already exists at `path`."""
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND | os.O_NOFOLLOW | os.O_CLOEXEC, FILE_MODE)
        try:
            write_all(fd, first.to_line())
            os.fsync(fd)
        except OSError:
            os.close(fd)
            os.unlink(path)  # a log without its first event is no run
            raise
        os.close(fd)
        fsync_dir(path.parent)
        return cls(path, writer=True)

    # -- opening -------------------------------------------------------------------------------

    def _open(self, flags: int) -> int:
        try:
            fd = os.open(self.path, flags | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
        except OSError as error:
            if error.errno == errno.ELOOP:
                raise LogRefused(f"{self.path}: the run's log is a symbolic link; refused") from error
            if error.errno == errno.ENOENT:
                raise LogRefused(f"{self.path}: the run's log is missing") from error
            raise
        try:
            check_log(self.path, os.fstat(fd))
        except BaseException:
            os.close(fd)
            raise
        return fd

    # -- writing -------------------------------------------------------------------------------

    def append(self, *events: Event, after: str | None = ANYWHERE) -> None:
        """Durably add `events`, all or none. Returns only once they are on disk. `after`: only right after the line
        of that hash (a key signature vouches for its place in the chain); HeadMoved, nothing written, otherwise."""
        fd = self._open(os.O_RDWR | os.O_APPEND)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            info = os.fstat(fd)
            size = info.st_size
            # Linked under the lock: no other writer can come between the line we link to and ours (core/chain.py).
            known = self.chain.head if size == self._offset and not self._changed_underneath(fd, info) else None
            head = known or _last_line_hash(fd, size)
            if after is not ANYWHERE and head != after:
                raise HeadMoved
            lines, _ = link(events, head)
            data = b"".join(lines)
            if size and os.pread(fd, 1, size - 1) != b"\n":
                data = b"\n" + data  # a torn line before us stays a line of its own
            try:
                write_all(fd, data)
                os.fsync(fd)
            except OSError:
                os.ftruncate(fd, size)  # ours alone, unseen (readers wait for our lock): none of it
                os.fsync(fd)
                raise
        finally:
            os.close(fd)

    # -- reading -------------------------------------------------------------------------------

    def load(self, limit: int | None = None) -> list[Event]:
        """Every event from the start (with `limit`, the first block of them: `read_new`)."""
        self._reset()
        return self.read_new(limit)

    def _reset(self) -> None:
        self._offset = self._line = self.events_read = 0
        self._identity, self._tail, self._stamp = None, b"", 0
        self._read_hash = hashlib.sha256()
        """Of every byte read so far: an edit in place that keeps the size and the last bytes changes it."""
        self.problems = []
        self.chain = Chain()

    def fork(self) -> RunStore:
        """A store that reads on from where this one stopped and shares nothing a read changes (the
        position is numbers and bytes; the problems a list of its own): another thread may read with it
        while this one is used as before. Made on this store's own thread."""
        fork = copy.copy(self)
        fork.problems = list(self.problems)
        fork.chain = self.chain.copy()
        fork._read_hash = self._read_hash.copy()
        fork._origin = (self, self._reads)
        return fork

    def adopt(self, fork: RunStore) -> bool:
        """Read on from where `fork` stopped, its problems and restart included. Refused (False, nothing
        changed) where this store read after the fork was made: the fork's reading no longer follows on
        from this store's, and what it read is read again by the next read from here."""
        origin, reads = fork._origin
        if origin is not self or reads != self._reads:
            return False
        self._offset, self._line, self.events_read = fork._offset, fork._line, fork.events_read
        self._identity, self._tail, self.problems, self.chain = fork._identity, fork._tail, fork.problems, fork.chain
        self._stamp, self._read_hash = fork._stamp, fork._read_hash
        self.restarted, self._reads = fork.restarted, self._reads + 1
        return True

    def read_new(self, limit: int | None = None) -> list[Event]:
        """Events appended since the last read (by anyone), in log order; all of them again, with
        `restarted` set, where the log was truncated or replaced since. `limit`: read about that many bytes at most,
        up to the last whole line in them (a long run is folded a block at a time, core/session.py); `more` says
        whether the log goes on past what was read."""
        self.restarted = False
        self._reads += 1
        fd = self._open(os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_SH)
            info = os.fstat(fd)
            if self._identity is not None and self._changed_underneath(fd, info):
                self._reset()
                self.restarted = True
            self._identity, self._stamp = (info.st_dev, info.st_ino), info.st_ctime_ns
            unread = info.st_size - self._offset
            self.more = limit is not None and unread > limit
            chunk = os.pread(fd, limit if self.more else unread, self._offset) if unread > 0 else b""
        finally:
            os.close(fd)
        if self.more:
            cut = chunk.rfind(b"\n") + 1
            if cut:  # the rest is read next time, never taken for a torn line; a line longer than the block: all now
                chunk = chunk[:cut]
            else:
                self.more = False
                return self._parse(chunk + self.read_range(self._offset + len(chunk), unread - len(chunk)))
        return self._parse(chunk)

    more = False

    def read_range(self, start: int, size: int) -> bytes:
        """`size` bytes of the log from `start`, read under the shared lock (no writer mid-line)."""
        fd = self._open(os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_SH)
            return os.pread(fd, size, start)
        finally:
            os.close(fd)

    def feed(self, lines: bytes) -> list[Event]:
        """Whole lines read elsewhere (core/log_scan.py), checked and walked as this store's own next reading."""
        return self._parse(lines)

    def resume(self, offset: int, line: int, events_read: int, digest: str, chain: Chain,
               problems: list[LogProblem]) -> bool:
        """Read on from `offset` as though everything before it had been read here (a checkpoint of it,
        core/checkpoint.py), only where the log's first `offset` bytes still hash to `digest`: every byte is hashed
        again, none parsed. False, nothing changed, where they do not."""
        fd = self._open(os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_SH)
            info = os.fstat(fd)
            hashed, position, last = hashlib.sha256(), 0, b""
            while position < offset <= info.st_size:
                chunk = os.pread(fd, min(1 << 22, offset - position), position)
                if not chunk:
                    break
                hashed.update(chunk)
                position, last = position + len(chunk), (last + chunk[-_TAIL:])[-_TAIL:]
        finally:
            os.close(fd)
        if position != offset or hashed.hexdigest() != digest:
            return False
        self._reset()
        self._offset, self._line, self.events_read, self._tail = offset, line, events_read, last
        self._identity, self._stamp, self._read_hash = (info.st_dev, info.st_ino), info.st_ctime_ns, hashed
        self.chain, self.problems = chain, problems
        self._reads += 1
        return True

    @property
    def offset(self) -> int:
        """Bytes of the log read so far."""
        return self._offset

    @property
    def ends_whole(self) -> bool:
        """Whether what was read ends with a whole line (not a torn one, which a later write makes a line of other
        bytes: a checkpoint is never left there)."""
        return not self._tail or self._tail.endswith(b"\n")

    def reading(self) -> list:
        """Where the reading stands: offset, line, events read and the SHA-256 of every byte read (a checkpoint's)."""
        return [self._offset, self._line, self.events_read, self._read_hash.hexdigest()]

    def _changed_underneath(self, fd: int, info: os.stat_result) -> bool:
        """The log is not the one read so far: another file, shorter, other last bytes, or written since without
        growing (its ctime moved, which no one can set back) and no longer holding the bytes read."""
        if (info.st_dev, info.st_ino) != self._identity or info.st_size < self._offset:
            return True
        if self._tail and os.pread(fd, len(self._tail), self._offset - len(self._tail)) != self._tail:
            return True
        return info.st_size == self._offset and info.st_ctime_ns != self._stamp and not self._holds_what_was_read(fd)

    def _holds_what_was_read(self, fd: int) -> bool:
        read_again, position = hashlib.sha256(), 0
        while position < self._offset:
            chunk = os.pread(fd, min(1 << 20, self._offset - position), position)
            if not chunk:
                return False
            read_again.update(chunk)
            position += len(chunk)
        return read_again.digest() == self._read_hash.digest()

    def _parse(self, chunk: bytes) -> list[Event]:
        events: list[Event] = []
        consumed = 0
        for raw in chunk.split(b"\n")[:-1]:
            consumed += len(raw) + 1
            self._line += 1
            if not raw.strip():
                continue
            event = self._event(raw)
            if not self.chain.see(self._line, raw, event.get(PREV) if event is not None else None, event is not None):
                unlinked(event, self._line)
            if event is not None and event.type == "run.created" and (events or self.events_read):
                self._problem("a second run.created: a run is created once; skipped")
            elif event is not None:
                events.append(event)
        torn = chunk[consumed:]
        if torn:
            # Read under a shared lock, so no writer of ours is mid-line: these bytes are a torn write.
            self._torn(torn, self._offset + consumed, self._line + 1)
            self.chain.see(self._line + 1, torn, None, False)  # a line of its own once the next writer ends it
            consumed += len(torn)
            self._line += 1
        self._offset += consumed
        self._read_hash.update(chunk)  # all of it: a torn end is consumed too
        if consumed:
            self._tail = chunk[max(consumed - _TAIL, 0) : consumed]
        self.events_read += len(events)
        return events

    def _event(self, raw: bytes) -> Event | None:
        event, problem = decode_event(raw, first=self._line == 1)
        if problem:
            self._problem(problem)
        return event

    def _problem(self, message: str, line: int | None = None, set_aside: bool = False) -> None:
        self.problems.append(LogProblem(self.path, line or self._line, message, set_aside))

    def _torn(self, torn: bytes, offset: int, line: int) -> None:
        message = f"incomplete last line at byte {offset} (a write was cut off)"
        if not self.writer:
            self._problem(f"{message}; skipped (only a writer sets it aside)", line)
            return
        side = self.path.with_name(f"{self.path.name}.torn-{offset}")
        try:
            if os.path.lexists(side) and not _holds(side, torn):  # set aside by an earlier writer, or not
                raise UserError(f"something else is already at {side.name}")
            if not os.path.lexists(side):
                write_private_file(side, torn)
        except (OSError, UserError) as error:
            if isinstance(error, OSError):
                error.filename = None
            detail = describe_os_error(error) if isinstance(error, OSError) else str(error)
            self._problem(f"{message}; skipped, and could not be set aside in {side.name} ({detail})", line)
            return
        self._problem(f"{message}; set aside in {side.name}", line, set_aside=True)


def _last_line_hash(fd: int, size: int) -> str | None:
    """The hash of the log's last non-blank line (a torn one too: the next write ends it), read back from the end
    in growing steps; None for an empty log."""
    step, tail = 64 * 1024, b""
    while True:
        start = max(size - step, 0)
        tail = os.pread(fd, size - start, start)
        lines = [line for line in tail.split(b"\n") if line.strip()]
        if start == 0 or len(lines) > 1:  # the last whole line is in the tail (its start is after a newline)
            return line_hash(lines[-1]) if lines else None
        step *= 4


def unlinked(event: Event | None, line: int) -> None:
    """Mark `event` as read at a broken link (core/chain.py): not where it claims to be, so a key signature on it
    vouches for nothing (core/run.py, `misplaced`), whether or not someone acknowledged the break."""
    if event is not None:
        object.__setattr__(event, "link_broken", line)  # frozen; the mark is the reader's, not part of the event


def decode_event(raw: bytes, first: bool) -> tuple[Event | None, str]:
    """One line of a log (without its newline) as an event, or None and why it is skipped: every store reads its
    lines through here, so a database row is held to the file's rules."""
    limit = MAX_FIRST_LINE_BYTES if first else MAX_LINE_BYTES
    if len(raw) > limit:
        return None, too_long(len(raw), limit)
    try:
        return Event.from_dict(_DECODER.decode(raw.decode("utf-8"))), ""
    except UnicodeDecodeError:
        return None, "not UTF-8; skipped"
    except RecursionError:
        return None, "not a valid event (nested too deeply); skipped"
    except ValueError as error:
        return None, f"not a valid event ({str(error)[:200]}); skipped"


def too_long(size: int, limit: int) -> str:
    return f"a line of {size:,} bytes (at most {limit:,}); skipped"


def check_log(path: Path, info: os.stat_result) -> None:
    if not stat.S_ISREG(info.st_mode):
        raise LogRefused(f"{path}: the run's log is not a regular file; refused")
    if info.st_uid != os.geteuid():
        raise LogRefused(f"{path}: the run's log belongs to another user (uid {info.st_uid}); refused")
    if info.st_mode & 0o022:
        raise LogRefused(
            f"{path}: the run's log may be written by others (mode {stat.S_IMODE(info.st_mode):04o}); refused: "
            f"`chmod 600 {path}` if that was a mistake"
        )


def _no_constants(name: str) -> object:
    raise ValueError(f"{name} is not a number a log may hold")


_DECODER = json.JSONDecoder(parse_constant=_no_constants)
"""One decoder for every line (json.loads with a hook builds a new one each call)."""


def _holds(path: Path, data: bytes) -> bool:
    """A regular file (not a link) holding exactly `data`."""
    from heypeter_tui.core.paths import ReadRefused, read_limited

    try:
        return read_limited(path, len(data), follow=False) == data
    except (OSError, ReadRefused):
        return False
