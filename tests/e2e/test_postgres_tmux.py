"""The installed heypeter-tui on a PostgreSQL store: dashboards in real tmux panes, a real server (tests/pgserver.py).

Each "host" is a home of its own (its own XDG state and config dirs): all that two people at two machines share is the
database, so whatever one sees of the other's work came through it. Latency is measured as a person would see it:
from the key press, or from the moment the CLI said the mark was recorded.
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pytest

from tests.pgserver import PgServer

FIRST = "All features tested and approved"
"""The first item of the first section: where `1`, `l` puts the cursor."""
SEEN_WITHIN = 1.0
"""Seconds from a change to its showing on another dashboard. The listener hears the notification at once; only
the poll, every 5 s, would be slower: this is what tells the two apart."""
NOTICED_WITHIN = 5.0
"""Seconds for a dashboard to notice its server gone: a quiet listener checks the connection every second."""
BACK_WITHIN = 10.0
"""Seconds from the server's start to OFFLINE going by itself: the listener tries again at most 4 s apart."""
UNREACHABLE = "host=/nonexistent port=1 dbname=x"


def host(tmp_path: Path, name: str) -> Path:
    """A fresh home, as another machine would have one: none of its state or config is shared with the others."""
    path = tmp_path / name
    path.mkdir()
    return path


def cli(installed, home: Path, store: str, *args: str) -> subprocess.CompletedProcess[str]:
    result = installed.run(home, "--store", store, *args)
    assert result.returncode == 0, result.stderr
    return result


def new_run(installed, home: Path, store: str, title: str) -> str:
    """The run both dashboards show, made before either opens: the database set up, the run made, its id."""
    cli(installed, home, store, "store", "init")
    cli(installed, home, store, "new", title)
    return json.loads(cli(installed, home, store, "status", "--json").stdout)["run"]


def open_items(installed, home: Path, store: str, run: str, group: str = "Code Readiness") -> list[dict]:
    """The run's open items of `group`, in the order the dashboard lists them (`next --json` is in that order
    where no T-0 is set): the section the dashboard opens on, so each is on screen once ticked."""
    items = json.loads(cli(installed, home, store, "--run", run, "next", "--json").stdout)
    return [item for item in items if item["group"] == group]


def done_keys(installed, home: Path, store: str, run: str) -> set[str]:
    record = json.loads(cli(installed, home, store, "--run", run, "export", "--format", "json").stdout)
    groups = record["sections"] + record["phases"]
    return {item["key"] for group in groups for item in group["items"] if item["status"] == "done"}


def left(deadline: float) -> float:
    """What remains of a deadline, as a wait_for timeout (never negative: the screen is still looked at once)."""
    return max(deadline - time.monotonic(), 0.0)


def offline(screen: str) -> bool:
    """Whether the header's second line says OFFLINE: the notification saying the database went is titled OFFLINE
    too, so the whole screen cannot tell whether the header still says it."""
    return "OFFLINE" in screen.splitlines()[1]


FRAMES = str.maketrans(dict.fromkeys("│╰╯─", " "))


def notifications(screen: str) -> str:
    """The words of the notifications on screen, in order: what follows each toast row's left edge `▌`. A message
    is whole however the toast wrapped it, and whatever shares its rows (the activity line, a panel's frame)."""
    rows = [line.split("▌", 1)[1] for line in screen.splitlines() if "▌" in line]
    return " ".join(" ".join(rows).translate(FRAMES).split())


def until(pane, holds, what: str, timeout: float) -> str:
    """The screen, once `holds(screen)`: for what wait_for cannot say (a text gone, a text on one line)."""
    deadline = time.monotonic() + timeout
    while not holds(screen := pane.screen()):
        assert time.monotonic() < deadline, f"not within {timeout}s: {what}\n{screen}"
        time.sleep(0.05)
    return screen


