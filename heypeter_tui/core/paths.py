"""Where files live: platformdirs locations (XDG on Linux), created private (0700)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "heypeter-tui"


def config_dir() -> Path:
    """config.yaml, and the user's own checklists/ and themes/."""
    return platformdirs.user_config_path(APP_NAME)


def default_state_dir() -> Path:
    """The runs: each one's append-only log, and which one is current."""
    return platformdirs.user_state_path(APP_NAME)


def ensure_private_dir(path: Path) -> Path:
    """Create `path` (and missing parents) readable by its owner alone.

    Contacts hold names and phone numbers, so a directory that exists with wider rights is
    narrowed too.
    """
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if path.stat().st_mode & 0o077:
        os.chmod(path, 0o700)
    return path


def write_private_file(path: Path, data: bytes) -> None:
    """Replace `path` whole or not at all: a temporary file beside it, fsync, rename; 0600.

    A missing parent is created private (0700); an existing one is left as its owner set it.
    Raises OSError, with the temporary file removed.
    """
    if not path.parent.exists():
        ensure_private_dir(path.parent)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temporary, path)
    except OSError:
        temporary.unlink(missing_ok=True)
        raise
