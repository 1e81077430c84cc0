"""The event validator: every line read from a log is checked before the fold sees it.

A log is append-only and shared: a pipeline, another user's script or a damaged disk may have put
anything in it. A line that is not a well-formed event of its type (types, ranges, lengths, depth)
is skipped with a warning naming file and line; nothing in one line can stop a run from loading.
The limits are wider than what people may type (core/text.py), so anything this program accepted
is always read back; a longer value written elsewhere is shown cut short.
"""

from __future__ import annotations

import math
import re

from heypeter_tui.core.clock import parse_timestamp
from heypeter_tui.core.ids import MAX_ID, is_identifier

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

MAX_LINE_BYTES = 1024 * 1024
"""An event's line; a note of 64 KiB fits many times over."""
MAX_FIRST_LINE_BYTES = 128 * 1024 * 1024
"""`run.created` carries the whole checklist (a 5 MB file, aliases expanded, stays below this)."""
MAX_DEPTH = 32
MAX_ACTOR_FIELD = 256
MAX_COUNT = 10_000_000

STATUSES = frozenset({"pending", "done", "na", "blocked"})


class InvalidEvent(ValueError):
    """A line that is not a valid event; `str()` says why, in a few words."""
_SHA256 = re.compile("[0-9a-f]{64}")


def check_depth(value: Any) -> None:
    """No container nested deeper than MAX_DEPTH, and no number that is not finite (1e400, NaN)."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        current, depth = stack.pop()
        if isinstance(current, dict):
            children = current.values()
        elif isinstance(current, list):
            children = current
        elif isinstance(current, float) and not math.isfinite(current):
            raise InvalidEvent("a number that is not finite")
        else:
            continue
        if depth >= MAX_DEPTH:
            raise InvalidEvent(f"nested more than {MAX_DEPTH} deep")
        # Only what the walk looks at goes on the stack: a 5,000-item checklist's strings are most of its values.
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list, float)))


_SCALARS = frozenset({str, int, bool, type(None)})
_ACTOR_FIELDS = ("operator", "user", "host")
_ENVELOPE = frozenset({"id", "ts", "actor", "type"})


def _flat(mapping: dict[str, Any], skip: str = "") -> bool:
    """Every value a string, a whole number, a boolean or null (`skip` aside): nothing nested, no float.
    A plain loop: this runs for every line of every log read."""
    scalars = _SCALARS
    for key, value in mapping.items():  # noqa: SIM110 (a loop: all() over a generator is slower here)
        if type(value) not in scalars and key != skip:
            return False
    return True


def _text(data: dict[str, Any], key: str, required: bool = True, limit: int | None = None) -> None:
    value = data.get(key)
    if type(value) is str and value and (limit is None or len(value) <= limit):
        return  # the common case, first
    if value is None and not required:
        return
    if not isinstance(value, str) or (required and not value):
        raise InvalidEvent(f"{key} must be {'non-empty ' if required else ''}text")
    if limit is not None and len(value) > limit:
        raise InvalidEvent(f"{key} is longer than {limit:,} characters")


def _identifier(data: dict[str, Any], key: str, required: bool = True) -> None:
    """A run's or a checklist's id: printed as it is by `status` and `runs`, so no line break, no space."""
    _text(data, key, required, limit=MAX_ID)
    if data.get(key) and not is_identifier(data[key]):
        raise InvalidEvent(f"{key} must be an id (letters, digits, '.', '_' and '-')")


def _count(data: dict[str, Any], key: str) -> None:
    value = data.get(key)
    if value is None:
        return
    if type(value) is not int or not 0 <= value <= MAX_COUNT:
        raise InvalidEvent(f"{key} must be a whole number from 0 to {MAX_COUNT:,}")


def _time_or_none(data: dict[str, Any], key: str) -> None:
    if data.get(key) is not None:
        try:
            parse_timestamp(data[key])
        except ValueError as error:
            raise InvalidEvent(f"{key}: {error}") from None


def _run_created(data: dict[str, Any]) -> None:
    schema = data.get("schema", 1)
    if type(schema) is not int or schema < 1:
        raise InvalidEvent("schema must be a whole number")
    _identifier(data, "run")
    _text(data, "title", required=False, limit=4000)
    _identifier(data, "checklist", required=False)
    _text(data, "checklist_sha256", required=False, limit=64)
    _time_or_none(data, "t0")
    if not isinstance(data.get("template"), dict):
        raise InvalidEvent("template must be the checklist")
    contacts = data.get("contacts")
    if contacts is not None:
        if not isinstance(contacts, list):
            raise InvalidEvent("contacts must be a list")
        for contact in contacts:
            if not isinstance(contact, dict):
                raise InvalidEvent("a contact must be a mapping")
            _text(contact, "role", limit=4000)
            for key in ("name", "phone", "email"):
                _text(contact, key, required=False, limit=4000)


def _item_status(data: dict[str, Any]) -> None:
    _text(data, "item", limit=2 * MAX_ID + 1)
    status = data.get("status")
    if not isinstance(status, str) or status not in STATUSES:  # a list is not even hashable
        raise InvalidEvent(f"status must be one of: {', '.join(sorted(STATUSES))}")
    _text(data, "reason", required=False)
    _text(data, "override", required=False)


def _item_note(data: dict[str, Any]) -> None:
    _text(data, "item", limit=2 * MAX_ID + 1)
    _text(data, "text")


_OUTCOMES = frozenset({"passed", "failed", "timed out", "cancelled"})


def _item_check(data: dict[str, Any]) -> None:
    """What a check found (core/checks.py): its command, outcome, exit status or signal, and its output's tail."""
    _text(data, "item", limit=2 * MAX_ID + 1)
    _text(data, "command", limit=16 * 1024)
    outcome = data.get("outcome")
    if not isinstance(outcome, str) or outcome not in _OUTCOMES:
        raise InvalidEvent(f"outcome must be one of: {', '.join(sorted(_OUTCOMES))}")
    code = data.get("exit")
    if code is not None and (type(code) is not int or not 0 <= code <= 255):
        raise InvalidEvent("exit must be a status from 0 to 255")
    _text(data, "signal", required=False, limit=40)
    _text(data, "host", required=False, limit=MAX_ACTOR_FIELD)
    _text(data, "output", required=False, limit=64 * 1024)
    for key in ("duration_ms", "timeout"):
        _count(data, key)
    size = data.get("output_bytes")
    if size is not None and (type(size) is not int or not 0 <= size < 2**53):  # 10 MB of output is no error
        raise InvalidEvent("output_bytes must be a whole number of bytes")
    _time_or_none(data, "started")


