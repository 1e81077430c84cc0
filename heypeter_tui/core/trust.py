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
import re
from pathlib import Path

from heypeter_tui.core.checklist import Checklist
from heypeter_tui.core.checks import checks_of, visible
from heypeter_tui.core.text import clean_line, shorten

TRUST_DIR = "trusted"
_DIGEST = re.compile("[0-9a-f]{64}")
MAX_TRUST_FILE = 4 * 1024 * 1024


def content_digest(checklist: Checklist) -> str:
    """SHA-256 of the checklist in one canonical JSON form: what its commands are, exactly."""
    canonical = json.dumps(checklist.to_dict(), sort_keys=True, ensure_ascii=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def trust_path(config_dir: Path, digest: str) -> Path:
    return config_dir / TRUST_DIR / f"{digest}.json"


def is_trusted(config_dir: Path, checklist: Checklist) -> bool:
    """Whether this user trusted this very content. A trust file that cannot be read, or that names another
    digest than its own name, trusts nothing."""
    from heypeter_tui.core.paths import ReadRefused, read_limited

    digest = content_digest(checklist)
    try:
        data = json.loads(read_limited(trust_path(config_dir, digest), MAX_TRUST_FILE, follow=False))
    except (OSError, ReadRefused, ValueError):
        return False
    return isinstance(data, dict) and data.get("sha256") == digest


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


def review_lines(checklist: Checklist) -> list[str]:
    """What a person reviews before trusting: every command of the checklist, with its item, timeout and
    repeat, each line as it runs (`visible`: nothing hidden, nothing acting on the terminal)."""
    lines = []
    items = checklist.items_by_key
    for key, check in checks_of(checklist):
        extra = f"timeout {check.to_dict()['timeout']}" + (f", every {check.to_dict()['every']}" if check.every else "")
        lines.append(clean_line(f"{key}  ({shorten(items[key][1].text, 80)}; {extra})"))  # a log's text: any writer's
        lines += [f"    $ {line}" if index == 0 else f"      {line}"
                  for index, line in enumerate(visible(check.run).split("\n"))]
    return lines


def is_digest(text: str) -> bool:
    return bool(_DIGEST.fullmatch(text))


def require_trust(config_dir: Path, checklist: Checklist) -> None:
    """UserError unless this user trusted the checklist's content: a check on an untrusted or changed checklist
    is refused before anything runs."""
    from heypeter_tui.core.errors import UserError

    if not is_trusted(config_dir, checklist):
        raise UserError(f"the commands of checklist {checklist.id!r} are not trusted here (content sha256 "
                        f"{content_digest(checklist)[:16]}…): nothing was run; `heypeter-tui trust` shows every "
                        "command and asks")
