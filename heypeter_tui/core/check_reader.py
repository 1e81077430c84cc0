"""An item's `check:` in a checklist file: a command, or `{run: …, timeout: 30s, every: 60s}`.

The command is read as written, never cleaned: what runs must be what was reviewed and trusted, so a command
holding a control character or a bidirectional override is refused here, with its line, rather than changed.
"""

from __future__ import annotations

import yaml

from heypeter_tui.core.checks import (
    DEFAULT_TIMEOUT,
    MAX_EVERY,
    MAX_TIMEOUT,
    MIN_EVERY,
    MIN_TIMEOUT,
    Check,
    command_problem,
)
from heypeter_tui.core.nodes import YAML_TAG, NodeReader, describe


def read_check(reader: NodeReader, node: yaml.Node, what: str, timer: int | None) -> Check | None:
    """The check of an item (`what` names it), or None with the problem recorded on `reader`. `timer`: the item's
    own timer, which a repeating check (`every`) needs."""
    if isinstance(node, yaml.ScalarNode):
        command = _command(reader, node, f"{what}: check")
        return Check(command) if command is not None else None
    if isinstance(node, yaml.SequenceNode):
        reader.visit(node)
        reader.error(node, f"{what}: check must be a command or a mapping (run:, timeout:, every:), not a list")
        return None
    fields = reader.mapping(node, f"{what}: check", ("run", "timeout", "every"), ("run",))
    if fields is None or "run" not in fields:
        return None
    command = _command(reader, fields["run"], f"{what}: check run")
    timeout = DEFAULT_TIMEOUT
    if "timeout" in fields:
        timeout = reader.duration(fields["timeout"], f"{what}: check timeout", "30s or 2m", MIN_TIMEOUT,
                                  MAX_TIMEOUT) or DEFAULT_TIMEOUT
    every = None
    if "every" in fields:
        every = reader.duration(fields["every"], f"{what}: check every", "60s or 5m", MIN_EVERY, MAX_EVERY)
        if every is not None and timer is None:
            reader.error(fields["every"], f"{what}: check every repeats the check while the item's timer runs; "
                         "give the item a timer (timer: 30m)")
            every = None
        elif every is not None and timer is not None and every >= timer:
            reader.warn(fields["every"], f"{what}: check every is as long as the item's timer or longer: it runs once, "
                        "as the timer starts")
    return Check(command, timeout, every) if command is not None else None


def _command(reader: NodeReader, node: yaml.Node, what: str) -> str | None:
    if not reader.visit(node):
        return None
    if not isinstance(node, yaml.ScalarNode) or node.tag == YAML_TAG + "null":
        reader.error(node, f"{what} must be a command (text), not {describe(node)}")
        return None
    command = node.value.strip("\n")
    problem = command_problem(command)
    if problem:
        reader.error(node, f"{what} {problem}")
        return None
    reader.characters += len(command)
    return command
