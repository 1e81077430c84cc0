"""Listening to a PostgreSQL store: every append notifies (core/pg_store.py); a listener hears it and says so.

Notifications are not stored: one sent while the listener was away is lost. So what a listener reports is a
hint to read, never the change itself: the reader catches up by seq after every notification and after every
reconnect, and nothing is missed. The listener also notices a lost server within a second, even with nothing
to hear (a `SELECT 1` each quiet second), and tries again with backoff until it is back or told to stop.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import psycopg

from heypeter_tui.core import pg_schema
from heypeter_tui.core.pg_store import Database

BACKOFF = (0.25, 0.5, 1.0, 2.0, 4.0)
"""Seconds between attempts to reconnect: soon at first, then no more often than every 4 s."""
QUIET = 1.0
"""The longest wait for a notification before the connection is checked."""
SPACING = 0.1
"""The least time between two reports of changes: a flood of notifications (anyone may NOTIFY the channel) is at
most ten catch-ups a second, while the first change after a quiet spell is reported at once."""


_RUNS_REPORTED = 16
"""Runs named in one report at most: a flood naming 100,000 made-up runs is one report of "" (any run may have
changed), not 100,000 messages."""


def listen(
    db: Database,
    changed: Callable[[str], None],
    reachable: Callable[[bool, str], None],
    stopped: Callable[[], bool],
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Until `stopped()`: `changed(run_id)` for each run notified (coalesced: once per run however many times it was
    notified since the last report, at most every SPACING seconds), `reachable(True, "")` on each (re)connect
    (read everything new then), `reachable(False, why)` when the connection is lost or cannot be made."""
    failures = 0
    lost = False
    while not stopped():
        try:
            conn = db.connect()
        except Exception as error:  # unreachable, or the tables gone: a UserError saying which
            reachable(False, str(error))
            _wait(BACKOFF[min(failures, len(BACKOFF) - 1)], stopped, sleep)
            failures += 1
            lost = True
            continue
        failures = 0
        if lost:
            # Back after a loss: the store's own connection (reads and writes) was cut too, but psycopg learns that
            # only when it is next used, and that use fails. Dropped now, the catch-up that `reachable(True)` starts
            # reads on a new connection instead of failing on the old one.
            db.close()
            lost = False
        try:
            with conn:
                conn.execute(f"LISTEN {pg_schema.CHANNEL}")
                reachable(True, "")
                reported = 0.0
                while not stopped():
                    heard = {notification.payload for notification in conn.notifies(timeout=QUIET, stop_after=1)}
                    if not heard:
                        conn.execute("SELECT 1")  # quiet: is the server still there?
                        continue
                    # Coalesced: all that is pending, and all that comes until SPACING after the last report.
                    heard.update(notification.payload for notification in conn.notifies(
                        timeout=max(reported + SPACING - time.monotonic(), 0)))
                    if stopped():
                        return
                    for run_id in sorted(heard) if len(heard) <= _RUNS_REPORTED else [""]:
                        changed(run_id)
                    reported = time.monotonic()
        except psycopg.Error as error:
            lost = True
            reachable(False, f"lost the database {db.shown}: {db.why(error)}")
            _wait(BACKOFF[0], stopped, sleep)


def _wait(seconds: float, stopped: Callable[[], bool], sleep: Callable[[float], None]) -> None:
    """Sleep in short steps, so a stop is heard within a tenth of a second."""
    end = time.monotonic() + seconds
    while not stopped() and time.monotonic() < end:
        sleep(min(0.1, max(end - time.monotonic(), 0)))
