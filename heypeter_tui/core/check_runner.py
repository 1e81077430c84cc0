"""Running a check's command: `/bin/sh -c`, its own process group, a bounded tail of its output, a timeout.

Why each choice:
- Its own session (`start_new_session`): the command has no controlling terminal, so it can neither read the
  dashboard's keys nor write to the terminal behind the output pipe; and its whole process group, children
  and `sleep 100 &` included, is one `killpg` away.
- Standard input is /dev/null and no descriptor of ours is inherited (`close_fds`): a database connection or a
  locked log stays ours. The environment is the user's, captured before the app started (context.py).
- Output of any size goes through `Tail`: a buffer that keeps the last 64 KiB and counts the rest, and gives it
  with the environment's secrets and the store's password replaced (core/redaction.py).
- At the timeout (or a cancel) the group gets SIGTERM, then SIGKILL after `GRACE_SECONDS`. Once the shell itself
  has ended, whatever it left running in its group is killed too: a check leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Mapping

from heypeter_tui.core.checks import CANCELLED, FAILED, OUTPUT_KEPT, PASSED, TIMED_OUT, Check, CheckResult
from heypeter_tui.core.redaction import NOTHING, Redactor
from heypeter_tui.core.text import clean

GRACE_SECONDS = 2.0
"""Between SIGTERM and SIGKILL: time for a command to clean up, no more."""
DRAIN_SECONDS = 1.0
"""Once the shell has ended, how long its output is still read while something it started holds the pipe."""
READ_CHUNK = 64 * 1024
TICK_SECONDS = 0.1
"""How often the loop wakes without output: to see a cancel, the timeout, or the shell's end."""


class Tail:
    """The last `limit` bytes of a stream and its whole size: memory stays bounded whatever the command prints.
    What it gives is redacted (core/redaction.py): no secret of the environment is kept, or shown."""

    def __init__(self, limit: int = OUTPUT_KEPT, hidden: Redactor = NOTHING) -> None:
        self.limit = limit
        self.hidden = hidden
        self.total = 0
        self._buffer = bytearray()

    def add(self, chunk: bytes) -> None:
        self.total += len(chunk)
        self._buffer += chunk
        if len(self._buffer) > 2 * self.limit:  # trimmed now and then, not on every chunk
            del self._buffer[: -(self.limit + self.hidden.longest)]  # a secret across the cut is still seen whole

    def text(self, limit: int | None = None) -> str:
        """The last `limit` bytes (at most the kept 64 KiB), its secrets replaced, decoded and cleaned: printable
        text and line breaks."""
        wanted = min(limit or self.limit, self.limit)
        window = bytes(self._buffer[-(wanted + self.hidden.longest):])
        kept = self.hidden.bytes_from(window, max(len(window) - wanted, 0))
        return clean(kept.decode("utf-8", "replace"))


Progress = Callable[[Tail, bytes], None]
"""Called with the tail and each chunk as it is read, then once with `b""` at the end: the command line streams
the chunks, the dashboard shows the tail (and says it at most so often: ui/checking.py)."""


def run_check(check: Check, env: Mapping[str, str], started: str, host: str,
              cancel: threading.Event | None = None, progress: Progress | None = None,
              hidden: Redactor | None = None) -> CheckResult:
    """Run `check` to its end, its timeout or a cancel; never raises for what the command does. Whatever ends the
    caller meanwhile (a KeyboardInterrupt), the command's group is killed on the way out. The command line turns its
    signals into a cancel (cli/check_commands.py), so that the cancel is recorded. Its output keeps none of the
    secrets `hidden` knows (by default those of `env`: core/redaction.py)."""
    tail = Tail(hidden=Redactor.from_environment(env) if hidden is None else hidden)
    begin = time.monotonic()
    try:
        process = subprocess.Popen(  # noqa: S603 (the command is the checklist's, run only once trusted)
            ["/bin/sh", "-c", check.run], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, env=dict(env), start_new_session=True, close_fds=True,
        )
    except OSError as error:
        return not_run(check, f"could not start /bin/sh: {error.strerror or error}", host, started)
    ending = _Watch(process, check.timeout, begin, cancel)
    try:
        ending.read(tail, progress)
    finally:
        ending.finish()
    code = process.returncode
    if ending.why:
        outcome = ending.why
    else:
        outcome = PASSED if code == 0 else FAILED
    signal_name = _signal_name(-code) if code is not None and code < 0 else None
    return _result(check, outcome, code if code is not None and code >= 0 else None, signal_name, begin, tail,
                   host, started)


