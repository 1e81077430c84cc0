"""The state dir: one log per run under `runs/`, and which run is current."""

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
from heypeter_tui.core.events import Actor, new_event
from heypeter_tui.core.ids import slugify
from heypeter_tui.core.paths import ensure_private_dir, write_private_file
from heypeter_tui.core.store import FILE_MODE, RunStore

LOG_SUFFIX = ".jsonl"


@dataclass(frozen=True)
class RunRef:
    """A run's id and the path of its log."""

    id: str
    path: Path


class Workspace:
    def __init__(self, state_dir: Path) -> None:
        self.state_dir = state_dir
        self.runs_dir = state_dir / "runs"
        self._current_file = state_dir / "current"

    def ensure(self) -> Workspace:
        ensure_private_dir(self.state_dir)
        ensure_private_dir(self.runs_dir)
        return self

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Held while choosing or creating the current run, so two dashboards started at the same
        moment on an empty state dir share one first run instead of making two."""
        self.ensure()
        fd = os.open(self.state_dir / "lock", os.O_RDWR | os.O_CREAT, FILE_MODE)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def runs(self) -> list[RunRef]:
        """Every run, oldest first (ids begin with their creation time)."""
        if not self.runs_dir.is_dir():
            return []
        return [RunRef(path.name[: -len(LOG_SUFFIX)], path) for path in sorted(self.runs_dir.glob(f"*{LOG_SUFFIX}"))]

    def current_id(self) -> str | None:
        try:
            run_id = self._current_file.read_text(encoding="utf-8").strip()
        except (FileNotFoundError, UnicodeDecodeError):
            return None
        return run_id if run_id and (self.runs_dir / f"{run_id}{LOG_SUFFIX}").is_file() else None

    def set_current(self, run_id: str) -> None:
        """Atomically: a crash leaves the old pointer or the new one, never half of one."""
        self.ensure()
        write_private_file(self._current_file, run_id.encode("utf-8") + b"\n")

    def store(self, run_id: str) -> RunStore:
        return RunStore(self.runs_dir / f"{run_id}{LOG_SUFFIX}")

    def resolve(self, reference: str) -> str:
        """A run by its id, a unique prefix of it, or its exact title."""
        runs = self.runs()
        ids = [run.id for run in runs]
        if reference in ids:
            return reference
        matches = [run_id for run_id in ids if run_id.startswith(reference)]
        if not matches:
            matches = [run.id for run in runs if str(read_header(run.path).get("title", "")).casefold() == reference.casefold()]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise UserError(f"no run {reference!r}; `heypeter-tui runs` lists them")
        raise UserError(f"{reference!r} names {len(matches)} runs ({', '.join(matches[:5])}); give more of the id")

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
        base = f"{now.astimezone():%Y%m%d-%H%M%S}-{slugify(title, 'run')[:40].rstrip('-')}"
        run_id, n = base, 1
        while (self.runs_dir / f"{run_id}{LOG_SUFFIX}").exists():
            n += 1
            run_id = f"{base}-{n}"
        import hashlib  # OpenSSL's load is only worth it when a run is created

        data = {
            "schema": ev.LOG_SCHEMA,
            "run": run_id,
            "title": title,
            "checklist": checklist.id,
            "checklist_sha256": hashlib.sha256(source).hexdigest() if source is not None else None,
            "t0": to_iso(t0) if t0 else None,
            "template": checklist.to_dict(),
        }
        if contacts:
            data["contacts"] = contacts
        RunStore.create(self.runs_dir / f"{run_id}{LOG_SUFFIX}", new_event(ev.RUN_CREATED, actor, now, **data))
        self.set_current(run_id)
        return run_id


def read_header(path: Path) -> dict[str, object]:
    """A log's first line (run.created) alone: title, checklist and T-0 without folding the run."""
    try:
        with open(path, "rb") as file:
            header = json.loads(file.readline())
    except (OSError, ValueError):
        return {}
    return header if isinstance(header, dict) else {}
