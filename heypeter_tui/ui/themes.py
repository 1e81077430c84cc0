"""themes/*.yaml -> textual.theme.Theme: the built-in ones, and the user's own from the config dir.

A theme file is Theme's own fields in YAML. A mistake names the file and the line of the bad value;
the app then falls back to the default theme with a notification, never a crash.

A user's theme is proven before it is offered: every colour parses, every variable is one CSS value
(no `;`, `{`, `}` or line break that could end a declaration and start rules of its own), numbers
are finite and in range, and then the app's whole stylesheet is parsed with the theme's variables,
as Textual will parse it when the theme is applied. The built-in themes are trusted and skip this:
they are tested, and they must stay fast to load.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import re
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App
from textual.color import Color, ColorParseError
from textual.theme import Theme

from heypeter_tui.core.config import Config, save_setting
from heypeter_tui.core.errors import UserError
from heypeter_tui.core.paths import ReadRefused, describe_os_error, read_limited
from heypeter_tui.core.resources import builtin_dir
from heypeter_tui.core.text import clean_line

if TYPE_CHECKING:
    import yaml

    from heypeter_tui.context import Context
    from heypeter_tui.core.nodes import NodeReader

DEFAULT_THEME = "heypeter"
MAX_THEME_BYTES = 64 * 1024
_FIELDS = tuple(field.name for field in dataclasses.fields(Theme))
_BOOLEANS = {"dark", "ansi"}
_NUMBERS = {"luminosity_spread", "text_alpha"}
_COLOURS = ("primary", "secondary", "warning", "error", "success", "accent", "foreground", "background", "surface",
            "panel", "boost")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,63}$")
_BREAKS_OUT = re.compile(r"[;{}\r\n]")
"""What would end a declaration and let a value write rules of its own."""
_APP_CSS = Path(__file__).parent / "app.tcss"


_FLAT_LINE = re.compile(r'(?P<indent>  )?(?P<key>[A-Za-z_][A-Za-z0-9_-]{0,63}):'
                        r'(?: "(?P<quoted>[ !#-\[\]-~]*)"| (?P<plain>[A-Za-z0-9_][A-Za-z0-9_.-]*))?')
"""One line of the plain YAML the built-in themes are written in: `key: "text"`, `key: word`, `variables:`, and
under it `  name: value`. No escapes, flow, anchors, tags or trailing comments: those go through the YAML library."""


def _flat_theme(text: str) -> dict[str, object] | None:
    """A built-in theme's fields, read without the YAML library (its import and parse are not on the way to the
    first frame); None for anything outside that plain subset, which is then read as YAML like any other file.
    What it gives is what the YAML reading gives (tests/unit/test_startup_imports.py compares every built-in)."""
    values: dict[str, object] = {}
    variables: dict[str, str] | None = None
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        match = _FLAT_LINE.fullmatch(line)
        if match is None:
            return None
        key, plain = match["key"], match["plain"]
        value = match["quoted"] if match["quoted"] is not None else plain
        if value is not None and (not value or clean_line(value).strip() != value or _BREAKS_OUT.search(value)):
            return None
        if match["indent"]:
            if variables is None or value is None or key in variables:
                return None
            variables[key] = value
            continue
        variables = None
        if key in values or key not in _FIELDS or (value is None) != (key == "variables"):
            return None
        if key == "variables":
            variables = {}
            values[key] = variables
        elif key in _BOOLEANS:
            if plain not in ("true", "false"):
                return None
            values[key] = plain == "true"
        elif key in _NUMBERS:
            if plain is None or not re.fullmatch(r"[0-9]+(\.[0-9]+)?", plain) or not 0 <= float(plain) <= 1:
                return None
            values[key] = float(plain)
        else:
            values[key] = value
    if "name" not in values or "primary" not in values or values.get("variables") == {}:
        return None
    return values


def _theme(path: Path, values: dict[str, object]) -> Theme:
    if not _NAME.match(str(values["name"])):
        raise UserError(f"{path}: theme name {values['name']!r} may hold only letters, digits, '-', '_' and '.'")
    try:
        return Theme(**values)  # type: ignore[arg-type]
    except (TypeError, ValueError) as error:
        raise UserError(f"{path}: not a usable theme: {error}") from error


def load_theme(path: Path, trusted: bool = False) -> Theme:
    """Raises UserError naming the file and line on anything that is not a theme.

    `trusted` (the built-in files) are read without the YAML library where they keep to the plain subset they are
    written in, else with libyaml's C loader, several times faster; a user's file goes through the pure-Python
    one, whose recursion limit turns a hostile nesting into an error.
    """
    try:
        # A FIFO in themes/ must not hang the start; a user's theme another user planted (or may edit) is not read.
        text = read_limited(path, MAX_THEME_BYTES, own=not trusted).decode("utf-8")
    except (OSError, ReadRefused, UnicodeDecodeError) as error:
        raise UserError(f"{path}: cannot read theme: {error}") from error
    flat = _flat_theme(text) if trusted else None
    if flat is not None:
        return _theme(path, flat)
    import yaml

    from heypeter_tui.core.nodes import NodeReader

    source = str(path)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader) if trusted else yaml.SafeLoader
    try:
        root = yaml.compose(text, Loader=loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        where = f"{path}:{mark.line + 1}" if mark else source
        raise UserError(f"{where}: YAML syntax: {error.problem}") from error
    except (OSError, ReadRefused, UnicodeDecodeError, yaml.YAMLError, RecursionError) as error:
        raise UserError(f"{path}: cannot read theme: {error}") from error
    if root is None:
        raise UserError(f"{path}: empty theme file")
    reader = NodeReader(source)
    fields = reader.mapping(root, "theme", _FIELDS, ("name", "primary")) or {}
    values: dict[str, object] = {}
    variable_nodes: dict[str, yaml.Node] = {}
    for key, node in fields.items():
        if key in _BOOLEANS:
            values[key] = reader.boolean(node, key)
        elif key in _NUMBERS:
            values[key] = _number(reader, node, key)
        elif key == "variables":
            variable_nodes = reader.mapping(node, "variables", tuple(_variable_names(node))) or {}
            values[key] = {name: _variable(reader, value, name) for name, value in variable_nodes.items()}
        else:
            values[key] = reader.text(node, key)
            if key in _COLOURS and values[key] is not None and not trusted:
                _colour(reader, node, key, str(values[key]))
    if reader.errors:
        raise UserError(str(reader.errors[0]))
    theme = _theme(path, values)
    if not trusted:
        _prove(theme, path, root, variable_nodes)
    return theme


def _number(reader: NodeReader, node: yaml.Node, key: str) -> float | None:
    import yaml

    from heypeter_tui.core.nodes import YAML_TAG

    if node.tag in (YAML_TAG + "float", YAML_TAG + "int"):
        # YAML's own reading: `.nan`, `.inf` and `1_000` are numbers too, and then refused below
        number = float(yaml.constructor.SafeConstructor().construct_object(node))
        if math.isfinite(number) and 0 <= number <= 1:
            return number
    reader.error(node, f"{key} must be a number from 0 to 1, not {node.value[:40]!r}")
    return None


def _colour(reader: NodeReader, node: yaml.Node, key: str, value: str) -> None:
    try:
        Color.parse(value)
    except ColorParseError:
        expected = "expected a form like '#5AA9E6', 'rgb(90,169,230)' or 'red'"
        reader.error(node, f"{key} {value[:40]!r} is not a colour; {expected}")


def _variable(reader: NodeReader, node: yaml.Node, name: str) -> str | None:
    value = reader.text(node, f"variable {name}")
    if not _VARIABLE.match(name):
        reader.error(node, f"variable name {name[:40]!r} may hold only letters, digits, '-' and '_'")
    elif value is not None and _BREAKS_OUT.search(node.value):  # as written: reading folds line breaks
        reader.error(node, f"variable {name}: {node.value[:40]!r} holds ';', '{{', '}}' or a line break; "
                     "one CSS value only")
    return value


def _prove(theme: Theme, path: Path, root: yaml.Node, variable_nodes: dict[str, yaml.Node]) -> None:
    """Parse the app's stylesheet with the theme's variables; name the line of the value it refuses."""
    _stylesheet_sources()  # outside the `try`: a fault of the app's own CSS is not the theme's
    try:
        check_stylesheet(theme)
    except Exception as error:  # whatever Textual raises for it would have crashed the app
        culprit = _culprit(theme, error)
        node = variable_nodes.get(culprit, root) if culprit else root
        what = f"variable {culprit} {theme.variables[culprit][:40]!r}" if culprit else "the theme"
        where = f"{path}:{node.start_mark.line + 1}:{node.start_mark.column + 1}"
        raise UserError(f"{where}: {what} breaks the app's stylesheet: {_reason(error)}") from None


def _culprit(theme: Theme, error: Exception) -> str | None:
    """The theme's variable that the stylesheet refused: the one the error names, else the first that fails alone."""
    from textual.css.stylesheet import StylesheetParseError

    if isinstance(error, StylesheetParseError):
        for rule in error.errors.rules:
            for token, _ in rule.errors:
                if token.referenced_by is not None and token.referenced_by.name in theme.variables:
                    return token.referenced_by.name
    for name, value in theme.variables.items():
        try:
            check_stylesheet(dataclasses.replace(theme, variables={name: value}))
        except Exception:
            return name
    return None


