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


EARLIEST = datetime(1970, 1, 1, tzinfo=timezone.utc)
LATEST = datetime(9000, 1, 1, tzinfo=timezone.utc)
"""A log's times lie in [EARLIEST, LATEST): far enough from year 9999 that adding any due time or
timer a checklist may hold (a year at most) can never overflow, wherever it is shown."""
T0_RANGE = timedelta(days=3653)
"""A T-0 typed by a person is within ten years of now: beyond that it is a typo."""


def to_iso(moment: datetime) -> str:
    """UTC with milliseconds, as the log stores it: `2026-12-03T12:02:11.381Z`. The year always has
    four digits (strftime's %Y writes `999`, which no ISO reader accepts)."""
    utc = moment.astimezone(timezone.utc)
    return f"{utc.year:04d}-{utc:%m-%dT%H:%M:%S}.{utc.microsecond // 1000:03d}Z"


def parse_iso(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def parse_timestamp(value: object) -> datetime:
    """A time as the log holds it, checked: ISO 8601 text within [EARLIEST, LATEST). ValueError otherwise."""
    if not isinstance(value, str) or len(value) > 40:
        raise ValueError("a time must be ISO 8601 text")
    try:
        moment = parse_iso(value)
    except (ValueError, OverflowError) as error:
        raise ValueError(f"{value!r} is not an ISO 8601 time") from error
    if not EARLIEST <= moment < LATEST:
        raise ValueError(f"{value!r} is out of range")
    return moment


_CLOCK_TIME = r"^\d{1,2}:\d{2}$"  # compiled on first use


def parse_when(text: str, now: datetime) -> datetime:
    """A T-0 as people type it: `14:00` (next such time), `2026-12-03 14:00`, `+2h`, or ISO 8601.

    Times without a zone are local. Raises ValueError naming the accepted forms.
    """
    text = text.strip()
    local_now = now.astimezone()
    try:
        if text.startswith(("+", "-")):
            moment = now + timedelta(seconds=parse_duration(text))
        elif re.match(_CLOCK_TIME, text):
            hours, minutes = (int(part) for part in text.split(":"))
            candidate = datetime.combine(local_now.date(), time(hours, minutes), local_now.tzinfo)
            moment = candidate if candidate > local_now else candidate + timedelta(days=1)
        else:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
            moment = moment if moment.tzinfo else moment.astimezone()
        moment.astimezone(timezone.utc)  # 9999-12-31T23:59-12:00 is past year 9999 in UTC
    except (ValueError, OverflowError) as error:
        raise ValueError(
            f"{text[:60]!r} is not a time; use 14:00, 2026-12-03 14:00, +2h or ISO 8601"
        ) from error
    if abs(moment - now) > T0_RANGE:
        raise ValueError(f"{text[:60]!r} is more than ten years from now; a T-0 is within ten years")
    return moment


def format_local(moment: datetime, now: datetime) -> str:
    """`14:02` today, `Dec 03 14:02` on another day, in local time."""
    local = moment.astimezone()
    if local.date() == now.astimezone().date():
        return local.strftime("%H:%M")
    return local.strftime("%b %d %H:%M")


def format_full(moment: datetime) -> str:
    """`2026-12-03 14:00 UTC+01:00`-style local time for records."""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M %Z").strip()