def test_two_hosts_and_a_pipeline_see_each_others_changes_within_a_second(
    open_pane, installed, tmp_path: Path, pg_url: str
) -> None:
    a, b, c = host(tmp_path, "host-a"), host(tmp_path, "host-b"), host(tmp_path, "host-c")
    run = new_run(installed, a, pg_url, "Release 5.0")
    ticked = open_items(installed, a, pg_url, run)[0]
    assert ticked["text"] == FIRST
    # One host names the store in its environment, the other on its command line: both reach the one database.
    first = open_pane("--run", run, env={"HEYPETER_TUI_STORE": pg_url}, at=a)
    second = open_pane("--store", pg_url, "--run", run, width=100, height=30, at=b)
    for pane in (first, second):
        pane.wait_for("Release 5.0", "Emergency contacts", f"[ ] {FIRST}", "0/83")
    first.send("1", "l")

    pressed = time.monotonic()
    first.send("Space")
    second.wait_for(f"[x] {FIRST}", "1/83", timeout=left(pressed + SEEN_WITHIN))
    first.wait_for(f"[x] {FIRST}", "1/83")

    # A third host, with nothing but the store in common: a pipeline's mark, seen by both.
    item = open_items(installed, c, pg_url, run)[0]
    marked = installed.run(c, "--store", pg_url, "--run", run, "--operator", "pipeline", "mark", item["key"], "done")
    acknowledged = time.monotonic()
    assert marked.returncode == 0, marked.stderr
    for pane in (first, second):
        pane.wait_for(f"[x] {item['text']}", "2/83", timeout=left(acknowledged + SEEN_WITHIN))

    assert done_keys(installed, c, pg_url, run) == {ticked["key"], item["key"]}
    for home in (a, b, c):  # the run is in the database alone: no host kept a file store of it
        assert not (home / "state" / "heypeter-tui" / "runs").exists()


class Deployment:
    """A dashboard on a server of the test's own (one it may stop and restart), the run it shows, and the marks
    the CLI made on that run and saw acknowledged (exit 0)."""

    def __init__(self, open_pane, installed, home: Path, server: PgServer) -> None:
        self.installed, self.home, self.server = installed, home, server
        server.create_database("deploy")
        self.store = server.url("deploy")  # a postgresql:// URL here, the key=value form in the test above
        self.run = new_run(installed, home, self.store, "Release 6.0")
        self.items = open_items(installed, home, self.store, self.run)
        assert self.items[0]["text"] == FIRST
        self.acknowledged: list[str] = []
        self.pane = open_pane("--store", self.store, "--run", self.run)
        self.pane.wait_for("Release 6.0", "Emergency contacts", f"[ ] {FIRST}", "0/83")
        self.pane.send("1", "l")  # the cursor on the first item, which the CLI never marks: Space would tick it

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return self.installed.run(self.home, "--store", self.store, "--run", self.run, *args)

    def mark(self, item: dict, shown: str) -> None:
        """A mark by the CLI, acknowledged, and then on the dashboard within a second."""
        marked = self.cli("mark", item["key"], "done")
        acknowledged = time.monotonic()
        assert marked.returncode == 0, marked.stderr
        self.acknowledged.append(item["key"])
        self.pane.wait_for(f"[x] {item['text']}", shown, timeout=left(acknowledged + SEEN_WITHIN))

    def assert_kept(self) -> None:
        """Every acknowledged mark is in the database, and nothing else is done: neither a refused mark nor a
        refused tick was recorded."""
        status = json.loads(self.cli("status", "--json").stdout)
        assert status["progress"]["complete"] == len(self.acknowledged)
        assert done_keys(self.installed, self.home, self.store, self.run) == set(self.acknowledged)


@pytest.fixture
def deployment(open_pane, installed, home: Path, pg_restartable: PgServer) -> Deployment:
    return Deployment(open_pane, installed, home, pg_restartable)