def _reason(error: Exception) -> str:
    from rich.text import Text
    from textual.css.stylesheet import StylesheetParseError

    if isinstance(error, StylesheetParseError):
        for rule in error.errors.rules:
            for _, message in rule.errors:
                return Text.from_markup(str(message)).plain
    return str(error) or type(error).__name__


def check_stylesheet(theme: Theme) -> None:
    """Raises what Textual would raise applying `theme`: its colour system, then every CSS source the app
    may load parsed with its variables, combined as App.get_css_variables does (the app adds no defaults)."""
    from textual.css.stylesheet import Stylesheet

    variables = {**theme.to_color_system().generate(), **theme.variables}
    stylesheet = Stylesheet(variables=variables)
    for location, css, is_default in _stylesheet_sources():
        stylesheet.add_source(css, read_from=location, is_default_css=is_default)
    stylesheet.parse()


@functools.cache
def _stylesheet_sources() -> tuple[tuple[tuple[str, str], str, bool], ...]:
    """app.tcss and the CSS of every widget and screen the app may show, including those it imports only
    when first needed (a dialog, the sign-off table): all of heypeter_tui.ui is imported first. Only a user's
    theme needs this, so a start with the built-in themes alone never pays for it."""
    import importlib
    import inspect
    import pkgutil

    from textual.dom import DOMNode

    import heypeter_tui.ui

    for module in pkgutil.walk_packages(heypeter_tui.ui.__path__, "heypeter_tui.ui."):
        importlib.import_module(module.name)
    sources = [((str(_APP_CSS), ""), _APP_CSS.read_text(encoding="utf-8"), False)]
    pending, seen = [DOMNode], set()
    while pending:
        cls = pending.pop()
        for sub in cls.__subclasses__():
            if sub not in seen:
                seen.add(sub)
                pending.append(sub)
    for cls in sorted(seen, key=lambda cls: (cls.__module__, cls.__qualname__)):
        if cls.__module__.partition(".")[0] not in ("textual", "heypeter_tui"):
            continue  # a class of some other program in this process is not ours to judge
        for attribute in ("DEFAULT_CSS", "CSS"):
            css = cls.__dict__.get(attribute)
            if isinstance(css, str) and css.strip():
                location = (inspect.getfile(cls), f"{cls.__qualname__}.{attribute}")
                sources.append((location, css, attribute == "DEFAULT_CSS"))
    return tuple(sources)


