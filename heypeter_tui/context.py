"""What every command needs: settings, the state dir, who is acting, which checklist and run."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from heypeter_tui.core.checklist import Checklist
from heypeter_tui.core.clock import Clock, system_clock
from heypeter_tui.core.config import Config, load_config
from heypeter_tui.core.errors import UserError
from heypeter_tui.core.events import Actor
from heypeter_tui.core.paths import cache_dir, config_dir, default_state_dir, refusal
from heypeter_tui.core.resources import builtin_checklists
from heypeter_tui.core.session import RunSession
from heypeter_tui.core.store_choice import STORE_VARIABLE, StoreChoice, choose
from heypeter_tui.core.text import MAX_TITLE, check_length, clean_line, count
from heypeter_tui.core.workspace import RunSpace, Workspace, carry_contacts

READER = Actor("reader", "reader", "-")


@dataclass(frozen=True)
class NewRun:
    """A run just made, and which of the run before's filled contacts came with it."""

    run_id: str
    carried_from: str | None = None
    """The run the contacts came from; None where it had none filled (or there was none)."""
    carried: tuple[str, ...] = ()
    """The roles carried, as the new run's checklist spells them."""
    left_behind: tuple[str, ...] = ()
    """The roles not carried: the new run's checklist has no such role."""

    def carry_note(self) -> str:
        """What `new` says on stderr and the dashboard in a notification, one line: empty where there was
        nothing to carry."""
        if self.carried_from is None:
            return ""
        carried = count(len(self.carried), "contact") if self.carried else "no contacts"
        note = f"carried {carried} from {self.carried_from}"
        if self.left_behind:
            note += f"; not carried (not in this checklist): {', '.join(clean_line(r) for r in self.left_behind)}"
        return note


def _warn(message: str) -> None:
    """One warning line on stderr (the dashboard's Textual captures it: only a command line shows it)."""
    import sys

    print(f"heypeter-tui: warning: {clean_line(message)}", file=sys.stderr)