def test_a_restart_cuts_the_dashboard_off_and_it_comes_back_by_itself(deployment: Deployment) -> None:
    pane, items = deployment.pane, deployment.items
    deployment.mark(items[1], "1/83")
    deployment.mark(items[2], "2/83")
    # `pg_ctl restart -m fast` ends every connection, the listener's and the one the dashboard reads and writes on.
    deployment.server.restart()
    # Said only where the dashboard had noticed the loss: OFFLINE itself may come and go between two looks.
    pane.wait_for("the database is back", timeout=BACK_WITHIN)
    deployment.mark(items[3], "3/83")
    # The dashboard's own tick goes through again, and shows once it is committed.
    pane.send("Space")
    pane.wait_for(f"[x] {FIRST}", "4/83")
    deployment.acknowledged.append(items[0]["key"])
    # The catch-up that "back" starts read on a new connection, not on the one the restart cut (which fails).
    screen = pane.screen()
    assert not offline(screen) and "cannot read the run log" not in screen
    deployment.assert_kept()


def test_while_the_database_is_stopped_changes_are_refused_and_nothing_is_lost(deployment: Deployment) -> None:
    pane, items = deployment.pane, deployment.items
    deployment.mark(items[1], "1/83")
    deployment.mark(items[2], "2/83")

    deployment.server.stop()
    until(pane, offline, "the header says OFFLINE", NOTICED_WITHIN)
    refused = deployment.cli("mark", items[3]["key"], "done")  # not acknowledged: so not expected afterwards
    assert refused.returncode == 2 and refused.stdout == ""
    assert refused.stderr.count("\n") == 1 and "Traceback" not in refused.stderr
    assert refused.stderr.startswith("heypeter-tui: cannot reach the database "), refused.stderr
    # The tick key while the database is away: refused before it is tried, and said; nothing shows as done.
    pane.send("Space")
    said = "; nothing was changed"
    screen = until(pane, lambda screen: said in notifications(screen), "the tick was refused, and said so", 5)
    assert "OFFLINE: " in notifications(screen) and f"[ ] {FIRST}" in screen and "2/83" in screen

    deployment.server.start_again()
    until(pane, lambda screen: not offline(screen), "OFFLINE went by itself", BACK_WITHIN)
    deployment.mark(items[3], "3/83")
    assert f"[ ] {FIRST}" in pane.screen()
    deployment.assert_kept()


def test_an_unreachable_database_at_start_is_one_line_and_exit_2(open_pane, installed, home: Path) -> None:
    # In a terminal, as a person starts the dashboard: one line and no traceback, before any screen is drawn.
    pane = open_pane("--store", UNREACHABLE)
    assert pane.wait_exit() == 2
    output = [line for line in pane.screen().splitlines() if line.strip() and not line.startswith("Pane is dead")]
    assert len(output) == 1 and "Traceback" not in output[0]
    assert output[0].startswith(f"heypeter-tui: cannot reach the database {UNREACHABLE}: "), output[0]
    # The same store from the environment, with the streams apart: the one line is on stderr, stdout is empty.
    started = time.monotonic()
    result = installed.run(home, env={"HEYPETER_TUI_STORE": UNREACHABLE})
    assert time.monotonic() - started < 5  # a socket that is not there fails at once, with no wait for a timeout
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"heypeter-tui: cannot reach the database {UNREACHABLE}: ")
    assert not (home / "state" / "heypeter-tui" / "runs").exists()


def test_a_note_typed_while_the_database_is_stopped_for_ten_seconds_is_kept_and_saved_once_it_is_back(
        deployment: Deployment) -> None:
    pane = deployment.pane
    pane.send("n")
    pane.wait_for("ctrl+s saves")
    pane.send("migration took 42 s")
    deployment.server.stop()
    until(pane, offline, "the header says OFFLINE", NOTICED_WITHIN)
    pane.send("C-s")  # refused in place: the dialog stays, with the note
    pane.wait_for("nothing was changed.", "migration took 42 s", "ctrl+s saves")
    time.sleep(10)
    deployment.server.start_again()
    until(pane, lambda screen: not offline(screen), "OFFLINE went by itself", BACK_WITHIN)
    pane.send("C-s")
    until(pane, lambda screen: "ctrl+s saves" not in screen, "the dialog closed once the note was saved", 5)
    notes = json.loads(deployment.cli("export", "--format", "json").stdout)
    assert "migration took 42 s" in json.dumps(notes)
    deployment.assert_kept()
