"""config.yaml in the config dir: the operator, the theme, a keymap and the default checklist."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from heypeter_tui.core.errors import UserError
from heypeter_tui.core.paths import ensure_private_dir, write_private_file

DEFAULT_CHECKLIST = "heypeter-production"
_KEYS = ("operator", "theme", "keymap", "checklist")


@dataclass(frozen=True)
class Config:
    """The user's settings; every one has a default."""

    operator: str | None = None
    theme: str | None = None
    keymap: dict[str, str] = field(default_factory=dict)
    checklist: str = DEFAULT_CHECKLIST


def load_config(path: Path) -> Config:
    """The settings in `path`, or the defaults where it does not exist."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Config()
    except (OSError, UnicodeDecodeError) as error:
        raise UserError(f"{path}: cannot read: {error}") from error
    import yaml  # only when there is a file to read
    try:
        data = yaml.safe_load(text) or {}
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        raise UserError(f"{where}: YAML syntax: {error.problem}") from error
    except yaml.YAMLError as error:
        raise UserError(f"{path}: YAML syntax: {error}") from error
    if not isinstance(data, dict):
        raise UserError(f"{path}: expected a mapping of settings ({', '.join(_KEYS)})")
    unknown = sorted(set(map(str, data)) - set(_KEYS))
    if unknown:
        raise UserError(f"{path}: unknown setting {unknown[0]!r}; expected one of: {', '.join(_KEYS)}")
    keymap = data.get("keymap") or {}
    if not isinstance(keymap, dict):
        raise UserError(f"{path}: keymap must map binding ids to keys")
    return Config(
        operator=_optional_text(data.get("operator")),
        theme=_optional_text(data.get("theme")),
        keymap={str(k): str(v) for k, v in keymap.items()},
        checklist=_optional_text(data.get("checklist")) or DEFAULT_CHECKLIST,
    )


def _optional_text(value: object) -> str | None:
    return str(value).strip() or None if value is not None else None


def save_setting(path: Path, key: str, value: str) -> None:
    """Set one top-level setting in config.yaml, keeping the rest of the file (comments too).

    Written whole or not at all, 0600 in a 0700 directory.
    """
    import yaml

    if key not in _KEYS or key == "keymap":
        raise ValueError(f"not a plain setting: {key}")
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        lines = []
    rendered = f"{key}: {yaml.safe_dump(value, default_style=None).strip().removesuffix('...').strip()}"
    pattern = re.compile(rf"^{re.escape(key)}\s*:")
    if any(pattern.match(line) for line in lines):
        lines = [rendered if pattern.match(line) else line for line in lines]
    else:
        lines.append(rendered)
    ensure_private_dir(path.parent)
    write_private_file(path, ("\n".join(lines) + "\n").encode("utf-8"))
