"""Durations as checklists write them: `-2h`, `30m`, `1h30m`, `+15m`, `90s`, `1d`."""

from __future__ import annotations

import re

_DURATION = (  # compiled on first use
    r"^\s*([+-])?\s*(?:(\d+)\s*d)?\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m)?\s*(?:(\d+)\s*s)?\s*$"
)
_UNIT_SECONDS = (86400, 3600, 60, 1)
MAX_SECONDS = 100 * 366 * 86400
"""A century: any longer span is a typo, and bounding it keeps every date sum far from overflow."""


def parse_duration(text: str) -> int:
    """Seconds, signed. Raises ValueError with the expected form on anything else."""
    match = re.match(_DURATION, text)
    if not match or not any(match.groups()[1:]):
        raise ValueError(f"{text!r} is not a duration; expected a form like -2h, 30m, 1h30m or +15m")
    sign = -1 if match.group(1) == "-" else 1
    digits = [value for value in match.groups()[1:] if value]
    if any(len(value) > 12 for value in digits):
        raise ValueError(f"{text[:40]!r} is too long a duration")
    seconds = sum(int(value) * unit for value, unit in zip(match.groups()[1:], _UNIT_SECONDS) if value)
    if seconds > MAX_SECONDS:
        raise ValueError(f"{text[:40]!r} is too long a duration; at most 100 years")
    return sign * seconds


def format_duration(seconds: int, signed: bool = False) -> str:
    """The short form back: 7200 -> `2h`, -5400 -> `-1h30m`; 0 -> `0m`."""
    sign = "-" if seconds < 0 else ("+" if signed and seconds > 0 else "")
    remaining = abs(seconds)
    parts = []
    for unit, suffix in zip(_UNIT_SECONDS, "dhms"):
        value, remaining = divmod(remaining, unit)
        if value:
            parts.append(f"{value}{suffix}")
    return sign + ("".join(parts) or "0m")


def format_clock(seconds: int) -> str:
    """`HH:MM:SS` of a non-negative span; hours grow past 99 rather than wrap."""
    hours, rest = divmod(max(0, int(seconds)), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}"
