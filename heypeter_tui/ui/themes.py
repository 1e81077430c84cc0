"""themes/*.yaml -> textual.theme.Theme. The built-in ones ship in the package."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import yaml
from textual.theme import Theme

from heypeter_tui.core.errors import UserError
from heypeter_tui.core.resources import builtin_dir

DEFAULT_THEME = "heypeter"
_FIELDS = tuple(field.name for field in dataclasses.fields(Theme))


def load_theme(path: Path) -> Theme:
    """Raises UserError naming the file (and line) on anything that is not a theme."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise UserError(f"{where}: YAML syntax: {error.problem}") from error
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise UserError(f"{path}: cannot read theme: {error}") from error
    if not isinstance(data, dict) or "name" not in data or "primary" not in data:
        raise UserError(f"{path}: a theme needs at least `name` and `primary`")
    unknown = sorted(set(map(str, data)) - set(_FIELDS))
    if unknown:
        raise UserError(f"{path}: unknown theme key {unknown[0]!r}; expected: {', '.join(_FIELDS)}")
    try:
        return Theme(**data)
    except (TypeError, ValueError) as error:
        raise UserError(f"{path}: not a usable theme: {error}") from error


def builtin_themes() -> list[Theme]:
    return [load_theme(path) for path in sorted(builtin_dir("themes").glob("*.yaml"))]
