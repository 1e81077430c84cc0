"""A check's command as it really runs: /bin/sh -c in a session of its own, killed whole at its timeout or a
cancel, its output kept to a clean 64 KiB tail, with nothing of ours (stdin, descriptors, terminal, the app's
environment) reaching it. Real processes throughout; a process is waited for by polling with a deadline."""

from __future__ import annotations

import contextlib
import os
import secrets
import subprocess
import sys
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from heypeter_tui.core.check_runner import GRACE_SECONDS, Tail, run_check
from heypeter_tui.core.checks import CANCELLED, FAILED, OUTPUT_KEPT, PASSED, TIMED_OUT, Check, outcome_line
from tests.conftest import REPO

ENV = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C"}


def go(command: str, timeout: int = 10, env: dict[str, str] | None = None, **options):
    return run_check(Check(command, timeout), ENV if env is None else env, "2026-12-03T09:30:00Z", "web-1", **options)


def survivors(marker: str) -> list[int]:
    """The processes still running whose command line holds `marker` (a zombie's is empty: it counts as gone)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if marker.encode() in Path(f"/proc/{entry}/cmdline").read_bytes():
                    found.append(int(entry))
            except OSError:
                pass
    return found


def gone_within(marker: str, seconds: float) -> list[int]:
    """[] once no process holds `marker`, polled until the deadline; else those still there."""
    deadline = time.monotonic() + seconds
    while (left := survivors(marker)) and time.monotonic() < deadline:
        time.sleep(0.02)
    return left


@pytest.fixture
def marker() -> Iterator[Callable[[], str]]:
    """Unique `sleep` arguments (`sleep 1234.518`), and whatever still runs with one is killed after the test."""
    made: list[str] = []

    def make() -> str:
        made.append(f"{secrets.randbelow(30) + 20}.{secrets.randbelow(10**6):06d}")  # short: a bug must not hang
        return made[-1]

    yield make
    for value in made:
        for pid in survivors(f"sleep\0{value}"):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, 9)


def test_exit_status_decides_pass_or_fail() -> None:
    passed, failed = go("true"), go("echo broken; exit 3")
    assert (passed.outcome, passed.exit, passed.signal, passed.passed) == (PASSED, 0, None, True)
    assert (failed.outcome, failed.exit, failed.signal, failed.passed) == (FAILED, 3, None, False)
    assert failed.output == "broken\n" and failed.output_bytes == 7
    assert (failed.command, failed.host, failed.timeout) == ("echo broken; exit 3", "web-1", 10)
    assert outcome_line(failed.to_data("a/b")) == "check failed (exit 3)"
    assert go("false").exit == 1


def test_a_command_killed_by_a_signal_is_a_failure_naming_it() -> None:
    result = go("echo before; kill -KILL $$; echo after")
    assert (result.outcome, result.exit, result.signal) == (FAILED, None, "SIGKILL")
    assert result.output == "before\n"
    assert outcome_line(result.to_data("a/b")) == "check failed (SIGKILL)"


IN_A_TERMINAL = """
import fcntl, os, subprocess, sys, termios
fcntl.ioctl(0, termios.TIOCSCTTY, 0)  # the pty: this process's controlling terminal
probe = "exec 3</dev/tty && echo HAS-A-TTY"
plain = subprocess.run(["/bin/sh", "-c", probe], capture_output=True, text=True)
from heypeter_tui.core.check_runner import run_check
from heypeter_tui.core.checks import Check
result = run_check(Check(probe, 5), dict(os.environ), "", "h")
print(plain.stdout.strip() or "no-tty", result.outcome, "HAS-A-TTY" in result.output, sep="|")
"""


def test_the_command_has_no_controlling_terminal() -> None:
    leader, follower = os.openpty()
    try:
        done = subprocess.run([sys.executable, "-c", IN_A_TERMINAL], stdin=follower, capture_output=True,
                              text=True, start_new_session=True, timeout=30, cwd=REPO,
                              env={**os.environ, "PYTHONPATH": str(REPO)})
    finally:
        os.close(follower)
        os.close(leader)
    assert done.returncode == 0, done.stderr
    # A plain child of a process with a terminal opens /dev/tty; the check's command cannot.
    assert done.stdout.strip() == f"HAS-A-TTY|{FAILED}|False"


def test_timeout_ends_the_whole_group_background_children_too(marker) -> None:
    value = marker()
    started = time.monotonic()
    result = go(f"sleep {value} & sleep {value} & echo started; wait", timeout=1)
    took = time.monotonic() - started
    assert result.outcome == TIMED_OUT and result.signal == "SIGTERM" and result.exit is None
    assert result.output == "started\n"
    assert result.duration_ms >= 1000 and took < 1 + 1.5  # SIGTERM was enough: no wait for the grace
    assert gone_within(f"sleep\0{value}", 2) == []
    assert outcome_line(result.to_data("a/b")) == "check timed out after 1s"


def test_a_group_that_ignores_sigterm_is_killed_after_the_grace(marker) -> None:
    value = marker()
    started = time.monotonic()
    result = go(f"trap '' TERM; sleep {value} & sleep {value} & wait; wait", timeout=1)
    took = time.monotonic() - started
    assert result.outcome == TIMED_OUT and result.signal == "SIGKILL"
    assert 1 + GRACE_SECONDS - 0.2 <= took < 1 + GRACE_SECONDS + 1.5
    assert result.duration_ms < (1 + GRACE_SECONDS + 1.5) * 1000
    assert gone_within(f"sleep\0{value}", 2) == []  # the children ignored SIGTERM too (an ignore is inherited)


def test_children_left_running_when_the_shell_exits_are_killed(marker) -> None:
    detached, holding = marker(), marker()
    started = time.monotonic()
    result = go(f"sleep {detached} >/dev/null 2>&1 & sleep {holding} & echo done")  # the second holds the pipe
    assert (result.outcome, result.exit, result.output) == (PASSED, 0, "done\n")
    assert time.monotonic() - started < 5  # not the 10 s timeout: the shell's end is the check's end
    assert gone_within(f"sleep\0{detached}", 2) == [] and gone_within(f"sleep\0{holding}", 2) == []


LINE = 64
TEN_MB = 10 * 1024 * 1024
PRINT_10_MB = f"""import sys
for number in range({TEN_MB // LINE}):
    sys.stdout.write(f"{{number:08d}} " + "x" * {LINE - 10} + "\\n")
"""


def test_ten_megabytes_of_output_keep_the_last_64_kib_in_bounded_memory(tmp_path: Path) -> None:
    script = tmp_path / "print10mb.py"
    script.write_text(PRINT_10_MB)
    expected = "".join(f"{n:08d} " + "x" * (LINE - 10) + "\n" for n in range(TEN_MB // LINE))[-OUTPUT_KEPT:]
    tracemalloc.start()
    try:
        result = go(f"{sys.executable} {script}", timeout=60)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.outcome == PASSED and result.output_bytes == TEN_MB
    assert result.output == expected and len(result.output.encode()) == OUTPUT_KEPT
    assert peak < 1024 * 1024, f"{peak:,} bytes at the peak while reading 10 MB"


def test_the_tail_holds_at_most_twice_its_limit_and_keeps_the_last_bytes() -> None:
    tail, everything = Tail(limit=8), b""
    for chunk in (b"abc", b"defghij", b"klmnopqrstu", b"v", b"wxyz0123456789", b"!" * 40):
        tail.add(chunk)
        everything += chunk
        assert tail.text() == everything[-8:].decode() and tail.total == len(everything)
        assert len(tail._buffer) <= 16  # trimmed now and then, never more than twice what is kept
    assert tail.text(3) == "!!!" and tail.total == 76


ESCAPES = (
    r"printf '\033[31mred\033[0m plain\n'; "  # CSI colours
    r"printf '\033]52;c;c2VjcmV0\007clip\n'; "  # OSC 52: write the clipboard
    r"printf '\033]0;pwned-title\033\\title\n'; "  # OSC 0: the window's title
    r"printf '\302\23331mc1csi \302\2350;pwned-c1\302\234end\n'; "  # 8-bit C1 (UTF-8): CSI, OSC ... ST
    r"printf 'raw\233\2352m\n'"  # 8-bit C1 as raw bytes (not UTF-8)
)


def test_escape_sequences_never_reach_the_output() -> None:
    result = go(ESCAPES)
    assert result.passed
    text = result.output
    assert not any(char in text for char in "\x1b\x07\x9b\x9c\x9d"), repr(text)
    assert not any(0x80 <= ord(char) <= 0x9f or (ord(char) < 0x20 and char != "\n") for char in text), repr(text)
    assert "c2VjcmV0" not in text and "pwned" not in text  # a sequence goes whole, its payload with it
    assert "red plain\n" in text and "clip\n" in text and "title\n" in text and "end\n" in text


@pytest.fixture
def stdin_held_open() -> Iterator[None]:
    """Our standard input is a pipe nobody writes to or closes: a command reading it would wait for ever."""
    read_end, write_end = os.pipe()
    saved = os.dup(0)
    os.dup2(read_end, 0)
    try:
        yield
    finally:
        os.dup2(saved, 0)
        for fd in (saved, read_end, write_end):
            os.close(fd)


def test_standard_input_is_dev_null(stdin_held_open) -> None:
    started = time.monotonic()
    result = go("readlink /proc/self/fd/0; cat; echo read-all", timeout=5)
    assert (result.outcome, result.output) == (PASSED, "/dev/null\nread-all\n")
    assert time.monotonic() - started < 3


def test_the_command_gets_the_environment_captured_when_the_context_was_made(monkeypatch, tmp_path: Path) -> None:
    from heypeter_tui.context import Context

    monkeypatch.setenv("HP_BEFORE", "seen")
    context = Context(state_dir=tmp_path / "state")
    monkeypatch.setenv("HP_AFTER", "leaked")  # as a library would, once the app runs
    result = go('echo "before=${HP_BEFORE-unset} after=${HP_AFTER-unset}"', env=context.environment)
    assert result.output == "before=seen after=unset\n"
    only = go('echo "${HP_BEFORE-unset} ${HOME-nohome} $ONLY"', env={**ENV, "ONLY": "mine"})
    assert only.output == "unset nohome mine\n"  # what is passed, nothing of os.environ besides


def test_no_descriptor_of_ours_reaches_the_command(tmp_path: Path) -> None:
    secret = tmp_path / "our-open-secret-file"
    secret.write_text("ours")
    fd = os.open(secret, os.O_RDONLY)
    try:
        os.set_inheritable(fd, True)  # as a descriptor a library opened without O_CLOEXEC
        seen = subprocess.run(["/bin/sh", "-c", "ls -l /proc/$$/fd"], capture_output=True, text=True, close_fds=False)
        assert secret.name in seen.stdout  # it would leak: the test could tell
        result = go(f"ls -l /proc/$$/fd; test -e /proc/$$/fd/{fd} && echo LEAKED-{fd}")
    finally:
        os.close(fd)
    assert secret.name not in result.output and f"LEAKED-{fd}" not in result.output
    assert "/dev/null" in result.output  # the listing ran


def test_a_cancel_stops_the_command_at_once_and_says_cancelled(marker) -> None:
    value = marker()
    cancel = threading.Event()
    set_at: list[float] = []

    def progress(tail: Tail, chunk: bytes) -> None:
        if b"ready" in chunk and not cancel.is_set():
            cancel.set()  # the user pressed cancel, the moment the command was under way
            set_at.append(time.monotonic())

    result = go(f"echo ready; sleep {value} & sleep {value}; echo not-here", timeout=60, cancel=cancel,
                progress=progress)
    assert set_at and time.monotonic() - set_at[0] < 1.5
    assert result.outcome == CANCELLED and result.output == "ready\n"
    assert outcome_line(result.to_data("a/b")) == "check cancelled (SIGTERM)"
    assert gone_within(f"sleep\0{value}", 2) == []


def test_ctrl_c_in_the_caller_still_kills_the_command(marker) -> None:
    value = marker()

    def progress(tail: Tail, chunk: bytes) -> None:
        if b"ready" in chunk:
            raise KeyboardInterrupt  # what Python's SIGINT handler raises

    with pytest.raises(KeyboardInterrupt):
        go(f"echo ready; sleep {value}", timeout=60, progress=progress)
    assert gone_within(f"sleep\0{value}", 2) == []
