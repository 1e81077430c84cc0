"""Events: one JSON object a line in a run's log. Who, when, what; never rewritten."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

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
_ENVELOPE_KEYS = frozenset(_ENVELOPE)


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
        return _actor(str(data.get("operator", "?")), str(data.get("user", "?")), str(data.get("host", "?")))


@lru_cache(maxsize=256)
def _actor(operator: str, user: str, host: str) -> Actor:
    """One Actor per person and place: a log of thousands of events holds a handful of them."""
    return Actor(operator, user, host)


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
        """Raises ValueError on anything that is not a well-formed event. Takes `raw` over: its
        fields but the envelope become the event's data."""
        if not isinstance(raw, dict):
            raise ValueError("not a JSON object")
        if not raw.keys() >= _ENVELOPE_KEYS:
            raise ValueError(f"missing {', '.join(key for key in _ENVELOPE if key not in raw)}")
        actor, kind, ts = raw.pop("actor"), raw.pop("type"), str(raw.pop("ts"))
        if not isinstance(actor, dict) or not isinstance(kind, str):
            raise ValueError("malformed actor or type")
        parse_iso(ts)
        return cls(str(raw.pop("id")), ts, Actor.from_dict(actor), kind, raw)


def new_event(event_type: str, actor: Actor, now: datetime, **data: Any) -> Event:
    import uuid  # with its platform probing, only where an event is written

    return Event(uuid.uuid4().hex, to_iso(now), actor, event_type, data)
