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
