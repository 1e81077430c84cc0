"""A fold that does not start from zero: the folded state of a run at a known line, kept in the user's cache dir.

Reading a run of 200,000 events costs seconds, most of them checking and folding lines this host already checked
and folded. After a read that folded at least CHECKPOINT_AFTER events from the log, the session leaves a checkpoint:
the state, the store's reading position (offset, line, problems found, the hash chain as walked), and the SHA-256 of
every byte read, which the store computes as it reads anyway. The next read of that run on this host hashes the
log's first `offset` bytes again (a fraction of parsing them) and resumes only where they are the same bytes, then
reads and checks what came after as ever.

What a checkpoint cannot break:
- It is bound to the bytes, not to a claim: a log edited, cut, replaced or restored anywhere before the offset no
  longer hashes the same and the checkpoint is ignored (the run is read from its first line, the edit found as a
  first read finds it). One edited, cut short or not this program's version's (FORMAT, the program's version) is
  ignored too: the payload carries its own SHA-256, and nothing in it is trusted before that and every field's type
  are checked; its events are read back through the event validator.
- Nothing depends on one: none there, or one that cannot be written (a read-only cache, a full disk), and the run
  is read from its first line, the same state.
- Reading still writes nothing of a run: checkpoints live in this user's cache dir (0700, files 0600, written
  through the one safe-write helper), never beside the log, so a reader on a read-only state dir keeps them too.
- The event validator and the hash chain saw every line before the offset once on this host (the read that left
  the checkpoint); `verify` never resumes: it walks every line.

The first events are known by count and by the few a state points at (core/event_log.py); the record, an undo or an
item's full history read them again each time (core/log_scan.py, the same checks), verified against the digest.
Only the file store keeps checkpoints: a database's rows are read by seq with no byte digest to bind one to.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from types import MappingProxyType

from heypeter_tui import __version__
from heypeter_tui.core.chain import Break, Chain, Heads
from heypeter_tui.core.event_log import EventLog, Prefix
from heypeter_tui.core.events import Actor, Event
from heypeter_tui.core.log_index import LogIndex
from heypeter_tui.core.log_scan import LogSource
from heypeter_tui.core.run import STATUSES, Contact, ItemState, Note, RunState, Signature, Timer, fold
from heypeter_tui.core.store import LogProblem, RunStore

FORMAT = 3
"""Bumped whenever what a state holds, or how a fold makes it, changes: an older checkpoint is then ignored. Maps are
kept as lists of pairs: their order is the order a record lists them in."""
CHECKPOINT_AFTER = 2000
"""Events folded from the log in one read before a checkpoint is left: a small run is read whole, quick as ever."""
HEADS_KEPT = 1000
"""Chain heads kept by line (the newest, and those standing sign-offs signed over): the rest are read back on need."""
MAX_BYTES = 64 * 1024 * 1024
_SEALED, _BODY = b'{"seal":"', b'","body":'
"""A checkpoint is `{"seal":"<SHA-256 of the body's bytes>","body":{…}}`: the seal is checked on the bytes read."""


def path_for(folder: Path, store: RunStore) -> Path:
    """One file per log (by its absolute path) in `folder`."""
    key = hashlib.sha256(f"{store.path.absolute()}\0{store.opened_id}".encode()).hexdigest()[:32]
    return folder / f"{key}.json"


# -- leaving one -----------------------------------------------------------------------------------


def leave(folder: Path, store: RunStore, state: RunState, fold_problems: list[str], also: tuple[str, ...] = ()) -> bool:
    """Keep `state`, folded from everything `store` read, for the next read; `also`: chain heads to keep beside the
    newest (this host's witness). False where it could not be kept."""
    from heypeter_tui.core.paths import write_private_file

    payload = {
        "format": FORMAT, "program": __version__, "log": str(store.path.absolute()), "run": store.opened_id,
        "reading": store.reading(), "chain": _chain(store.chain, state, also), "fold_problems": list(fold_problems),
        "problems": [[p.line, p.message, p.set_aside] for p in store.problems], "state": _state(state),
    }
    body = json.dumps(payload, ensure_ascii=True, separators=(",", ":"), sort_keys=True).encode()
    seal = hashlib.sha256(body).hexdigest().encode()
    try:
        write_private_file(path_for(folder, store), _SEALED + seal + _BODY + body + b"}")
    except Exception:  # a cache is optional: a full disk or a refused folder leaves the run as readable as before
        return False
    return True


def _event(event: Event) -> dict:
    return {"line": event.to_dict(), "broken": event.link_broken}


def _actor(actor: Actor | None) -> dict | None:
    return actor.to_dict() if actor is not None else None


def pinned(state: RunState) -> set[int]:
    """The positions a state points at: its first and last events, its latest readiness change, its standing
    sign-offs. What it holds apart from its log keeps these at hand."""
    return {0, len(state.events) - 1, state.readiness_seq, *(s.seq for s in state.signoffs.values())}


def held_apart(state: RunState, store: RunStore, also: tuple[str, ...] = ()) -> RunState:
    """`state` holding none of the events `store` has read (all of them: the state is their fold), only a way to
    read them again (core/log_scan.py) and the few it points at; the store's chain likewise keeps its newest heads.
    What a long read does between blocks, so a run's length is not its memory."""
    from dataclasses import replace

    offset, _, _, digest = store.reading()
    source = _source(store, offset, digest, store.problems, store.chain)
    events = state.events
    kept = {at: events[at] for at in sorted(pinned(state))}
    store.chain.heads = Heads(_heads(store.chain, state, also), lambda: source.chain().heads)
    return replace(state, events=events.held_apart(Prefix(len(events), kept, source)))


def _state(state: RunState) -> dict:
    events = state.events
    kept = pinned(state)
    return {
        "count": len(events), "kept": {str(at): _event(events[at]) for at in sorted(kept)},
        "index": events.index.cut(len(events)).held_apart().to_json(),
        "t0": state.t0, "title": state.title, "undone": sorted(state.undone), "readiness_seq": state.readiness_seq,
        "items": [[key, {
            "status": item.status, "reason": item.reason, "actor": _actor(item.actor), "at": item.at,
            "notes": [[n.text, n.actor.to_dict(), n.at] for n in item.notes], "note_count": item.note_count,
            "override": item.override, "check": _event(item.check) if item.check is not None else None,
        }] for key, item in state.items.items()],
        "signoffs": [[role, {
            "name": s.name, "signature": s.signature, "at": s.at, "actor": s.actor.to_dict(),
            "open_items": s.open_items, "seq": s.seq, "readiness": s.readiness,
        }] for role, s in state.signoffs.items()],
        "contacts": [[role, c.name, c.phone, c.email] for role, c in state.contacts.items()],
        "timers": [[key, {
            "seconds": t.seconds, "started_at": t.started_at, "actor": t.actor.to_dict(), "stopped_at": t.stopped_at,
            "started_by": t.started_by,
        }] for key, t in state.timers.items()],
    }


def _heads(chain: Chain, state: RunState, also: tuple[str, ...]) -> dict[str, int]:
    heads = list(chain.heads.items())[-HEADS_KEPT:]
    signed = [state.events[s.seq].get("signed_head") for s in state.signoffs.values()]
    for head in (*also, *signed):  # what judging the witness and a standing key signature ask the chain
        line = dict.get(chain.heads, head) if isinstance(head, str) else None  # as walked so far: none read again
        if line is not None:
            heads.append((head, line))
    return dict(heads)


def _chain(chain: Chain, state: RunState, also: tuple[str, ...]) -> dict:
    heads = _heads(chain, state, also)
    return {
        "head": chain.head, "head_line": chain.head_line, "unchained": chain.unchained, "started": chain.started,
        "breaks": [[b.line, b.message, b.digest, b.before] for b in chain.breaks], "more_breaks": chain.more_breaks,
        "heads": [list(pair) for pair in heads.items()],
    }


# -- resuming from one -----------------------------------------------------------------------------


def resume(folder: Path, store: RunStore) -> tuple[RunState, list[str]] | None:
    """The state and fold problems a checkpoint of this log holds, with `store` set to read on from its offset; None
    (the store untouched) where there is none, or it is not this log's, not this version's, damaged, or stale."""
    from heypeter_tui.core.paths import ReadRefused, read_limited

    try:
        data = read_limited(path_for(folder, store), MAX_BYTES, follow=False, own=True)
        head, body = data[: len(_SEALED) + 64], data[len(_SEALED) + 64 : -1]
        if head[: len(_SEALED)] != _SEALED or not data.endswith(b"}"):
            return None
        if hashlib.sha256(body[len(_BODY) :]).hexdigest().encode() != head[len(_SEALED) :]:
            return None
        if not body.startswith(_BODY):
            return None
        payload = json.loads(body[len(_BODY) :])
        if (payload["format"], payload["program"]) != (FORMAT, __version__):
            return None
        if (payload["log"], payload["run"]) != (str(store.path.absolute()), store.opened_id):
            return None
        offset, line, events_read = (_int(n) for n in payload["reading"][:3])
        digest = _str(payload["reading"][3])
        problems = [LogProblem(store.path, _int(n), _str(m), bool(a)) for n, m, a in payload["problems"]]
        chain = _chain_from(payload["chain"])
        source = _source(store, offset, digest, problems, chain)
        chain.heads.more = lambda: source.chain().heads
        state = _state_from(payload["state"], source)
        fold_problems = [_str(p) for p in payload["fold_problems"]]
    except (OSError, ReadRefused, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError):
        return None
    if not store.resume(offset, line, events_read, digest, chain, problems):
        return None
    return state, fold_problems


def _int(value: object) -> int:
    if type(value) is not int or value < 0:
        raise ValueError("not a count")
    return value


def _str(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError("not a text")
    return value


def _opt(value: object) -> str | None:
    return None if value is None else _str(value)


def _event_from(raw: dict) -> Event:
    event = Event.from_dict(dict(raw["line"]))
    if raw["broken"]:
        object.__setattr__(event, "link_broken", _int(raw["broken"]))
    return event


def _actor_from(raw: object) -> Actor:
    if not isinstance(raw, dict):
        raise ValueError("not a person")
    return Actor.from_dict(raw)


def _source(store: RunStore, offset: int, digest: str, problems: list[LogProblem], chain: Chain) -> LogSource:
    """The events read so far, to read again: each found by its line, the lines skipped and broken being known."""
    broken = [found.line for found in chain.breaks] if not chain.more_breaks else None
    return LogSource(store, offset, digest, [problem.line for problem in problems], broken)


def _chain_from(raw: dict) -> Chain:
    heads = Heads({_str(k): _int(v) for k, v in raw["heads"]})
    breaks = [Break(_int(n), _str(m), _str(d), _str(b)) for n, m, d, b in raw["breaks"]]
    return Chain(_opt(raw["head"]), _int(raw["head_line"]), _int(raw["unchained"]), bool(raw["started"]),
                 breaks[0] if breaks else None, heads, breaks, _int(raw["more_breaks"]))


def _state_from(raw: dict, source: LogSource) -> RunState:
    count = _int(raw["count"])
    kept = {_int(int(at)): _event_from(event) for at, event in raw["kept"].items()}
    if not count > 0 or 0 not in kept or any(at >= count for at in kept):
        raise ValueError("not a run's events")
    base = fold([kept[0]])  # the checklist and the run's own fields, from its first line as ever

    items = {}
    for key, item in raw["items"]:
        if key not in base.checklist.items_by_key or item["status"] not in STATUSES:
            raise ValueError("not this checklist's item")
        notes = tuple(Note(_str(t), _actor_from(a), _str(at)) for t, a, at in item["notes"])
        items[key] = ItemState(
            item["status"], _str(item["reason"]), _actor_from(item["actor"]) if item["actor"] else None,
            _opt(item["at"]), notes, _str(item["override"]),
            _event_from(item["check"]) if item["check"] else None, _int(item["note_count"]),
        )
    signoffs = {_str(role): Signature(
        role, _str(s["name"]), _str(s["signature"]), _str(s["at"]), _actor_from(s["actor"]), _int(s["open_items"]),
        _int(s["seq"]), _str(s["readiness"]),
    ) for role, s in raw["signoffs"]}
    if any(s.seq not in kept for s in signoffs.values()) or _int(raw["readiness_seq"]) >= count:
        raise ValueError("a sign-off without its event")
    contacts = {_str(role): Contact(role, _str(n), _str(p), _str(e)) for role, n, p, e in raw["contacts"]}
    timers = {_str(key): Timer(
        key, _int(t["seconds"]), _str(t["started_at"]), _actor_from(t["actor"]), _opt(t["stopped_at"]),
        _str(t["started_by"]),
    ) for key, t in raw["timers"]}
    return RunState(
        base.run_id, _str(raw["title"]), base.checklist, base.created, t0=_opt(raw["t0"]),
        items=MappingProxyType(items),
        signoffs=MappingProxyType(signoffs), contacts=MappingProxyType(contacts),
        events=EventLog((), Prefix(count, kept, source), LogIndex.from_json(raw["index"], count)),
        undone=frozenset(_str(u) for u in raw["undone"]),
        timers=MappingProxyType(timers), readiness_seq=_int(raw["readiness_seq"]),
    )