class Context:
    def __init__(
        self,
        state_dir: Path | None = None,
        operator: str | None = None,
        clock: Clock = system_clock,
        config_path: Path | None = None,
        run: str | None = None,
        store: str | None = None,
        home: Path | None = None,
    ) -> None:
        self.environment = dict(os.environ)
        """The user's environment as this command started, before any library could add to it: what a check's
        command gets (core/check_runner.py), and nothing of the app's."""
        self._store = store
        self._state_dir = state_dir
        self._operator = operator
        self._config_path = config_path
        self.home = home
        """`--home` / HEYPETER_TUI_HOME: one folder for a whole identity, config (trust, checklists, themes) in
        `home/config` and state (runs, the current run, witnesses) in `home/state`; `--state-dir` still moves the
        state alone."""
        self.clock = clock
        self.run = run
        """The run pinned by `--run` or HEYPETER_TUI_RUN: every command acts on it, whatever is current."""
        self.whole_reads = False
        """Every run read from its first line, held whole, no checkpoint used or left: `verify` walks every line."""
        self.witness_troubles: dict[str, None] = {}
        self.opening_note = ""
        """Said by the dashboard as it opens: which run its first launch on this host chose, where runs were there."""
        """Why a writer could not keep this host's witness (core/witness.py), each said once when a command ends."""

    @cached_property
    def config_dir(self) -> Path:
        if self._config_path:
            return self._config_path.parent
        return self.home / "config" if self.home is not None else config_dir()

    @cached_property
    def cache_dir(self) -> Path:
        """What can be made again from the runs (checkpoints of their folds): `home/cache` under `--home`."""
        return self.home / "cache" if self.home is not None else cache_dir()

    @cached_property
    def config(self) -> Config:
        return load_config(self._config_path or self.config_dir / "config.yaml")

    @cached_property
    def store_choice(self) -> StoreChoice | None:
        """`--store`, else $HEYPETER_TUI_STORE, else config.yaml's `store:`; None for the default file store."""
        return choose(self._store, os.environ.get(STORE_VARIABLE), self.config.store)

    @cached_property
    def hidden(self):
        """What no check output keeps: the environment's secrets and the store's password (core/redaction.py)."""
        from heypeter_tui.core.redaction import Redactor

        choice = self.store_choice
        return Redactor.from_environment(self.environment, choice.passwords if choice is not None else ())

    @cached_property
    def workspace(self) -> RunSpace:
        """Where the runs are: the file store in the state dir, or a PostgreSQL database."""
        return self.open_store(self.store_choice)

    def open_store(self, choice: StoreChoice | None) -> RunSpace:
        """The store `choice` names (None: the state dir's). A database store remembers its current run in the
        state dir, per store: `open` on one store moves no other's current run."""
        state_dir = self._state_dir or (self.home / "state" if self.home is not None else default_state_dir())
        if choice is None:
            return Workspace(state_dir)
        if not choice.is_postgres:
            return Workspace(Path(choice.location))
        from heypeter_tui.core.pg_store import open_workspace  # psycopg is loaded only for a database store

        return open_workspace(choice, state_dir)

    @cached_property
    def allowed_signers(self) -> Path | None:
        """The allowed signers file config.yaml names, only when it is the user's own word (core/paths.py,
        not_yours): one another user owns or may write would decide whose keys verify. Refused, it is said once
        on stderr and not used (no key signature verifies against it)."""
        named = self.config.allowed_signers
        if not named:
            return None
        path = Path(named).expanduser()
        why = refusal(path)
        if why:
            _warn(f"{path}: {why}; not used as the allowed signers file")
            return None
        return path

    @property
    def actor(self) -> Actor:
        return Actor.here(self._operator or self.config.operator)

    # -- checklists --------------------------------------------------------------------------

    def checklist_files(self) -> list[Path]:
        """Built-in checklists, then the user's own (`<config>/checklists/*.yaml`): only those that are the user's
        own word (core/paths.py, not_yours); `refused_checklists` names the others."""
        return list(builtin_checklists().values()) + [path for path in self._user_checklists() if not refusal(path)]

    def refused_checklists(self) -> list[tuple[Path, str]]:
        """The config dir's checklists that another user owns or may write, and why: never offered, never read."""
        return [(path, refusal(path)) for path in self._user_checklists() if refusal(path)]

    def _user_checklists(self) -> list[Path]:
        user_dir = self.config_dir / "checklists"
        return sorted([*user_dir.glob("*.yaml"), *user_dir.glob("*.yml")]) if user_dir.is_dir() else []

    def available_checklists(self) -> dict[str, Path]:
        """Checklists by file name; a user's file of the same name comes after, and wins."""
        return {path.stem: path for path in self.checklist_files()}

    def checklist_path(self, reference: str | None) -> Path:
        """A checklist by file name, by the `id` inside it, or by path. A name two files answer to (a file's name
        and another's id, or one id in two files) is refused, naming both."""
        reference = reference or self.config.checklist
        known = self.available_checklists()
        for path, why in self.refused_checklists():  # said, whether or not a built-in one of its name is used
            if reference == path.stem:
                refused = f"{path}: {why}; refused: a checklist of the config dir is read only when it is your own"
                if reference not in known:
                    raise UserError(refused)
                _warn(f"{refused}; the built-in {reference} is used")
        path = Path(reference).expanduser()
        if reference not in known and (path.exists() or "/" in reference or path.suffix in (".yaml", ".yml")):
            return path  # a path names one file: nothing to guess
        named = [known[reference]] if reference in known else []
        named += [candidate for candidate, checklist_id in self.checklist_ids(besides=tuple(named)).items()
                  if checklist_id == reference]
        if len(named) > 1:  # two files answer to it: which one a run gets must never be a guess
            raise UserError(f"checklist {reference!r} names {len(named)} files: {', '.join(map(str, named))}; give "
                            "the file's path, or give one of them another id")
        if named:
            return named[0]
        raise UserError(f"no checklist {reference!r}; known: {', '.join(known)} (or give a file path)")

    def checklist_ids(self, besides: tuple[Path, ...] = ()) -> dict[Path, str]:
        """Each available checklist file (but those `besides`, not read again) and the id inside it ("" for one that
        is not valid)."""
        from heypeter_tui.core.loader import validate_file

        found = {}
        for path in self.available_checklists().values():
            if path in besides:
                continue
            checklist = validate_file(path).checklist
            found[path] = checklist.id if checklist is not None else ""
        return found

    def shared_ids(self) -> dict[str, list[Path]]:
        """The checklist ids two or more available files share, with those files."""
        files: dict[str, list[Path]] = {}
        for path, checklist_id in self.checklist_ids().items():
            if checklist_id:
                files.setdefault(checklist_id, []).append(path)
        return {checklist_id: paths for checklist_id, paths in files.items() if len(paths) > 1}

    def load_checklist(self, reference: str | None) -> tuple[Checklist, bytes]:
        """The checklist and the bytes it was read from, read once (a run records their digest)."""
        from heypeter_tui.core.loader import load_checklist_source

        path = self.checklist_path(reference)
        trusted = path in builtin_checklists().values()  # ours, tested: read with libyaml's C loader, the quicker
        return load_checklist_source(path, own=path.parent == self.config_dir / "checklists", trusted=trusted)

    # -- runs --------------------------------------------------------------------------------

    def session(self, run_id: str, writer: bool = True) -> RunSession:
        """A run by id. A writer (the dashboard, `mark`) sets torn lines aside; a reader writes nothing."""
        actor = self.actor if writer else READER  # a reader records nothing: a bad operator setting does not stop it
        session = RunSession(self.workspace.store(run_id, writer), actor, self.clock, self.allowed_signers,
                             self.witness_path(run_id), None if self.whole_reads else self.cache_dir / "checkpoints")
        if writer:  # what this host saw of the chain (core/witness.py), kept by writers: a reader writes nothing
            session.witness = session.witness_path
            session.on_witness_trouble = self.witness_troubles.setdefault
            session.remember()
        return session

    def witness_path(self, run_id: str) -> Path:
        return self.workspace.pointer_dir / "witness" / f"{run_id}.json"

    @property
    def state_dir(self) -> Path:
        """This host's state dir, whatever the store: where a dashboard's crash file goes (cli/crash.py)."""
        return self._state_dir or default_state_dir()

    def new_run(
        self, title: str | None, checklist_ref: str | None, t0=None, loaded: tuple[Checklist, bytes] | None = None
    ) -> NewRun:
        """A new run, made current. The contacts filled in the latest run carry over where this checklist has
        their role (core/workspace.py, carry_contacts). `loaded` spares a second parse where the caller already
        read the checklist."""
        loaded = loaded or self.load_checklist(checklist_ref)
        title = check_length(clean_line(title or "").strip(), MAX_TITLE, "a run's title")
        with self.workspace.locked():  # six `new` at once make six runs, not an error
            made = self._create_locked(title, loaded, t0)
        self.session(made.run_id)  # a writer's look at it: this host's witness holds its first line from the start
        return made

    def create_run(
        self, title: str | None, checklist_ref: str | None, t0=None, loaded: tuple[Checklist, bytes] | None = None
    ) -> str:
        """`new_run`, for a caller that needs only the new run's id."""
        return self.new_run(title, checklist_ref, t0, loaded).run_id

    def _create_locked(self, title: str, loaded: tuple[Checklist, bytes], t0=None) -> NewRun:
        """Under the workspace lock (flock is not re-entrant: a second lock here would wait for ever)."""
        checklist, source = loaded
        now = self.clock()
        runs = self.workspace.runs()
        previous = self.workspace.current_id() or (runs[-1].id if runs else None)
        filled = (self._contacts_of(previous) if previous else None) or []
        contacts, left = carry_contacts(filled, [role.role for role in checklist.contacts])
        title = title or f"{checklist.title}, {now.astimezone():%Y-%m-%d}"
        run_id = self.workspace.create_run(checklist, title, self.actor, now, t0, source, contacts or None)
        carried = tuple(contact["role"] for contact in contacts)
        return NewRun(run_id, previous if filled else None, carried, tuple(left))

    def current_session(self, checklist_ref: str | None = None) -> RunSession:
        """The dashboard's run: the pinned one (`--run`), else with `checklist_ref` the latest run of that
        checklist, else the current one. Where there is none yet, one is created: the first launch
        needs no set-up. A current run whose log is gone is an error, never a new run."""
        if self.run is not None:
            return self.session(self.workspace.resolve(self.run))
        loaded = self.load_checklist(checklist_ref) if checklist_ref is not None else None
        workspace = self.workspace
        with workspace.locked():
            if loaded is None:
                run_id = self._current_run(required=False)
                if run_id is None:
                    runs = workspace.runs()
                    if not runs:  # created current (create_run): the pointer is not written, and fsynced, twice
                        return self.session(self._create_locked("", self.load_checklist(None)).run_id)
                    return self._first_of(runs)
                return self.session(run_id)
            run_id = self._latest_of(loaded[0].id)
            if run_id is not None:
                workspace.set_current(run_id)
                return self.session(run_id)
            return self.session(self._create_locked("", loaded).run_id)

    def _first_of(self, runs: list) -> RunSession:
        """No run current yet on this host, and runs there: the newest readable one, made current and said (a run
        that cannot be read, or a newer one someone else added, locks nobody out and is never opened unsaid)."""
        skipped: list[str] = []
        for run in reversed(runs):
            try:
                session = self.session(run.id)
            except (UserError, OSError) as error:
                skipped.append(str(error))
                continue
            self.workspace.set_current(run.id)
            by = f", made by {run.created_by}" if getattr(run, "created_by", "") else ""
            self.opening_note = clean_line(
                f"opened {session.state.title!r} ({run.id}{by}), the newest of {count(len(runs), 'run')} here; "
                "Switch run… (ctrl+p) picks another" + (f"; skipped: {'; '.join(skipped)[:300]}" if skipped else ""))
            return session
        raise UserError(f"none of the {len(runs)} runs here can be read: {'; '.join(skipped)[:400]}")

    def existing_session(self, checklist_ref: str | None = None, writer: bool = False) -> RunSession:
        """What a command acts on: the pinned run, else the latest run of `checklist_ref`, else the current
        run. Never creates one, moves `current`, or (as a reader) writes anything."""
        if self.run is not None:
            return self.session(self.workspace.resolve(self.run), writer)
        if checklist_ref is not None:
            checklist, _ = self.load_checklist(checklist_ref)
            run_id = self._latest_of(checklist.id)
            if run_id is None:
                raise UserError(f"no run of checklist {checklist.id!r} yet; `heypeter-tui new TITLE --checklist "
                                f"{checklist.id}` starts one")
            return self.session(run_id, writer)
        run_id = self._current_run(required=True)
        assert run_id is not None
        return self.session(run_id, writer)

    def _current_run(self, required: bool) -> str | None:
        """The run `current` names. Its log gone is an error: a change must never land in another run."""
        pointer = self.workspace.current_pointer()
        if pointer is not None:
            if not self.workspace.exists(pointer):
                raise UserError(
                    f"the current run {pointer} has no log ({self.workspace.where(pointer)} is missing); `heypeter-tui "
                    "runs` lists the runs and `heypeter-tui open RUN` picks one"
                )
            return pointer
        if required:
            if self.workspace.runs():
                raise UserError("no current run; `heypeter-tui open RUN` picks one, or --run RUN names it")
            raise UserError("no runs yet; `heypeter-tui new TITLE` starts one (the dashboard does on first launch)")
        return None

    def _latest_of(self, checklist_id: str) -> str | None:
        workspace = self.workspace
        current = workspace.current_id()
        candidates = ([current] if current else []) + [run.id for run in reversed(workspace.runs())]
        for run_id in candidates:
            if workspace.header(run_id).get("checklist") == checklist_id:
                return run_id
        return None

    def _contacts_of(self, run_id: str) -> list[dict[str, str]] | None:
        try:
            state = self.session(run_id, writer=False).state
        except (UserError, OSError):
            return None
        filled = [c for c in state.contacts.values() if c.name or c.phone or c.email]
        return [{"role": c.role, "name": c.name, "phone": c.phone, "email": c.email} for c in filled] or None
