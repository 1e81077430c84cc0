"""Items that check themselves, end to end: the installed heypeter-tui in a real tmux pane, its checks real `curl`s
against a real HTTP server this test runs, and a hung command whose whole process group must be gone at its timeout.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.pane_colours import highlighted_item

HEALTH = '{"status":"ok"}'
HUNG = f"sleep 100.{os.getpid():07d}"
"""A hung check's command, its processes found in /proc by its argument: no other process sleeps for exactly so
long (this pytest's pid in it: another run of these tests at once has its own)."""


class Server:
    """An HTTP server on 127.0.0.1 on a free port, in a thread: `/health` answers 200, `/down` 503; it counts."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                outer.requests.append(self.path)
                status, body = (200, HEALTH) if self.path == "/health" else (503, '{"status":"down"}')
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args) -> None:  # not onto pytest's output
                pass

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.http.server_address[1]
        self.thread = threading.Thread(target=self.http.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.http.shutdown()
        self.http.server_close()


@pytest.fixture
def server() -> Iterator[Server]:
    if shutil.which("curl") is None:
        pytest.fail("curl is not installed; `.ci/run` installs it (apt-get install curl)")
    running = Server()
    yield running
    running.close()


def write_checklist(tmp_path: Path, port: int) -> Path:
    path = tmp_path / "probes.yaml"
    path.write_text(f"""\
schema: 1
id: probes
title: Probes
sections:
  - title: Intro
    id: intro
    items:
      - Read the runbook
  - title: Servers
    id: servers
    items:
      - id: health
        text: Health endpoint answers
        check: curl -fsS http://127.0.0.1:{port}/health
      - id: down
        text: Down endpoint answers
        check: curl -fsS http://127.0.0.1:{port}/down
      - id: hung
        text: Hung probe
        check: {{run: "{HUNG} & {HUNG}; wait", timeout: 2s}}
      - id: plain
        text: Nothing to probe
""")
    return path


def record(installed, home: Path) -> dict:
    exported = installed.run(home, "export", "--format", "json")
    assert exported.returncode == 0, exported.stderr
    return json.loads(exported.stdout)


def item_of(run: dict, item_id: str) -> dict:
    return next(item for section in run["sections"] for item in section["items"] if item["id"] == item_id)


def line_of(screen: str, text: str) -> str:
    return next(line for line in screen.splitlines() if text in line)


def wait_until(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"not so after {timeout}s: {what}")
        time.sleep(0.05)


def hung_processes() -> list[str]:
    """The program of each process running HUNG: its shell and its two sleeps while the check runs."""
    return [program for _, program in _hung()]


def _hung() -> list[tuple[int, str]]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            words = (entry / "cmdline").read_bytes().split(b"\0") if entry.name.isdigit() else []
        except OSError:  # ended meanwhile
            continue
        if any(HUNG.split()[1].encode() in word for word in words):  # a zombie's command line is empty
            found.append((int(entry.name), Path(words[0].decode()).name))
    return found


@pytest.fixture
def no_hung_left() -> Iterator[None]:
    """Whatever the test found, it leaves no hung probe behind it."""
    yield
    for pid, _ in _hung():
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def test_v_trusts_and_runs_a_curl_check_and_the_record_keeps_its_body(open_pane, installed, home, tmp_path,
                                                                        server) -> None:
    checklist = write_checklist(tmp_path, server.port)
    pane = open_pane("--checklist", str(checklist), width=140, height=45)
    pane.wait_for("Probes", "[ ] Read the runbook")
    pane.send("2", "l")
    pane.wait_for("[ ] Health endpoint answers", "v checks it")
    pane.send("v")
    screen = pane.wait_for("Trust the commands of Probes?", f"curl -fsS http://127.0.0.1:{server.port}/health",
                           f"curl -fsS http://127.0.0.1:{server.port}/down", "Trust and run")
    assert server.requests == []  # the dialog asks before anything runs
    pane.wait_for("Every command above was on the screen")  # "Trust and run" enabled: tab reaches it
    pane.send("Tab", "Enter")
    screen = pane.wait_for("[x] Health endpoint answers", "check passed", HEALTH)
    assert "check passed" in line_of(screen, "[x] Health endpoint answers")
    assert server.requests == ["/health"]
    assert "output of servers/health" in screen  # the body above is the panel's, not a notification's
    health = item_of(record(installed, home), "health")
    assert health["status"] == "done"
    (evidence,) = health["checks"]
    assert (evidence["outcome"], evidence["exit"], evidence["output"]) == ("passed", 0, HEALTH)
    assert evidence["command"] == f"curl -fsS http://127.0.0.1:{server.port}/health"

    pane.send("j", "v")  # already trusted: no dialog
    screen = pane.wait_for("check failed (exit 22)")
    assert "[ ] Down endpoint answers" in screen
    assert "check failed (exit 22)" in line_of(screen, "Down endpoint answers")
    assert server.requests == ["/health", "/down"]
    down = item_of(record(installed, home), "down")
    assert down["status"] == "pending"
    assert [(e["outcome"], e["exit"]) for e in down["checks"]] == [("failed", 22)]


def test_check_from_a_pipeline_runs_nothing_until_trusted(installed, home, tmp_path, server, no_hung_left) -> None:
    checklist = write_checklist(tmp_path, server.port)
    created = installed.run(home, "new", "Release", "--checklist", str(checklist))
    assert created.returncode == 0, created.stderr

    untrusted = installed.run(home, "check", "Health endpoint answers")
    assert untrusted.returncode == 2 and "not trusted" in untrusted.stderr
    assert server.requests == []

    trusted = installed.run(home, "trust", "--yes")
    assert trusted.returncode == 0, trusted.stderr
    checked = installed.run(home, "check", "Health endpoint answers")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert HEALTH in checked.stdout and "servers/health: check passed" in checked.stdout
    assert server.requests == ["/health"]
    assert item_of(record(installed, home), "health")["status"] == "done"

    everything = installed.run(home, "check", "--all", "--quiet")
    assert everything.returncode == 1, everything.stdout + everything.stderr
    assert "servers/down: check failed (exit 22)" in everything.stdout
    assert "servers/hung: check timed out after 2s" in everything.stdout
    assert "1 check passed, 2 failed" in everything.stdout
    assert server.requests == ["/health", "/health", "/down"]
    assert hung_processes() == []


def test_a_hung_check_leaves_the_dashboard_answering_and_its_whole_group_is_killed(open_pane, installed, home,
                                                                                   tmp_path, no_hung_left) -> None:
    assert hung_processes() == [], "a hung probe of another run is still here"
    checklist = write_checklist(tmp_path, port=9)
    created = installed.run(home, "new", "Release", "--checklist", str(checklist))
    assert created.returncode == 0, created.stderr
    assert installed.run(home, "trust", "--yes").returncode == 0
    pane = open_pane(width=140, height=45)
    pane.wait_for("[ ] Read the runbook")
    pane.send("2", "l", "j", "j")
    pane.wait_for("[ ] Hung probe")
    pane.send("v")
    pane.wait_for("▶ running")  # it prints nothing, and still shows running, not waiting
    wait_until(lambda: hung_processes().count("sleep") == 2, 5, "both sleeps of the hung check running")

    assert highlighted(pane) == "Hung probe"
    pane.send("k")  # while it hangs, the list still moves
    wait_until(lambda: highlighted(pane) == "Down endpoint answers", 5, "the highlight on the item above")
    assert hung_processes().count("sleep") == 2, "the key was answered only once the check had ended"
    pane.send("j")
    wait_until(lambda: highlighted(pane) == "Hung probe", 5, "the highlight back on the hung probe")

    # The panel says it first; the item's row once the result is recorded and read back: the row is waited for.
    wait_until(lambda: "check timed out after 2s" in line_of(pane.screen(), "Hung probe"), 15,
               "the item's row saying its check timed out")
    screen = pane.screen()
    assert "[ ] Hung probe" in screen
    assert hung_processes() == []  # the shell, the sleep in the background and the one waited on
    evidence = item_of(record(installed, home), "hung")
    assert evidence["status"] == "pending"


def highlighted(pane) -> str:
    return highlighted_item(pane.screen_with_colours())
