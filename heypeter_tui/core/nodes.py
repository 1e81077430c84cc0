"""Reading a YAML node graph (from `yaml.compose`) into plain values, collecting problems with their lines.

Nothing here knows the checklist format; it knows YAML's shapes, tags and positions.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

import yaml

from heypeter_tui.core.durations import format_duration, parse_duration
from heypeter_tui.core.ids import is_identifier
from heypeter_tui.core.text import clean_line

MAX_NODES = 500_000
MAX_ERRORS = 20
MAX_CHARACTERS = 16 * 1024 * 1024
"""Text read from one file, aliases expanded: a 5 MB file cannot stand for gigabytes."""

YAML_TAG = "tag:yaml.org,2002:"
PLAIN_TAGS = {YAML_TAG + name for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")}


@dataclass(frozen=True)
class Problem:
    source: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        if self.line <= 0:
            return f"{self.source}: {self.message}"
        return f"{self.source}:{self.line}:{self.column}: {self.message}"


class TooManyProblems(Exception):
    """Raised to stop a walk once `MAX_ERRORS` errors (or `MAX_NODES` values) are reached."""


class NodeReader:
    """Reads nodes into values; each mistake becomes a Problem naming the node's line and column."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []
        self.visited = 0
        self.characters = 0
        self.max_text: int | None = None
        """The longest text a value may hold (None: no limit of its own)."""
        self.derived_ids: list[yaml.Node] = []

    # -- reporting ---------------------------------------------------------------------------

    def error(self, node: yaml.Node, message: str) -> None:
        mark = node.start_mark
        self.errors.append(Problem(self.source, mark.line + 1, mark.column + 1, message))
        if len(self.errors) >= MAX_ERRORS:
            raise TooManyProblems

    def warn(self, node: yaml.Node, message: str) -> None:
        mark = node.start_mark
        self.warnings.append(Problem(self.source, mark.line + 1, mark.column + 1, message))

    def visit(self, node: yaml.Node) -> bool:
        """Counts nodes (aliases make a small file expand); False where the tag is not plain data."""
        self.visited += 1
        if self.visited > MAX_NODES:
            self.error(node, f"more than {MAX_NODES:,} values (aliases expanding?); refused")
            raise TooManyProblems
        if node.tag not in PLAIN_TAGS:
            self.error(node, f"YAML tag {node.tag!r} is not allowed: a checklist is plain data")
            return False
        return True

    # -- shapes --------------------------------------------------------------------------------

    def mapping(
        self, node: yaml.Node, what: str, allowed: tuple[str, ...], required: tuple[str, ...] = (),
        hints: dict[str, str] | None = None,
    ) -> dict[str, yaml.Node] | None:
        """`hints`: what to say of a key that is not allowed here but is somewhere near (`timeout:` under an item
        belongs under its `check:`), rather than a close match of another word."""
        if not self.visit(node):
            return None
        if not isinstance(node, yaml.MappingNode):
            self.error(node, f"{what} must be a mapping (key: value), not {describe(node)}")
            return None
        values: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in PLAIN_TAGS:
                self.error(key_node, f"{what}: keys must be plain words")
                continue
            key = key_node.value
            if key in values:
                self.error(key_node, f"{what}: key {key!r} appears twice")
            elif key not in allowed and hints and key in hints:
                self.error(key_node, f"{what}: {hints[key]}")
            elif key not in allowed:
                hint = difflib.get_close_matches(key, allowed, n=1)
                expected = f"did you mean {hint[0]!r}?" if hint else f"expected one of: {', '.join(allowed)}"
                self.error(key_node, f"{what}: unknown key {key!r}; {expected}")
            else:
                values[key] = value_node
        for key in required:
            if key not in values:
                self.error(node, f"{what}: missing required key {key!r}")
        return values

    def sequence(self, node: yaml.Node, what: str) -> list[yaml.Node]:
        if not self.visit(node):
            return []
        if not isinstance(node, yaml.SequenceNode):
            self.error(node, f"{what} must be a list (lines starting with '- '), not {describe(node)}")
            return []
        return list(node.value)

    def text(self, node: yaml.Node, what: str, limit: int | None = None) -> str | None:
        """A scalar as written: `- No` stays the text "No", never the boolean False. `limit`: a field's own
        longest text, where it is shorter than `max_text` (an owner)."""
        if not self.visit(node):
            return None
        if not isinstance(node, yaml.ScalarNode):
            self.error(node, f"{what} must be text, not {describe(node)}")
            return None
        value = clean_line(node.value).strip()  # text enters cleaned: escape sequences and controls go here
        if not value:
            self.error(node, f"{what} is empty" + (" (once escape sequences and controls are removed)"
                                                  if node.value.strip() else ""))
            return None
        self.characters += len(value)
        if self.characters > MAX_CHARACTERS:
            self.error(node, f"more than {MAX_CHARACTERS:,} characters of text (aliases expanding?); refused")
            raise TooManyProblems
        limit = limit if limit is not None else self.max_text
        if limit is not None and len(value) > limit:
            self.error(node, f"{what} is {len(value):,} characters; at most {limit:,} are allowed")
            return None
        return value

    def identifier(self, node: yaml.Node, what: str) -> str | None:
        value = self.text(node, what)
        if value is not None and not is_identifier(value):
            self.error(node, f"{what} {value!r} may hold only letters, digits, '-', '_' and '.'")
            return None
        return value

    def boolean(self, node: yaml.Node, what: str) -> bool | None:
        if self.visit(node) and node.tag == YAML_TAG + "bool":
            return node.value.lower() in ("true", "yes", "on")  # the words PyYAML tags bool (not y or n)
        self.error(node, f"{what} must be true or false, not {describe(node)}")
        return None

    def duration(self, node: yaml.Node, what: str, example: str, low: int, high: int) -> int | None:
        value = self.text(node, what)
        if value is None:
            return None
        try:
            seconds = parse_duration(value)
        except ValueError:
            self.error(node, f"{what} {value[:40]!r} is not a duration; expected a form like {example}")
            return None
        if not low <= seconds <= high:
            bounds = f"from {format_duration(low)} to {format_duration(high)}"
            self.error(node, f"{what} {value!r} is out of range: {bounds}")
            return None
        return seconds



def describe(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if node.tag == YAML_TAG + "null":
        return "nothing"
    return f"{node.value[:60]!r}"
