"""Where runs are kept, and which is current: the file store's state dir (one log per run under `runs/`);
core/pg_store.py keeps them in PostgreSQL behind the same methods."""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from heypeter_tui.core import events as ev
from heypeter_tui.core.checklist import Checklist
from heypeter_tui.core.clock import to_iso
from heypeter_tui.core.errors import UserError
from heypeter_tui.core.events import Actor, Event, new_event
from heypeter_tui.core.ids import is_identifier, slugify
from heypeter_tui.core.paths import FILE_MODE, ReadRefused, ensure_private_dir, read_limited, write_private_file
from heypeter_tui.core.store import RunStore, check_log
from heypeter_tui.core.text import clean_line
from heypeter_tui.core.validate import MAX_FIRST_LINE_BYTES

LOG_SUFFIX = ".jsonl"


@dataclass(frozen=True)
class RunRef:
    """A run's id and where it is kept (a log's path, or a run in a database), for messages."""

    id: str
    where: str
    title: str | None = None
    """Its title where the store gives it with the list (a database); None: read from its first line on demand."""
    created_by: str = ""
    """Who made it, where the store knows (a database stamps the user who inserted the row); empty otherwise."""


class RunSpace:
    """Runs kept somewhere, and which of them is current for this user. The file store (`Workspace`) and the
    PostgreSQL store (core/pg_store.py) differ only in the methods that raise NotImplementedError here; the
    current-run pointer is a local file either way (per user, and per store)."""

    kind = "file"
    skipped_runs: tuple[str, ...] = ()
    """What the last `runs()` left out, one line each (a database row whose id is not a run id)."""

    def __init__(self, pointer_dir: Path) -> None:
        self.pointer_dir = pointer_dir
        self._current_file = pointer_dir / "current"

    # -- what a store provides ------------------------------------------------------------------

    def runs(self) -> list[RunRef]:
        """Every run, oldest first."""
        raise NotImplementedError

    def exists(self, run_id: str) -> bool:
        raise NotImplementedError

    def header(self, run_id: str) -> dict[str, object]:
        """A run's first event (run.created) alone: title, checklist and T-0 without folding the run; empty
        where it cannot be read."""
        raise NotImplementedError

    def store(self, run_id: str, writer: bool = False) -> RunStore:
        raise NotImplementedError

    def where(self, run_id: str) -> str:
        """Where a run is kept, as messages name it."""
        raise NotImplementedError

    def add_run(self, run_id: str, first: Event) -> bool:
        """Keep a new run whose first event is `first`; False where `run_id` is taken."""
        raise NotImplementedError

    def _discard(self, run_id: str) -> None:
        """A run just made, never announced, is taken back where the store allows it."""

    def check(self) -> None:
        """Said plainly, before anything looks inside: the pointer's dir must be a directory."""
        if self.pointer_dir.exists() and not self.pointer_dir.is_dir():
            raise UserError(f"{self.pointer_dir}: the state dir is not a directory")

    def ensure(self) -> RunSpace:
        self.check()
        ensure_private_dir(self.pointer_dir)
        return self

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Held while choosing or creating a run, so two dashboards started at the same moment on an
        empty store share one first run, and six `new` at once make six runs. Writers only:
        reading a run takes no lock (the state dir may be read-only)."""
        self.ensure()
        fd = os.open(self.pointer_dir / "lock", os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, FILE_MODE)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    # -- shared by both ---------------------------------------------------------------------------

    def current_pointer(self) -> str | None:
        """The run id `current` names (whether or not its run is still there); None where there is
        no pointer. A pointer that is not a run id (`../..`) is refused, never followed."""
        self.check()
        try:
            data = read_limited(self._current_file, 4096, follow=False)
        except FileNotFoundError:
            return None
        except (OSError, ReadRefused) as error:
            raise UserError(f"{self._current_file}: cannot read the current-run pointer: {error}") from error
        run_id = data.decode("utf-8", "replace").strip()
        if not run_id:
            return None
        if not is_run_id(run_id):
            raise UserError(f"{self._current_file}: does not name a run ({clean_line(run_id)[:60]!r}); "
                            "`heypeter-tui open RUN` sets it")
        return run_id

    def current_id(self) -> str | None:
        """The current run, where it is there."""
        try:
            run_id = self.current_pointer()
        except UserError:
            return None
        return run_id if run_id and self.exists(run_id) else None

    def set_current(self, run_id: str) -> None:
        """Atomically: a crash leaves the old pointer or the new one, never half of one."""
        check_run_id(run_id)
        self.ensure()
        write_private_file(self._current_file, run_id.encode("utf-8") + b"\n")

    def resolve(self, reference: str) -> str:
        """A run by its exact id; else by a unique prefix of an id, or its title (in any case). A reference that
        could name two runs names none, and both are said: an id that is another run's title, a title two runs
        share, a prefix of two ids. Whoever can add a run chooses its id and title (in a database, any user with
        the README's grants), so adding one must never make a reference that named one run name theirs."""
        if not reference.strip():
            raise UserError("no run named: give its id, a unique prefix of it, or its title")
        runs = self.runs()
        wanted = reference.casefold()
        exact = [(run, "its id") for run in runs if run.id == reference]
        # An exact id that also begins another run's id names two: a pipeline pinned by a prefix of the team run's id
        # would otherwise act on a run someone later added with that very prefix as its id (the walkthrough's
        # attack). The one exception is this program's own numbering of runs made in one second (`…-release` and
        # `…-release-2`): the first names itself, as it always did.
        named = exact + [(run, "a prefix of its id") for run in runs if run.id.startswith(reference)
                         and run.id != reference and not (exact and _numbered(run.id, reference))]
        named += [(run, "its title") for run in runs if self._title(run).casefold() == wanted]
        matches: dict[str, tuple[RunRef, str]] = {}
        for run, how in named:
            matches.setdefault(run.id, (run, how))
        if len(matches) == 1:
            return next(iter(matches))
        if not matches:
            raise UserError(f"no run {clean_line(reference)[:80]!r}; `heypeter-tui runs` lists them")
        said = [_named(run, how) for run, how in matches.values()]
        more = f", and {len(said) - 5} more" if len(said) > 5 else ""
        todo = ("an id that is another run's title, or the start of another run's id, names neither: "
                "`heypeter-tui runs` says who made each" if exact else "give more of the id of the one you mean")
        raise UserError(f"{clean_line(reference)[:80]!r} names {len(said)} runs ({'; '.join(said[:5])}{more}); {todo}")

    def _title(self, run: RunRef) -> str:
        return run.title if run.title is not None else str(self.header(run.id).get("title", ""))

    def create_run(
        self,
        checklist: Checklist,
        title: str,
        actor: Actor,
        now: datetime,
        t0: datetime | None = None,
        source: bytes | None = None,
        contacts: list[dict[str, str]] | None = None,
    ) -> str:
        """Write a new run's first event (the checklist whole inside it) and make it current."""
        self.ensure()
        local = now.astimezone()
        base = f"{local.year:04d}{local:%m%d-%H%M%S}-{slugify(title, 'run')[:40].rstrip('-')}"
        import hashlib  # OpenSSL's load is only worth it when a run is created

        data = {
            "schema": ev.LOG_SCHEMA,
            "title": title,
            "checklist": checklist.id,
            "checklist_sha256": hashlib.sha256(source).hexdigest() if source is not None else None,
            "t0": to_iso(t0) if t0 else None,
            "template": checklist.to_dict(),
        }
        if contacts:
            data["contacts"] = contacts
        for n in range(1, 1000):
            run_id = base if n == 1 else f"{base}-{n}"
            data["run"] = run_id
            if not self.add_run(run_id, new_event(ev.RUN_CREATED, actor, now, **data)):
                continue  # another process took the name between a look and a create
            try:
                self.set_current(run_id)
            except BaseException:  # a run that could not be made current was never announced: not left behind
                self._discard(run_id)
                raise
            return run_id
        raise UserError(f"too many runs named {base!r} in {self.where('')}")


class Workspace(RunSpace):
    """The file store: the state dir, one log per run under `runs/`, and which run is current."""

    def __init__(self, state_dir: Path) -> None:
        super().__init__(state_dir)
        self.state_dir = state_dir
        self.runs_dir = state_dir / "runs"

    def ensure(self) -> Workspace:
        super().ensure()
        ensure_private_dir(self.runs_dir)
        return self

    def runs(self) -> list[RunRef]:
        """Every run, oldest first (ids begin with their creation time)."""
        self.check()
        if not self.runs_dir.is_dir():
            return []
        paths = sorted(self.runs_dir.glob(f"*{LOG_SUFFIX}"), key=lambda path: _natural(path.stem))
        return [RunRef(path.stem, str(path)) for path in paths if is_run_id(path.stem)]

    def exists(self, run_id: str) -> bool:
        """Something is at the run's log path: a link there is refused when opened, never taken for no run."""
        return os.path.lexists(self.log_path(run_id))

    def header(self, run_id: str) -> dict[str, object]:
        return read_header(self.log_path(run_id))

    def where(self, run_id: str) -> str:
        return str(self.log_path(run_id)) if run_id else str(self.runs_dir)

    def log_path(self, run_id: str) -> Path:
        return self.runs_dir / f"{check_run_id(run_id)}{LOG_SUFFIX}"

    def store(self, run_id: str, writer: bool = False) -> RunStore:
        return RunStore(self.log_path(run_id), writer=writer)

    def add_run(self, run_id: str, first: Event) -> bool:
        try:  # O_EXCL: another process may take a name between a look and a create
            RunStore.create(self.log_path(run_id), first)
        except FileExistsError:
            return False
        return True

    def _discard(self, run_id: str) -> None:
        self.log_path(run_id).unlink(missing_ok=True)


def _named(run: RunRef, how: str) -> str:
    """One run in a refusal: its id, how the reference named it, and who made it where that is known."""
    made = f", made by {clean_line(run.created_by)[:80]}" if run.created_by else ""
    return f"{clean_line(run.id)[:80]}: {how}{made}"


def carry_contacts(
    filled: list[dict[str, str]], roles: list[str]
) -> tuple[list[dict[str, str]], list[str]]:
    """Which of the run before's filled contacts a new run takes: those whose role its checklist lists (`roles`),
    matched in any case and spelt as the checklist spells it, so the new run shows one row per role and none
    its checklist does not have. Returns them, and the roles left behind as the run before spelt them."""
    spelt = {role.casefold(): role for role in roles}
    carried: dict[str, dict[str, str]] = {}
    left: list[str] = []
    for contact in filled:
        role = spelt.get(contact["role"].casefold())
        if role is None:
            left.append(contact["role"])
        else:
            carried[role] = {**contact, "role": role}  # two spellings of one role before: the later wins, as a fold
    return list(carried.values()), left


def read_header(path: Path) -> dict[str, object]:
    """A log's first line (run.created) alone: title, checklist and T-0 without folding the run.
    Empty where the log is refused (a link, not ours), unreadable, or its first line is not an event."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return {}
    try:
        check_log(path, os.fstat(fd))
        with os.fdopen(fd, "rb", closefd=False) as file:
            header = json.loads(file.readline(MAX_FIRST_LINE_BYTES))
    except (OSError, ValueError, RecursionError, UserError):
        return {}
    finally:
        os.close(fd)
    return header if isinstance(header, dict) else {}


def _numbered(run_id: str, first: str) -> bool:
    """`run_id` is `first` numbered as `create_run` numbers a second run of one title made in one second."""
    rest = run_id[len(first):]
    return rest.startswith("-") and rest[1:].isdigit()


def _natural(run_id: str) -> list[object]:
    """`…-release-2` before `…-release-10`: runs made in one second keep the order they were made in."""
    import re

    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", run_id)]


def check_run_id(run_id: str) -> str:
    if not is_run_id(run_id):
        raise UserError(f"{clean_line(run_id)[:60]!r} is not a run id")
    return run_id


def is_run_id(text: str) -> bool:
    """What a run id may be: a file name in runs/, never a path (`..`, `/`)."""
    return is_identifier(text) and ".." not in text
