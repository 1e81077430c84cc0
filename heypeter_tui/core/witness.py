"""A host's witness of each run's chain: the head and the line it last saw, kept in the user's own state dir.

The chain alone cannot tell that its last line was edited, or that the log was cut short at a line's end: every link
left is whole. What a host has seen can: a writer here (the dashboard, `mark`, `sign`) remembers the head after each
change it made or read, and `verify` says when the run no longer holds that head at that line. For a database run,
whose rows a superuser could edit past the append-only triggers, the witness is outside the database altogether.
Only writers write it (a reader writes nothing). A witness that cannot be written (a full disk) is no reason to fail
a change, but it is said: until it is written again, `verify` here cannot tell an edit of the lines since.
"""

from __future__ import annotations

import json
from pathlib import Path

from heypeter_tui.core.chain import Chain
from heypeter_tui.core.paths import (
    ReadRefused,
    describe_os_error,
    ensure_private_dir,
    read_limited,
    write_private_file,
)


def remember(path: Path, chain: Chain) -> str:
    """Keep the chain's head as this host's witness of it. Returns why it could not be kept (one line), else ""."""
    if chain.head is None or chain.broken is not None:
        return ""  # nothing seen yet, or nothing worth vouching for
    if judge(path, chain) is not None:
        return ""  # what this host saw is no longer there: kept, as the evidence `verify` reports, never overwritten
    data = json.dumps({"head": chain.head, "line": chain.head_line}).encode()
    try:
        if path.is_file() and read_limited(path, 4096, follow=False) == data:
            return ""
        ensure_private_dir(path.parent.parent)
        ensure_private_dir(path.parent)
        write_private_file(path, data)
    except (OSError, ReadRefused) as error:
        if isinstance(error, OSError):
            error.filename = error.filename2 = None  # the witness's own path is said once, first
        why = describe_os_error(error) if isinstance(error, OSError) else str(error)
        return (f"{path}: this host's witness of the chain was not kept ({why}): until it is, `verify` here "
                "cannot tell an edit of the run's latest lines")
    return ""


def seen(path: Path) -> tuple[str, int] | None:
    """The head and line this host last saw, where it saw any."""
    try:
        found = json.loads(read_limited(path, 4096, follow=False))
        return str(found["head"]), int(found["line"])
    except (OSError, ReadRefused, ValueError, KeyError, TypeError):
        return None


def judge(path: Path, chain: Chain) -> str | None:
    """Why the run is not what this host saw (one line), or None: as seen, or never seen here."""
    witnessed = seen(path)
    if witnessed is None:
        return None
    head, line = witnessed
    if chain.head_line < line:
        return f"the log ends at line {chain.head_line}, but this host saw it reach line {line}: cut short since"
    if chain.heads.get(head) != line:
        return f"line {line} is not what this host saw there: it was changed since (or a line before it)"
    return None
