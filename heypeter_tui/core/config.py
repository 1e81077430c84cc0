"""config.yaml in the config dir: the operator, the theme, a keymap, the default checklist and the store."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from heypeter_tui.core.errors import UserError
from heypeter_tui.core.paths import ensure_private_dir, write_private_file

DEFAULT_CHECKLIST = "heypeter-production"
_KEYS = ("operator", "theme", "keymap", "checklist", "store", "allowed_signers")


@dataclass(frozen=True)
class Config:
    """The user's settings; every one has a default."""

    operator: str | None = None
    theme: str | None = None
    keymap: dict[str, str] = field(default_factory=dict)
    checklist: str = DEFAULT_CHECKLIST
    store: str | None = None
    """Where runs are kept (core/store_choice.py): a directory, or a PostgreSQL connection string."""
    allowed_signers: str | None = None
    """Your own OpenSSH allowed signers file: a second opinion beside each key signature's verdict, which the keys
    the run's checklist names decide (core/signoff_check.py); it never changes a verdict."""


MAX_CONFIG_BYTES = 64 * 1024


def load_config(path: Path) -> Config:
    """The settings in `path`, or the defaults where it does not exist.

    Read as the checklist loader reads: at most 64 KB of a regular file, composed to YAML nodes
    (no object is ever built from a tag), with nesting and alias expansion bounded; every mistake
    is one line naming the file and line.

    Only the user's own file, which no one else may write (core/paths.py, not_yours): a config.yaml another user
    planted (a world-writable config dir) would choose the store, the operator and whose keys verify. Refused, it
    stops the command (exit 2) rather than let it go on with the defaults: a pipeline that quietly lost its store
    or operator would record in another place, or as someone else, and say nothing.
    """
    from heypeter_tui.core.paths import ReadRefused, describe_os_error, read_limited

    try:
        text = read_limited(path, MAX_CONFIG_BYTES, own=True).decode("utf-8")
    except FileNotFoundError:
        return Config()
    except ReadRefused as error:
        raise UserError(f"{path}: {error}") from error
    except OSError as error:
        error.filename = None
        raise UserError(f"{path}: cannot read: {describe_os_error(error)}") from error
    except UnicodeDecodeError as error:
        raise UserError(f"{path}: not UTF-8 text") from error
    import yaml  # only when there is a file to read

    from heypeter_tui.core.nodes import NodeReader, TooManyProblems

    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        raise UserError(f"{where}: YAML syntax: {error.problem}") from error
    except yaml.YAMLError as error:  # a control character (ReaderError): its message spans lines
        raise UserError(f"{path}: YAML syntax: {' '.join(str(error).split())}") from error
    except RecursionError as error:
        raise UserError(f"{path}: nested too deeply to be settings") from error
    if root is None:
        return Config()
    reader = NodeReader(str(path))
    reader.max_text = 1000
    values: dict[str, object] = {}
    try:
        fields = reader.mapping(root, "settings", _KEYS) or {}
        for key in ("operator", "theme", "checklist", "store", "allowed_signers"):
            if key in fields:
                values[key] = reader.text(fields[key], key)
        if "keymap" in fields:
            node = fields["keymap"]
            names = tuple(k.value for k, _ in node.value if isinstance(k, yaml.ScalarNode)) if isinstance(
                node, yaml.MappingNode) else ()
            keymap = reader.mapping(node, "keymap", names) or {}
            values["keymap"] = {name: reader.text(value, f"keymap {name}") for name, value in keymap.items()}
    except (TooManyProblems, RecursionError):
        pass
    if reader.errors:
        problem = reader.errors[0]
        message = problem.message.replace("settings: unknown key", "unknown setting")
        raise UserError(f"{problem.source}:{problem.line}:{problem.column}: {message}")
    keymap = {str(k): str(v) for k, v in (values.get("keymap") or {}).items() if v is not None}  # type: ignore[union-attr]
    return Config(
        operator=_optional_text(values.get("operator")),
        theme=_optional_text(values.get("theme")),
        keymap=keymap,
        checklist=_optional_text(values.get("checklist")) or DEFAULT_CHECKLIST,
        store=_optional_text(values.get("store")),
        allowed_signers=_optional_text(values.get("allowed_signers")),
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
    from heypeter_tui.core.paths import ReadRefused, read_limited

    try:
        lines = read_limited(path, MAX_CONFIG_BYTES, own=True).decode("utf-8").splitlines()
    except FileNotFoundError:
        lines = []
    except (ReadRefused, UnicodeDecodeError) as error:
        raise UserError(f"{path}: not rewritten: {error}") from error
    rendered = f"{key}: {yaml.safe_dump(value, default_style=None).strip().removesuffix('...').strip()}"
    pattern = re.compile(rf"^{re.escape(key)}\s*:")
    if any(pattern.match(line) for line in lines):
        lines = [rendered if pattern.match(line) else line for line in lines]
    else:
        lines.append(rendered)
    ensure_private_dir(path.parent)
    write_private_file(path, ("\n".join(lines) + "\n").encode("utf-8"))
