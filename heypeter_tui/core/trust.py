"""Trust before anything runs: a checklist's commands run only once this user has trusted that exact content.

What is trusted is the checklist as the run carries it (its `run.created` line), hashed in one canonical form
(`content_digest`): the very commands that would run. Not the `checklist_sha256` the line states: that is a
claim any writer of the log could copy from a trusted checklist onto other commands. Two runs of one checklist
file share a digest, so trusting once serves both; a changed checklist (one character of one command) is a new
digest and is asked about again.

Trust is kept per user, in the config dir: one file per digest (`trusted/<sha256>.json`, 0600, written whole by
the one safe-write helper), naming the checklist and listing the commands it vouches for, so that `ls` and `cat`
say what was trusted, and deleting the file withdraws it. One file each: two trusts at once never race.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from heypeter_tui.core.checklist import Checklist
from heypeter_tui.core.checks import checks_of, reviewed
from heypeter_tui.core.text import clean_line, shorten

TRUST_DIR = "trusted"
MAX_TRUST_FILE = 4 * 1024 * 1024


def content_digest(checklist: Checklist) -> str:
    """SHA-256 of the checklist in one canonical JSON form: what its commands are, exactly."""
    canonical = json.dumps(checklist.to_dict(), sort_keys=True, ensure_ascii=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def trust_path(config_dir: Path, digest: str) -> Path:
    return config_dir / TRUST_DIR / f"{digest}.json"


def is_trusted(config_dir: Path, checklist: Checklist) -> bool:
    """Whether this user trusted this very content. A trust file that cannot be read, names another digest than its
    own name, is not this user's or may be written by others trusts nothing."""
    digest = content_digest(checklist)
    data = _read_trust(trust_path(config_dir, digest))
    return data is not None and data.get("sha256") == digest


def _read_trust(path: Path) -> dict | None:
    import os
    import stat

    from heypeter_tui.core.paths import ReadRefused, not_yours, read_limited

    try:
        info = os.lstat(path)
        if not stat.S_ISREG(info.st_mode) or not_yours(info):
            return None  # planted by someone else, or open to their edits: not this user's word
        data = json.loads(read_limited(path, MAX_TRUST_FILE, follow=False, own=True))
    except (OSError, ReadRefused, ValueError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("sha256"), str) else None


def previous_trust(config_dir: Path, checklist: Checklist) -> dict | None:
    """The latest trust this user gave another content of a checklist of this id: what the review marks as changed."""
    digest, best = content_digest(checklist), None
    folder = config_dir / TRUST_DIR
    for path in sorted(folder.glob("*.json"))[:1000] if folder.is_dir() else ():
        data = _read_trust(path)
        if (data is None or data.get("checklist") != checklist.id or data["sha256"] == digest
                or not isinstance(data.get("commands"), list)):
            continue
        if best is None or str(data.get("trusted_at", "")) > str(best.get("trusted_at", "")):
            best = data
    return best


def _changes(previous: dict | None, checklist: Checklist) -> tuple[dict[str, str], list[str]]:
    """Each command's mark against `previous` (`changed`, `new`), and the items whose command is gone."""
    if previous is None:
        return {}, []
    before = {str(entry.get("item")): entry for entry in previous["commands"] if isinstance(entry, dict)}
    marks = {}
    now = checks_of(checklist)
    for key, check in now:
        if key not in before:
            marks[key] = "new"
        elif {k: v for k, v in before[key].items() if k != "item"} != check.to_dict():
            marks[key] = "changed"
    return marks, [key for key in before if key not in dict(now)]


def change_summary(previous: dict | None, checklist: Checklist) -> str:
    """`Since you trusted this checklist (2026-12-01 …): 1 changed, 0 new, 0 gone; marked below.`"""
    marks, gone = _changes(previous, checklist)
    if previous is None:
        return ""
    changed, new = sum(m == "changed" for m in marks.values()), sum(m == "new" for m in marks.values())
    when = clean_line(str(previous.get("trusted_at", "")))[:40]
    gone_keys = f" ({', '.join(clean_line(k)[:60] for k in gone[:5])})" if gone else ""
    return (f"Since you trusted another version of this checklist ({when}): {changed} changed, {new} new, "
            f"{len(gone)} gone{gone_keys}; marked below.")


def trust(config_dir: Path, checklist: Checklist, by: str, at: str) -> Path:
    """Record that this user trusts the checklist's commands; returns the file. Raises OSError or UserError
    (a planted link where the file goes) from the safe-write helper."""
    from heypeter_tui.core.paths import ensure_private_dir, write_private_file

    digest = content_digest(checklist)
    record = {
        "sha256": digest,
        "checklist": checklist.id,
        "title": checklist.title,
        "trusted_at": at,
        "by": by,
        "commands": [{"item": key, **check.to_dict()} for key, check in checks_of(checklist)],
    }
    path = trust_path(config_dir, digest)
    ensure_private_dir(config_dir)
    ensure_private_dir(path.parent)
    write_private_file(path, (json.dumps(record, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    return path


def review_lines(checklist: Checklist, previous: dict | None = None) -> list[str]:
    """What a person reviews before trusting: every command of the checklist, with its item, timeout and
    repeat, each line as it runs (`reviewed`: nothing hidden, nothing beyond ASCII left to read two ways)."""
    lines = []
    items = checklist.items_by_key
    marks, _ = _changes(previous, checklist)
    for key, check in checks_of(checklist):
        extra = f"timeout {check.to_dict()['timeout']}" + (f", every {check.to_dict()['every']}" if check.every else "")
        mark = {"changed": "  <- CHANGED since you trusted it", "new": "  <- NEW since you trusted"}.get(
            marks.get(key, ""), "")
        lines.append(clean_line(f"{key}  ({shorten(items[key][1].text, 80)}; {extra}){mark}"))  # any writer's text
        lines += [f"    $ {line}" if index == 0 else f"      {line}"
                  for index, line in enumerate(reviewed(check.run).split("\n"))]
    return lines


def require_trust(config_dir: Path, checklist: Checklist) -> None:
    """UserError unless this user trusted the checklist's content: a check on an untrusted or changed checklist
    is refused before anything runs."""
    from heypeter_tui.core.errors import UserError

    if not is_trusted(config_dir, checklist):
        raise UserError(f"the commands of checklist {checklist.id!r} are not trusted here (content sha256 "
                        f"{content_digest(checklist)[:16]}…): nothing was run; `heypeter-tui trust` shows every "
                        "command and asks")
