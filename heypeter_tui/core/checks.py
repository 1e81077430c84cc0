"""Items that check themselves: a checklist's `check:` commands, what running one found, and what it records.

A check is a command a checklist attaches to an item (`check: curl -fsS https://…/health`). It runs by
`/bin/sh -c` (core/check_runner.py), only once this user has trusted the checklist's exact content
(core/trust.py); its result is an `item.check` event: the command, exit status or signal, duration, host and the
output's last 64 KiB, cleaned. A pass also marks the item done, by the same rule as ticking it (commands.py).

The command is shown exactly as it runs: a checklist file whose command holds a control character or a
bidirectional override is refused (`command_problem`), and every place that shows one (`visible`) spells out any
such character another writer's log slipped past that, rather than drop it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from heypeter_tui.core.durations import format_duration

MAX_COMMAND = 16 * 1024
"""A check command: a line or a short script. Longer belongs in a script the command runs."""
DEFAULT_TIMEOUT = 60
MIN_TIMEOUT, MAX_TIMEOUT = 1, 3600
"""A check that needs more than an hour is not a check: a timeout from 1 s to 1 h."""
MIN_EVERY, MAX_EVERY = 5, 86400
"""How often a monitoring check repeats while its item's timer runs: from every 5 s to once a day."""
OUTPUT_KEPT = 64 * 1024
"""The output's last 64 KiB go into the log (its full size is noted)."""

PASSED, FAILED, TIMED_OUT, CANCELLED = "passed", "failed", "timed out", "cancelled"

_UNSHOWABLE = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\xa0\xad\u034f\u0600-\u0605\u061c\u115f\u1160\u1680\u17b4\u17b5\u180b-\u180f"
    r"\u2000-\u200f\u2028-\u202f\u205f-\u206f\u2800\u3000\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb"
    r"\ud800-\udfff\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff]"
)
"""What a terminal would act on, or what makes text read other than it runs: controls (but newline and tab),
zero-width and invisible characters (Unicode's default-ignorable ones: variation selectors, tags, the combining
grapheme joiner, Khmer and Mongolian invisibles, musical formatting), bidirectional marks, overrides and isolates
(Trojan Source), lone surrogates; and what a screen shows as a space or a line break where /bin/sh sees neither: the
Unicode line and paragraph separators, every space but the ASCII one (no-break, em, ideographic…) and the blank
fillers. Any of them makes `true<U+00A0># harmless; rm -rf ~` read as a comment, and run rm."""
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp", "Zs"})
"""And by category, for what the list above does not name: every other format character, private use, unassigned
code points (a future version's invisible), and separators."""


def _hidden(character: str) -> bool:
    if character in "\n\t ":
        return False
    if _UNSHOWABLE.match(character):
        return True
    import unicodedata

    return unicodedata.category(character) in _HIDDEN_CATEGORIES


@dataclass(frozen=True)
class Check:
    """An item's command: what runs, how long it may take, and how often it repeats while the item's timer runs."""

    run: str
    timeout: int = DEFAULT_TIMEOUT
    every: int | None = None

    def to_dict(self) -> dict[str, str]:
        data = {"run": self.run, "timeout": format_duration(self.timeout)}
        if self.every is not None:
            data["every"] = format_duration(self.every)
        return data


def command_problem(command: str) -> str | None:
    """Why `command` may not be a check, or None: empty, too long, or holding what would not show as it runs."""
    if not command.strip():
        return "is empty"
    if len(command) > MAX_COMMAND:
        return f"is {len(command):,} characters; at most {MAX_COMMAND:,} are allowed (put a longer one in a script)"
    found = _UNSHOWABLE.search(command) if command.isascii() else next(filter(_hidden, command), None)
    if found:
        return (f"holds character U+{ord(found[0]):04X}, which would not show as it runs; a check's command is "
                "shown to be trusted exactly as it runs")
    return None


def visible(command: str) -> str:
    """The command for a screen, the terminal or the record: every character that `command_problem` refuses
    spelled out (`\\x1b`, `\\u202e`), so nothing hides in what is shown and nothing acts on the terminal."""
    if command.isascii():
        return _UNSHOWABLE.sub(lambda m: _spelled(m[0]), command)
    return "".join(_spelled(ch) if _hidden(ch) else ch for ch in command)


def reviewed(command: str) -> str:
    """The command as a person reviews it before trusting it: `visible`, and every character beyond ASCII spelled
    out too. A combining mark on a space, a fullwidth `＃` or a right-to-left letter that reorders the line would each
    read otherwise than /bin/sh runs it; `\uff03` cannot."""
    if command.isascii():
        return visible(command)
    return "".join(ch if ch.isascii() and not _hidden(ch) else _spelled(ch) for ch in command)


def _spelled(character: str) -> str:
    return character.encode("unicode_escape", "backslashreplace").decode("ascii")


def checks_of(checklist, group_id: str | None = None) -> list[tuple[str, Check]]:
    """Every (item key, check) of the checklist, or of one group, in checklist order."""
    return [(group.key(item), item.check) for group in checklist.groups
            if group_id is None or group.id == group_id for item in group.items if item.check is not None]


@dataclass(frozen=True)
class CheckResult:
    """What one run of a check found: core/check_runner.py makes it, `to_data` is its `item.check` event."""

    command: str
    outcome: str
    exit: int | None
    """The exit status; None where a signal ended it (or it never started)."""
    signal: str | None
    """The signal that ended it (`SIGKILL`), if one did."""
    duration_ms: int
    output: str
    """The output's last 64 KiB (stdout and stderr as they came), decoded and cleaned of escapes."""
    output_bytes: int
    """The output's whole size, in bytes."""
    timeout: int
    host: str
    started: str
    """When it started (ISO 8601, the session's clock)."""

    @property
    def passed(self) -> bool:
        return self.outcome == PASSED

    def to_data(self, key: str) -> dict[str, object]:
        return {"item": key, "command": self.command, "outcome": self.outcome, "exit": self.exit,
                "signal": self.signal, "duration_ms": self.duration_ms, "timeout": self.timeout, "host": self.host,
                "started": self.started, "output": self.output, "output_bytes": self.output_bytes}


def outcome_line(data, with_time: str = "") -> str:
    """`check failed (exit 3) 14:02`, `check timed out after 1m (SIGTERM)`: how a check's result is said on its
    item, in its history and in the record. `data`: an `item.check` event's fields (any mapping with `get`)."""
    outcome = str(data.get("outcome") or "?")
    if outcome == TIMED_OUT:
        detail = f" after {format_duration(int(data.get('timeout') or 0))}"
    elif data.get("signal"):
        detail = f" ({data.get('signal')})"
    elif data.get("exit") is not None and outcome not in (CANCELLED, PASSED):  # a pass is exit 0: said once
        detail = f" (exit {data.get('exit')})"
    else:
        detail = ""
    return f"check {outcome}{detail}" + (f" {with_time}" if with_time else "")


def duration_text(milliseconds: int) -> str:
    return f"{milliseconds / 1000:.1f} s" if milliseconds < 60_000 else format_duration(milliseconds // 1000)
