"""Time: an injectable clock, the log's UTC timestamps, and times as people type and read them."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, time, timedelta, timezone

from heypeter_tui.core.durations import parse_duration

Clock = Callable[[], datetime]
"""Returns the current time, timezone-aware. Tests inject a fixed or stepping one."""


def system_clock() -> datetime:
    return datetime.now(timezone.utc)


def to_iso(moment: datetime) -> str:
    """UTC with milliseconds, as the log stores it: `2026-12-03T12:02:11.381Z`."""
    utc = moment.astimezone(timezone.utc)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def parse_iso(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


_CLOCK_TIME = r"^\d{1,2}:\d{2}$"  # compiled on first use


def parse_when(text: str, now: datetime) -> datetime:
    """A T-0 as people type it: `14:00` (next such time), `2026-12-03 14:00`, `+2h`, or ISO 8601.

    Times without a zone are local. Raises ValueError naming the accepted forms.
    """
    text = text.strip()
    local_now = now.astimezone()
    try:
        if text.startswith(("+", "-")):
            return now + timedelta(seconds=parse_duration(text))
        if re.match(_CLOCK_TIME, text):
            hours, minutes = (int(part) for part in text.split(":"))
            candidate = datetime.combine(local_now.date(), time(hours, minutes), local_now.tzinfo)
            return candidate if candidate > local_now else candidate + timedelta(days=1)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as error:
        raise ValueError(
            f"{text!r} is not a time; use 14:00, 2026-12-03 14:00, +2h or ISO 8601"
        ) from error
    return moment if moment.tzinfo else moment.astimezone()


def format_local(moment: datetime, now: datetime) -> str:
    """`14:02` today, `Dec 03 14:02` on another day, in local time."""
    local = moment.astimezone()
    if local.date() == now.astimezone().date():
        return local.strftime("%H:%M")
    return local.strftime("%b %d %H:%M")


def format_full(moment: datetime) -> str:
    """`2026-12-03 14:00 UTC+01:00`-style local time for records."""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M %Z").strip()
