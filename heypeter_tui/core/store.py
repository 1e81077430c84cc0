"""A run's append-only event log: durable, recoverable, shared, private.

- One event is one `write()` of one line to a file opened O_APPEND, under an exclusive `flock`,
  then `fsync`; the caller shows a change only after `append` returns.
- A torn last line (a writer killed mid-write) is set aside in a side file and never glued to
  the next event: the next append starts with a newline. A line that does not parse is reported
  by file and line and skipped. The log itself is never rewritten.
- Readers take a shared lock, so they never see half a line from a live writer; `read_new` tails
  the file from where the last read stopped.
"""

from __future__ import annotations

import fcntl
import json
import os
from pathlib import Path

from heypeter_tui.core.events import Event

FILE_MODE = 0o600


class RunStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[str] = []
        """Lines skipped or set aside so far, each naming file and line."""
        self._offset = 0
        self._line = 0

    @classmethod
    def create(cls, path: Path, first: Event) -> RunStore:
        """A new log holding `first`; fails if the file already exists."""
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND, FILE_MODE)
        try:
            _write_all(fd, first.to_line())
            os.fsync(fd)
        finally:
            os.close(fd)
        _fsync_dir(path.parent)
        return cls(path)

    def append(self, event: Event) -> None:
        """Durably add one event. Returns only once it is on disk."""
        fd = os.open(self.path, os.O_RDWR | os.O_APPEND)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            line = event.to_line()
            size = os.fstat(fd).st_size
            if size and os.pread(fd, 1, size - 1) != b"\n":
                line = b"\n" + line  # a torn line before us stays a line of its own
            _write_all(fd, line)
            os.fsync(fd)
        finally:
            os.close(fd)

    def load(self) -> list[Event]:
        """Every event from the start."""
        self._offset = self._line = 0
        self.problems = []
        return self.read_new()

    def read_new(self) -> list[Event]:
        """Events appended since the last read (by anyone), in log order."""
        chunk = self._read_from_offset()
        events: list[Event] = []
        consumed = 0
        for raw in chunk.split(b"\n")[:-1]:
            consumed += len(raw) + 1
            self._line += 1
            if not raw.strip():
                continue
            try:
                events.append(Event.from_dict(json.loads(raw.decode("utf-8"))))  # str: no encoding sniffing
            except (ValueError, UnicodeDecodeError) as error:
                self.problems.append(f"{self.path}:{self._line}: not a valid event ({error}); skipped")
        torn = chunk[consumed:]
        if torn:
            # Read under a shared lock, so no writer is mid-line: these bytes are a torn write.
            self._set_aside(torn, self._line + 1)
            consumed += len(torn)
        self._offset += consumed
        return events

    def _read_from_offset(self) -> bytes:
        with open(self.path, "rb") as file:
            fcntl.flock(file.fileno(), fcntl.LOCK_SH)
            file.seek(self._offset)
            return file.read()

    def _set_aside(self, torn: bytes, line: int) -> None:
        side = self.path.with_name(f"{self.path.name}.torn-{self._offset + len(torn)}")
        try:
            fd = os.open(side, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        except FileExistsError:
            pass
        else:
            try:
                _write_all(fd, torn)
                os.fsync(fd)
            finally:
                os.close(fd)
        self.problems.append(f"{self.path}:{line}: incomplete last line (a write was cut off); set aside in {side.name}")


def _write_all(fd: int, data: bytes) -> None:
    written = os.write(fd, data)
    if written != len(data):
        raise OSError(f"short write ({written} of {len(data)} bytes): is the disk full?")


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
