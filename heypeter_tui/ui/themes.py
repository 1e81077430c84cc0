"""themes/*.yaml -> textual.theme.Theme: the built-in ones, and the user's own from the config dir.

A theme file is Theme's own fields in YAML. A mistake names the file and line; the app then falls
back to the default theme with a notification, never a crash.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import yaml
from textual.theme import Theme

from heypeter_tui.core.errors import UserError
from heypeter_tui.core.nodes import YAML_TAG, NodeReader
from heypeter_tui.core.resources import builtin_dir

DEFAULT_THEME = "heypeter"
_FIELDS = tuple(field.name for field in dataclasses.fields(Theme))
_BOOLEANS = {"dark", "ansi"}
_NUMBERS = {"luminosity_spread", "text_alpha"}
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def load_theme(path: Path, trusted: bool = False) -> Theme:
    """Raises UserError naming the file and line on anything that is not a theme.

    `trusted` (the built-in files) may use libyaml's C loader, several times faster; a user's file
    goes through the pure-Python one, whose recursion limit turns a hostile nesting into an error.
    """
    source = str(path)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader) if trusted else yaml.SafeLoader
    try:
        text = path.read_text(encoding="utf-8")
        root = yaml.compose(text, Loader=loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        where = f"{path}:{mark.line + 1}" if mark else source
        raise UserError(f"{where}: YAML syntax: {error.problem}") from error
    except (OSError, UnicodeDecodeError, yaml.YAMLError, RecursionError) as error:
        raise UserError(f"{path}: cannot read theme: {error}") from error
    if root is None:
        raise UserError(f"{path}: empty theme file")
    reader = NodeReader(source)
    fields = reader.mapping(root, "theme", _FIELDS, ("name", "primary")) or {}
    values: dict[str, object] = {}
    for key, node in fields.items():
        if key in _BOOLEANS:
            values[key] = reader.boolean(node, key)
        elif key in _NUMBERS:
            if node.tag in (YAML_TAG + "float", YAML_TAG + "int"):
                values[key] = float(node.value)
            else:
                reader.error(node, f"{key} must be a number")
        elif key == "variables":
            variables = reader.mapping(node, "variables", tuple(_variable_names(node))) or {}
            values[key] = {name: reader.text(value, f"variable {name}") for name, value in variables.items()}
        else:
            values[key] = reader.text(node, key)
    if reader.errors:
        raise UserError(str(reader.errors[0]))
    if not _NAME.match(str(values["name"])):
        raise UserError(f"{path}: theme name {values['name']!r} may hold only letters, digits, '-', '_' and '.'")
    try:
        return Theme(**values)  # type: ignore[arg-type]
    except (TypeError, ValueError) as error:
        raise UserError(f"{path}: not a usable theme: {error}") from error


def _variable_names(node: yaml.Node) -> list[str]:
    if isinstance(node, yaml.MappingNode):
        return [key.value for key, _ in node.value if isinstance(key, yaml.ScalarNode)]
    return []


def theme_files(config_dir: Path | None) -> list[Path]:
    """Built-in theme files, then the user's own (`<config>/themes/*.yaml`)."""
    files = sorted(builtin_dir("themes").glob("*.yaml"))
    if config_dir is not None and (config_dir / "themes").is_dir():
        files += sorted((config_dir / "themes").glob("*.y*ml"))
    return files


def load_themes(config_dir: Path | None) -> tuple[list[Theme], list[str]]:
    """Every theme that loads, and one line for each file that does not."""
    themes, problems = [], []
    builtin = builtin_dir("themes")
    for path in theme_files(config_dir):
        try:
            themes.append(load_theme(path, trusted=path.parent == builtin))
        except UserError as error:
            problems.append(str(error))
    return themes, problems