def _signoff_sign(data: dict[str, Any]) -> None:
    _text(data, "role", limit=4000)
    _text(data, "name")
    _text(data, "signature", required=False)
    _count(data, "open_items")
    readiness = data.get("readiness")
    if readiness is not None and (type(readiness) is not str or not _SHA256.fullmatch(readiness)):
        raise InvalidEvent("readiness must be a SHA-256 digest in hex")
    if data.get("ssh_signature") is not None:  # signed with an SSH key (core/ssh_signatures.py)
        _text(data, "ssh_signature", limit=64 * 1024)
        _text(data, "ssh_key_type", limit=200)
        _text(data, "ssh_fingerprint", limit=200)
        _time_or_none(data, "signed_at")
        if data.get("signed_at") is None:
            raise InvalidEvent("signed_at: a key-signed sign-off says when it was signed")
        head = data.get("signed_head")
        if head is not None and (type(head) is not str or not _SHA256.fullmatch(head)):
            raise InvalidEvent("signed_head must be a SHA-256 digest in hex")


def _signoff_revoke(data: dict[str, Any]) -> None:
    _text(data, "role", limit=4000)
    _text(data, "reason", required=False)


def _contact_set(data: dict[str, Any]) -> None:
    _text(data, "role", limit=4000)
    for key in ("name", "phone", "email"):
        _text(data, key, required=False)


def _run_t0(data: dict[str, Any]) -> None:
    if "t0" not in data:
        raise InvalidEvent("missing t0")
    _time_or_none(data, "t0")


def _timer(data: dict[str, Any]) -> None:
    _text(data, "item", limit=2 * MAX_ID + 1)
    _count(data, "seconds")


def _undo(data: dict[str, Any]) -> None:
    _text(data, "target", limit=MAX_ID)


def _run_renamed(data: dict[str, Any]) -> None:
    _text(data, "title", limit=4000)


def _chain_acknowledge(data: dict[str, Any]) -> None:
    line = data.get("line")
    if type(line) is not int or not 1 <= line < 2**63:
        raise InvalidEvent("line must be the number of a line (or a seq)")
    for key in ("line_sha256", "before_sha256"):
        digest = data.get(key)
        if (digest is not None or key == "line_sha256") and (type(digest) is not str or not _SHA256.fullmatch(digest)):
            raise InvalidEvent(f"{key} must be a SHA-256 digest in hex")
    _text(data, "reason")


FIELD_CHECKS = {
    "chain.acknowledge": _chain_acknowledge,
    "run.created": _run_created,
    "run.t0": _run_t0,
    "run.renamed": _run_renamed,
    "item.status": _item_status,
    "item.note": _item_note,
    "item.check": _item_check,
    "signoff.sign": _signoff_sign,
    "signoff.revoke": _signoff_revoke,
    "contact.set": _contact_set,
    "timer.start": _timer,
    "timer.stop": _timer,
    "undo": _undo,
}
"""Each known type's own fields. A type this version does not know is kept (a newer version may
write it) once its envelope is valid; the fold leaves it alone."""


def check_event(raw: Any) -> None:
    """Raises InvalidEvent unless `raw` (a decoded JSON line) is a valid event."""
    if not isinstance(raw, dict):
        raise InvalidEvent("not a JSON object")
    if not raw.keys() >= _ENVELOPE:
        raise InvalidEvent(f"missing {', '.join(key for key in ('id', 'ts', 'actor', 'type') if key not in raw)}")
    actor = raw["actor"]
    if not (isinstance(actor, dict) and _flat(actor) and _flat(raw, skip="actor")):
        check_depth(raw)  # the common event is flat: only nested or float values need the walk
    _text(raw, "id", limit=MAX_ID)
    _text(raw, "type", limit=64)
    try:
        parse_timestamp(raw["ts"])
    except ValueError as error:
        raise InvalidEvent(f"ts: {error}") from None
    if not isinstance(actor, dict):
        raise InvalidEvent("actor must be a mapping")
    for key in _ACTOR_FIELDS:
        value = actor.get(key)
        if value is not None and (type(value) is not str or len(value) > MAX_ACTOR_FIELD):
            raise InvalidEvent(f"actor {key} must be text of at most {MAX_ACTOR_FIELD} characters")
    prev = raw.get("prev")
    if prev is not None and not (type(prev) is str and _SHA256.fullmatch(prev)):
        raise InvalidEvent("prev must be a SHA-256 (64 hex digits)")  # the hash chain's link (core/chain.py)
    check = FIELD_CHECKS.get(raw["type"])
    if check is not None:
        check(raw)
