"""A bounded shutdown: a dashboard whose terminal goes away is gone within two seconds, whatever Textual does.

Why: a pane closed in the dashboard's first moments left 4 of 24 dashboards hung for good in `App._shutdown` ->
`LinuxDriver.close` -> `WriterThread.stop` -> `Queue.put`. Textual writes the screen through a writer thread with
a queue of 30; a write to a hung-up terminal fails (EIO), the thread dies, the queue fills, and the next write, or
the stop that ends the app, waits for ever. The event loop's own signal handlers (`loop.add_signal_handler`) run
their callback from that loop, which a blocked write never lets run.

So SIGHUP and SIGTERM get a plain `signal.signal` handler, installed by the CLI before the app starts (startup
included). Python runs it on the main thread between two bytecodes, even while the loop waits in `Queue.put`. It:
- on SIGHUP (the terminal is gone) points stdout and stderr at /dev/null: a writer thread still alive drains its
  queue there instead of dying on EIO, so the loop goes on and records a running check's cancel as `q` would;
- starts the watchdog, a daemon thread: unless the app has ended by then, it waits (bounded) for a running check's
  cancel and an append in flight to be on disk, and calls `os._exit` with the exit status the CLI would give;
- asks the app to end as `q` does (`end_by_signal`, through the loop: it records what it must first).
The watchdog is also started when the app unmounts (every end: `q`, a signal, a crash), since Textual's close comes
after it. The CLI disarms it once `App.run` has returned, before it writes a crash file and exits itself.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path

GRACE = 1.5
"""Seconds from the start of the end (a signal, the app unmounting) to the watchdog's exit: records go on disk
within it, and with `APPEND_WAIT` the dashboard is gone within two seconds."""
APPEND_WAIT = 0.4
"""At most this long, once `GRACE` has passed, for an append in flight (its exclusive lock) to be done."""
CHECKS_WAIT = 3.0
"""Longer, while a check asked for is not yet recorded: its command gets SIGTERM, SIGKILL 2 s later where it ignores
that (core/check_runner.py), and its cancel goes on disk; no command outlives the dashboard unrecorded."""
ENDING_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


class BoundedShutdown:
    """One per app. Inert until `install` (the CLI calls it; tests running the app in-process never do)."""

    def __init__(self, end: Callable[[], None], log_path: Callable[[], Path | None],
                 checking: Callable[[], bool] = lambda: False) -> None:
        self.end = end
        self.checking = checking
        """Checks asked for and not yet recorded (a cancel on its way to the log): the watchdog waits for them."""
        """Ends the app as `q` does; called on the event loop."""
        self.log_path = log_path
        """The run's log file, or None (a database: a commit cut short is rolled back whole)."""
        self.code: Callable[[], int] = lambda: 0
        self.loop = None
        self.installed = False
        self.previous: dict[int, object] = {}
        self.disarmed = threading.Event()
        self.watchdog: threading.Thread | None = None

    def install(self, code: Callable[[], int]) -> None:
        """Catch SIGHUP and SIGTERM from now on (main thread only); `code()` is the exit status the watchdog gives."""
        self.code = code
        for number in ENDING_SIGNALS:
            with contextlib.suppress(ValueError, OSError):  # not the main thread: the default action stays
                self.previous[number] = signal.signal(number, self.on_signal)
                self.installed = True

    def uninstall(self) -> None:
        """The app has ended: the signals' previous handlers back, and the watchdog told to stand down."""
        self.disarmed.set()
        for number, handler in self.previous.items():
            with contextlib.suppress(ValueError, OSError, TypeError):
                signal.signal(number, handler)  # type: ignore[arg-type]
        self.previous.clear()

    def attach(self, loop) -> None:
        """The app's event loop is running: a signal from now on asks the app to end."""
        self.loop = loop

    def on_signal(self, number: int, frame) -> None:
        if number == signal.SIGHUP:
            silence_terminal()
        self.begin()
        loop = self.loop
        if loop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self.end)

    def begin(self) -> None:
        """The end has begun: the watchdog starts (once), where the CLI installed it."""
        if not self.installed or self.watchdog is not None or self.disarmed.is_set():
            return
        self.watchdog = threading.Thread(target=self.watch, name="heypeter-shutdown-watchdog", daemon=True)
        self.watchdog.start()

    def watch(self) -> None:
        if self.disarmed.wait(GRACE):
            return  # the app ended on its own: the CLI exits as it should
        deadline = time.monotonic() + CHECKS_WAIT
        while self.checking() and time.monotonic() < deadline:
            if self.disarmed.wait(0.05):
                return
        wait_for_appends(self.log_path(), APPEND_WAIT)
        if not self.disarmed.is_set():
            os._exit(self.code())


def silence_terminal() -> None:
    """The terminal hung up: what is still written to it goes to /dev/null, so no write fails or waits. A SIGHUP
    sent while the terminal is still there (`kill -HUP`) leaves it alone: the terminal is restored on the way out."""
    import termios

    try:
        termios.tcgetattr(2)  # Textual draws on stderr; a hung-up terminal answers every ioctl with EIO
        return
    except termios.error as error:
        if not error.args or error.args[0] != errno.EIO:
            return  # not a terminal at all (a test's pipe): nothing hung up
    with contextlib.suppress(OSError):
        null = os.open(os.devnull, os.O_WRONLY)
        for fd in (1, 2):
            with contextlib.suppress(OSError):
                os.dup2(null, fd)
        os.close(null)


def wait_for_appends(path: Path | None, limit: float) -> None:
    """Until no append holds the log's exclusive lock (an append is written and fsynced under it), or `limit`."""
    if path is None:
        return
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK)
    except OSError:
        return
    try:
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            try:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                time.sleep(0.01)
            except OSError:
                return
    finally:
        os.close(fd)
