"""Shared fixtures. Times are shown in local time, so every test runs in UTC."""

from __future__ import annotations

import contextlib
import itertools
import os
import signal
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from tests.pgserver import PgServer

os.environ["TZ"] = "UTC"
time.tzset()

if "MUTANT_UNDER_TEST" in os.environ:  # under `make mutate` the property tests draw the same examples each run, so
    from hypothesis import settings  # a mutant is killed or survives alike on every run (tests/MUTANTS.md lists it)

    settings.register_profile("mutmut", derandomize=True, database=None)
    settings.load_profile("mutmut")

REPO = Path(__file__).resolve().parent.parent
BUILTIN_CHECKLIST = REPO / "checklists" / "heypeter-production.yaml"
DATA = Path(__file__).resolve().parent / "data"
SEED = DATA / "heypeter-seed.md"
CORPUS = DATA / "corpus"
"""Copies of ../shared's checklists (tests/data/SOURCES.md): the suite is the same with or without it."""
SHARED = REPO.parent / "shared"
GOLDEN = DATA / "golden"
"""Reviewed files the record, the importer and the diagnostics are compared with, word for word."""


class FakeClock:
    """A clock that stands still until a test moves it."""

    def __init__(self, start: datetime = datetime(2026, 12, 3, 9, 30, tzinfo=timezone.utc)) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture(autouse=True)
def private_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test reads or writes the real user's config or runs."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.delenv("HEYPETER_TUI_STORE", raising=False)  # the default file store, unless a test names one
    return home


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def state_dir(tmp_path: Path) -> Path:
    return tmp_path / "state"


@pytest.fixture
def context(state_dir: Path, tmp_path: Path, clock: FakeClock):
    from heypeter_tui.context import Context

    return Context(state_dir=state_dir, operator="alice", clock=clock, config_path=tmp_path / "config" / "config.yaml")


MINIMAL_TEMPLATE = {"schema": 1, "id": "demo", "title": "Demo", "sections": [
    {"id": "a", "title": "A", "items": [{"id": "b", "text": "B"}, {"id": "c", "text": "C"}]}]}


def check_golden(name: str, text: str) -> None:
    """`text` must be tests/data/golden/NAME word for word. `UPDATE_GOLDEN=1` rewrites the file (refused under
    CI, where it would make the test pass whatever it read); the diff then goes into review."""
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        assert os.environ.get("CI") != "true", "UPDATE_GOLDEN under CI would make this test pass whatever it read"
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), (
        f"the output differs from {path} (a deliberate change: UPDATE_GOLDEN=1)"
    )


def created_event(actor, now, **extra):
    """A valid run.created of a small checklist (section `a`, items `a/b` and `a/c`)."""
    from heypeter_tui.core.events import new_event

    fields = {"schema": 1, "run": "run-1", "title": "t", "checklist": "demo", "template": MINIMAL_TEMPLATE, **extra}
    return new_event("run.created", actor, now, **fields)


def seed_task_lines(path: Path = SEED) -> list[str]:
    """The text of every `- [ ]` line of the seed, in order."""
    prefix = "- [ ] "
    return [
        line[len(prefix) :].strip() for line in path.read_text(encoding="utf-8").splitlines() if line.startswith(prefix)
    ]


MUTANT_TEST_SECONDS = 20
"""Under `make mutate`, a test still running after this long has hung under its mutant: a kill. (Unmutated, the
slowest unit test takes 4 s.)"""


@pytest.fixture(autouse=True)
def system_left_whole() -> Iterator[None]:
    """Under `make mutate`: a test that hangs fails after MUTANT_TEST_SECONDS; and, as a mutant of the safe writer
    runs as whoever runs the tests (root on CI), the whole run stops, loudly, the moment /dev is not as it was
    (tests use their own device nodes)."""
    if "MUTANT_UNDER_TEST" not in os.environ:
        yield
        return
    before = (os.stat("/dev").st_mode, os.lstat("/dev/null").st_mode)

    def hung(*_: object) -> None:  # mutmut's own limit counts CPU time: a mutant blocked opening a FIFO used none
        raise TimeoutError(f"the test took more than {MUTANT_TEST_SECONDS} s under this mutant")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(MUTANT_TEST_SECONDS)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    if (os.stat("/dev").st_mode, os.lstat("/dev/null").st_mode) != before:
        pytest.exit(f"a mutant changed /dev or /dev/null ({os.environ['MUTANT_UNDER_TEST']}): repair them", 3)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Under CI=true a skipped test is a failure: a required component (tmux, root for a tmpfs) that is missing
    must not let the run pass having tested less. Each skip says why in the summary (`-rs`)."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter is not None else []
    if os.environ.get("CI") == "true" and skipped and exitstatus == 0:
        for report in skipped:
            reporter.write_line(f"CI=true: skipped is not passed: {report.nodeid}: {report.longrepr}", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


# A real PostgreSQL for the store's tests (tests/pgserver.py): one server for the session, a fresh database per
# test; a test that stops or restarts its server gets a server of its own.

_database_numbers = itertools.count(1)


@contextlib.contextmanager
def running_server() -> Iterator[PgServer]:
    """A new server, started; stopped and removed when the block ends, however it ends."""
    server = PgServer()
    try:
        server.start()
        yield server
    finally:
        server.cleanup()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """The session's PostgreSQL server, started by the first test that asks for it (the others never pay its
    start), stopped and removed at the end of the session."""
    with running_server() as server:
        yield server


@contextlib.contextmanager
def fresh_database(server: PgServer) -> Iterator[str]:
    """A new, empty database on SERVER for as long as the block runs: its conninfo. For a test that needs two."""
    name = f"t_{next(_database_numbers)}"
    server.create_database(name)
    try:
        yield server.conninfo(name)
    finally:
        server.drop_database(name)  # WITH (FORCE): a connection the test left open does not keep it


@pytest.fixture
def pg_url(pg_server: PgServer) -> Iterator[str]:
    """A fresh, empty database of the session's server, for this test only: a libpq key=value conninfo."""
    with fresh_database(pg_server) as conninfo:
        yield conninfo


@pytest.fixture
def pg_restartable() -> Iterator[PgServer]:
    """A server of this test's own, started, that it may stop, start again and restart without disturbing any
    other test; removed after the test."""
    with running_server() as server:
        yield server


def init_store(conninfo: str) -> str:
    """The heypeter-tui tables in the database `conninfo` names (what `store init` does): the conninfo."""
    import psycopg

    from heypeter_tui.core import pg_schema

    with psycopg.connect(conninfo, autocommit=True) as conn:
        pg_schema.init(conn, conninfo)
    return conninfo


@pytest.fixture
def pg_store(pg_url: str) -> str:
    """A fresh database with the heypeter-tui tables: a PostgreSQL store ready for runs."""
    return init_store(pg_url)
