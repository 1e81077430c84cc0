"""Events: one JSON object a line in a run's log. Who, when, what; never rewritten."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from heypeter_tui.core.clock import parse_iso, to_iso
from heypeter_tui.core.text import MAX_OPERATOR, check_length, clean_line
from heypeter_tui.core.validate import check_event

TYPE_CHECKING = False  # typing stays unimported where only commands like `status` run
if TYPE_CHECKING:
    from typing import Any

LOG_SCHEMA = 1
"""The log format this version writes; `run.created` carries it as `schema`."""

RUN_CREATED = "run.created"
RUN_T0 = "run.t0"
RUN_RENAMED = "run.renamed"
ITEM_STATUS = "item.status"
ITEM_NOTE = "item.note"
ITEM_CHECK = "item.check"
SIGNOFF_SIGN = "signoff.sign"
SIGNOFF_REVOKE = "signoff.revoke"
CONTACT_SET = "contact.set"
TIMER_START = "timer.start"
TIMER_STOP = "timer.stop"
UNDO = "undo"
CHAIN_ACKNOWLEDGE = "chain.acknowledge"
"""Someone looked at a broken link (`verify --acknowledge LINE --reason R`): the gate may pass; the record says so."""


@dataclass(frozen=True)
class Actor:
    """Who made a change: the operator who said so, and the login user and host it came from."""

    operator: str
    user: str
    host: str

    @classmethod
    def here(cls, operator: str | None = None) -> Actor:
        """Who acts from this process. The operator (a flag, the config) is cleaned and checked here,
        where it enters: it is written into every event."""
        user = clean_line(login_name())[:MAX_OPERATOR] or "unknown"
        name = check_length(clean_line(operator or "").strip(), MAX_OPERATOR, "the operator's name")
        return cls(name or user, user, clean_line(os.uname().nodename)[:MAX_OPERATOR])

    def to_dict(self) -> dict[str, str]:
        return {"operator": self.operator, "user": self.user, "host": self.host}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Actor:
        return _actor(str(data.get("operator") or "?"), str(data.get("user") or "?"), str(data.get("host") or "?"))


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
    link_broken: int = field(default=0, compare=False, repr=False)
    """The line (or seq) it was read at where its link of the hash chain broke (set by the store that read it): not
    where it claims to be. 0 where its link held."""

    @property
    def time(self) -> datetime:
        return parse_iso(self.ts)

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "ts": self.ts, "actor": self.actor.to_dict(), "type": self.type, **self.data}

    def to_line(self) -> bytes:
        """One line of UTF-8 JSON. No NaN or Infinity (which no reader need accept); a lone
        surrogate, which UTF-8 cannot hold, is written as its JSON escape."""
        data = self.to_dict()
        try:
            text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
            return (text + "\n").encode("utf-8")
        except UnicodeEncodeError:
            return (json.dumps(data, separators=(",", ":"), allow_nan=False) + "\n").encode("ascii")

    @classmethod
    def from_dict(cls, raw: Any) -> Event:
        """Raises ValueError (InvalidEvent) on anything that is not a valid event of its type (see
        core/validate.py). Takes `raw` over: its fields but the envelope become the event's data."""
        check_event(raw)
        actor, kind, ts = raw.pop("actor"), raw.pop("type"), raw.pop("ts")
        return cls(raw.pop("id"), ts, Actor.from_dict(actor), kind, raw)


def new_event(event_type: str, actor: Actor, now: datetime, **data: Any) -> Event:
    import uuid  # with its platform probing, only where an event is written

    return Event(uuid.uuid4().hex, to_iso(now), actor, event_type, data)
