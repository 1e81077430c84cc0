"""Where the built-in checklists and themes are: inside the installed package, or in the source tree.

A wheel carries them as `heypeter_tui/data/{checklists,themes}`; an editable install or a plain
checkout finds them at the top of the repository, where they are kept.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent


def builtin_dir(kind: str) -> Path:
    """`kind` is "checklists" or "themes"."""
    packaged = _PACKAGE / "data" / kind
    if packaged.is_dir():
        return packaged
    return _PACKAGE.parent / kind


def builtin_checklists() -> dict[str, Path]:
    """Built-in checklist files by file stem, which is also their id."""
    return {path.stem: path for path in sorted(builtin_dir("checklists").glob("*.yaml"))}