def not_run(check: Check, why: str, host: str, started: str) -> CheckResult:
    """A check that could not run at all (no /bin/sh, no processes left): failed, saying why in its output."""
    return CheckResult(check.run, FAILED, None, None, 0, clean(why) + "\n", len(why) + 1, check.timeout, host, started)


class _Watch:
    """One running command: reads its output until it ends, times out or is cancelled, then ends its group."""

    def __init__(self, process: subprocess.Popen, timeout: int, begin: float, cancel: threading.Event | None):
        self.process = process
        self.deadline = begin + timeout
        self.cancel = cancel
        self.why = ""
        """TIMED_OUT or CANCELLED where the command was stopped; empty where it ended by itself."""

    def stopped(self) -> bool:
        if self.cancel is not None and self.cancel.is_set():
            self.why = CANCELLED
        elif time.monotonic() >= self.deadline:
            self.why = TIMED_OUT
        return bool(self.why)

    def read(self, tail: Tail, progress: Progress | None) -> None:
        stream = self.process.stdout
        assert stream is not None
        fd = stream.fileno()
        os.set_blocking(fd, False)
        ended_at: float | None = None
        with selectors.DefaultSelector() as selector:
            selector.register(fd, selectors.EVENT_READ)
            while not self.stopped():
                if ended_at is None and self.exited():
                    ended_at = time.monotonic()
                if ended_at is not None and time.monotonic() - ended_at > DRAIN_SECONDS:
                    break  # the shell is gone; something it started still holds the pipe
                if not selector.select(min(TICK_SECONDS, max(self.deadline - time.monotonic(), 0))):
                    continue
                try:
                    chunk = os.read(fd, READ_CHUNK)
                except BlockingIOError:
                    continue
                if not chunk:
                    break  # end of output
                tail.add(chunk)
                if progress is not None:
                    progress(tail, chunk)
        while not self.why and not self.exited() and not self.stopped():  # output closed, shell running
            time.sleep(TICK_SECONDS)
        if progress is not None:
            progress(tail, b"")

    def exited(self) -> bool:
        """Whether the shell has ended, without reaping it: until it is reaped its pid (its process group's id)
        cannot be given to another process, so `killpg` can never reach a group that is not this check's."""
        try:
            return os.waitid(os.P_PID, self.process.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None
        except ChildProcessError:
            return True

    def finish(self) -> None:
        """End the command's group: SIGTERM, then SIGKILL after the grace, where it was stopped; SIGKILL to what
        is left once the shell ended by itself. Only then is the shell reaped, and the pipe closed."""
        process = self.process
        if self.why:
            _signal_group(process.pid, signal.SIGTERM)
            grace = time.monotonic() + GRACE_SECONDS
            while not self.exited() and time.monotonic() < grace:
                time.sleep(0.02)
        _signal_group(process.pid, signal.SIGKILL)  # what is left of the group (the shell's children)
        process.wait()
        if process.stdout is not None:
            process.stdout.close()


def _signal_group(pgid: int, number: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):  # nothing left in the group
        os.killpg(pgid, number)


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def _result(check: Check, outcome: str, code: int | None, signal_name: str | None, begin: float, tail: Tail,
            host: str, started: str) -> CheckResult:
    elapsed = int((time.monotonic() - begin) * 1000)
    return CheckResult(check.run, outcome, code, signal_name, elapsed, tail.text(), tail.total, check.timeout,
                       host, started)