def _variable_names(node: yaml.Node) -> list[str]:
    import yaml

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


class ThemeChoice:
    """Mixin for the app: which theme it starts with, and keeping the one picked in the palette."""

    context: Context
    config: Config
    theme_override: str | None
    picked_theme: str | None = None
    """A theme set after mount (the palette), kept once Textual has applied it."""

    def choose_theme(self) -> None:
        """--theme, else config.yaml's, else the default. Chosen before the first frame: setting a
        theme later re-parses every stylesheet."""
        themes, problems = load_themes(self.context.config_dir)
        self.theme_problems = [f"{problem}; that theme is not available" for problem in problems]
        for theme in themes:
            self.register_theme(theme)
        wanted = self.theme_override or self.config.theme or DEFAULT_THEME
        if wanted not in self.available_themes:
            self.theme_problems.append(f"no theme {wanted!r}; using {DEFAULT_THEME}")
            wanted = DEFAULT_THEME
        theme = self.get_theme(wanted)
        if theme is None or theme.ansi:
            self.theme = wanted  # through Textual's watcher, which also sets up ANSI colours
            return
        # Before the first frame the stylesheet is not parsed yet: set the theme and its classes
        # without the watcher's re-parse of every stylesheet.
        self.set_reactive(App.theme, wanted)
        self.stylesheet.set_variables(self.get_css_variables())
        for name in [name for name in self.classes if name.startswith("-theme-")]:
            self.remove_class(name, update=False)
        self.add_class(f"-theme-{wanted}", "-dark-mode" if theme.dark else "-light-mode", update=False)
        self.remove_class("-light-mode" if theme.dark else "-dark-mode", update=False)

    def report_theme_problems(self) -> None:
        for problem in self.theme_problems:
            self.say(problem, title="Theme", severity="warning", timeout=10)

    def pick_theme(self, name: str) -> None:
        self.picked_theme = name

    def remember_theme(self, theme: Theme) -> None:
        """A theme picked in the palette is kept in config.yaml for next time: only once Textual has applied
        it (its signal comes after the stylesheet took the theme), and only a registered one, so that
        config.yaml never names a theme that would not load. --theme, set before mount, is not kept."""
        name = theme.name
        applied = name == self.picked_theme == self.theme  # a later pick is kept when that one is applied
        if not applied or self.get_theme(name) is not theme:
            return
        try:
            save_setting(self.context.config_dir / "config.yaml", "theme", name)
        except UserError as error:  # a config.yaml that is a link, read-only, or not text: left as it is
            self.say(f"theme not saved: {error}", severity="warning")
        except OSError as error:
            self.say(f"theme not saved: {describe_os_error(error)}", severity="warning")
