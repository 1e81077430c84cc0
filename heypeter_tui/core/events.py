"""Events: one JSON object a line in a run's log. Who, when, what; never rewritten."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from heypeter_tui.core.clock import parse_iso, to_iso

TYPE_CHECKING = False  # typing stays unimported where only commands like `status` run
if TYPE_CHECKING:
    from typing import Any

LOG_SCHEMA = 1
"""The log format this version writes; `run.created` carries it as `schema`."""

RUN_CREATED = "run.created"
RUN_T0 = "run.t0"
ITEM_STATUS = "item.status"
ITEM_NOTE = "item.note"
SIGNOFF_SIGN = "signoff.sign"
SIGNOFF_REVOKE = "signoff.revoke"
CONTACT_SET = "contact.set"
TIMER_START = "timer.start"
TIMER_STOP = "timer.stop"
UNDO = "undo"

_ENVELOPE = ("id", "ts", "actor", "type")


@dataclass(frozen=True)
class Actor:
    """Who made a change: the operator who said so, and the login user and host it came from."""

    operator: str
    user: str
    host: str

    @classmethod
    def here(cls, operator: str | None = None) -> Actor:
        user = login_name()
        return cls(operator or user, user, os.uname().nodename)

    def to_dict(self) -> dict[str, str]:
        return {"operator": self.operator, "user": self.user, "host": self.host}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Actor:
        return cls(str(data.get("operator", "?")), str(data.get("user", "?")), str(data.get("host", "?")))


def login_name() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


@dataclass(frozen=True)
class Event:
    """One line of a run's log: its id, time, who, type, and the type's own fields."""

    id: str
    ts: str
    actor: Actor
    type: str
    data: Mapping[str, Any]

    @property
    def time(self) -> datetime:
        return parse_iso(self.ts)

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "ts": self.ts, "actor": self.actor.to_dict(), "type": self.type, **self.data}

    def to_line(self) -> bytes:
        return (json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")

    @classmethod
    def from_dict(cls, raw: Any) -> Event:
        """Raises ValueError on anything that is not a well-formed event."""
        if not isinstance(raw, dict):
            raise ValueError("not a JSON object")
        missing = [key for key in _ENVELOPE if key not in raw]
        if missing:
            raise ValueError(f"missing {', '.join(missing)}")
        if not isinstance(raw["actor"], dict) or not isinstance(raw["type"], str):
            raise ValueError("malformed actor or type")
        parse_iso(str(raw["ts"]))
        data = {key: value for key, value in raw.items() if key not in _ENVELOPE}
        return cls(str(raw["id"]), str(raw["ts"]), Actor.from_dict(raw["actor"]), raw["type"], data)


def new_event(event_type: str, actor: Actor, now: datetime, **data: Any) -> Event:
    import uuid  # with its platform probing, only where an event is written

    return Event(uuid.uuid4().hex, to_iso(now), actor, event_type, data)
