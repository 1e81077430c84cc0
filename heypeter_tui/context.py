"""What every command needs: settings, the state dir, who is acting, which checklist and run."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from heypeter_tui.core.checklist import Checklist
from heypeter_tui.core.clock import Clock, system_clock
from heypeter_tui.core.config import Config, load_config
from heypeter_tui.core.errors import UserError
from heypeter_tui.core.events import Actor
from heypeter_tui.core.paths import config_dir, default_state_dir
from heypeter_tui.core.resources import builtin_checklists
from heypeter_tui.core.session import RunSession
from heypeter_tui.core.workspace import Workspace, read_header


class Context:
    def __init__(
        self,
        state_dir: Path | None = None,
        operator: str | None = None,
        clock: Clock = system_clock,
        config_path: Path | None = None,
    ) -> None:
        self._state_dir = state_dir
        self._operator = operator
        self._config_path = config_path
        self.clock = clock

    @cached_property
    def config_dir(self) -> Path:
        return self._config_path.parent if self._config_path else config_dir()

    @cached_property
    def config(self) -> Config:
        return load_config(self._config_path or self.config_dir / "config.yaml")

    @cached_property
    def workspace(self) -> Workspace:
        return Workspace(self._state_dir or default_state_dir())

    @property
    def actor(self) -> Actor:
        return Actor.here(self._operator or self.config.operator)

    # -- checklists --------------------------------------------------------------------------

    def checklist_files(self) -> list[Path]:
        """Built-in checklists, then the user's own (`<config>/checklists/*.yaml`)."""
        user_dir = self.config_dir / "checklists"
        user = sorted([*user_dir.glob("*.yaml"), *user_dir.glob("*.yml")]) if user_dir.is_dir() else []
        return list(builtin_checklists().values()) + user

    def available_checklists(self) -> dict[str, Path]:
        """Checklists by file name; a user's file of the same name comes after, and wins."""
        return {path.stem: path for path in self.checklist_files()}

    def checklist_path(self, reference: str | None) -> Path:
        """A checklist by file name, by the `id` inside it, or by path."""
        from heypeter_tui.core.loader import validate_file  # only where a checklist is chosen

        reference = reference or self.config.checklist
        known = self.available_checklists()
        if reference in known:
            return known[reference]
        path = Path(reference).expanduser()
        if path.exists() or "/" in reference or path.suffix in (".yaml", ".yml"):
            return path
        for candidate in reversed(self.checklist_files()):
            validation = validate_file(candidate)
            if validation.checklist is not None and validation.checklist.id == reference:
                return candidate
        raise UserError(f"no checklist {reference!r}; known: {', '.join(known)} (or give a file path)")

    def load_checklist(self, reference: str | None) -> tuple[Checklist, bytes]:
        from heypeter_tui.core.loader import load_checklist

        path = self.checklist_path(reference)
        checklist = load_checklist(path)
        return checklist, path.read_bytes()

    # -- runs --------------------------------------------------------------------------------

    def session(self, run_id: str) -> RunSession:
        return RunSession(self.workspace.store(run_id), self.actor, self.clock)

    def create_run(
        self, title: str | None, checklist_ref: str | None, t0=None, loaded: tuple[Checklist, bytes] | None = None
    ) -> str:
        """A new run, made current; contacts carry over from the latest run. `loaded` spares a second
        parse where the caller already read the checklist."""
        checklist, source = loaded or self.load_checklist(checklist_ref)
        now = self.clock()
        runs = self.workspace.runs()
        previous = self.workspace.current_id() or (runs[-1].id if runs else None)
        contacts = self._contacts_of(previous) if previous else None
        title = title or f"{checklist.title}, {now.astimezone():%Y-%m-%d}"
        return self.workspace.create_run(checklist, title, self.actor, now, t0, source, contacts)

    def current_session(self, checklist_ref: str | None = None) -> RunSession:
        """The current run; with `checklist_ref`, the latest run of that checklist.

        A new run is created where there is none: the first launch needs no set-up.
        """
        loaded = self.load_checklist(checklist_ref) if checklist_ref is not None else None
        workspace = self.workspace
        with workspace.locked():
            current = workspace.current_id()
            if loaded is None:
                return self.session(current or self.create_run(None, None))
            checklist = loaded[0]
            candidates = ([current] if current else []) + [run.id for run in reversed(workspace.runs())]
            for run_id in candidates:
                if read_header(workspace.store(run_id).path).get("checklist") == checklist.id:
                    workspace.set_current(run_id)
                    return self.session(run_id)
            return self.session(self.create_run(None, checklist_ref, loaded=loaded))

    def _contacts_of(self, run_id: str) -> list[dict[str, str]] | None:
        try:
            state = self.session(run_id).state
        except UserError:
            return None
        filled = [c for c in state.contacts.values() if c.name or c.phone or c.email]
        return [{"role": c.role, "name": c.name, "phone": c.phone, "email": c.email} for c in filled] or None
