"""The PostgreSQL harness itself (tests/pgserver.py and the pg_* fixtures): what the store's tests will rely on."""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tests import pgserver
from tests.conftest import fresh_database
from tests.pgserver import PgServer, _alive


def _dbname(conninfo: str) -> str:
    return psycopg.conninfo.conninfo_to_dict(conninfo)["dbname"]


def test_a_fresh_database_is_empty_and_takes_a_table_and_a_row(pg_url: str) -> None:
    with psycopg.connect(pg_url) as conn:
        tables = conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()
        assert tables == (0,)
        conn.execute("CREATE TABLE events (id serial PRIMARY KEY, body text NOT NULL)")
        conn.execute("INSERT INTO events (body) VALUES (%s)", ("run.created",))
    with psycopg.connect(pg_url) as conn:  # committed, seen by a second connection
        assert conn.execute("SELECT id, body FROM events").fetchall() == [(1, "run.created")]


def test_two_databases_are_apart_and_go_even_with_a_connection_open(pg_server: PgServer, pg_url: str) -> None:
    with fresh_database(pg_server) as other:
        assert _dbname(other) != _dbname(pg_url)
        with psycopg.connect(pg_url, autocommit=True) as conn:
            conn.execute("CREATE TABLE only_here (x int)")
        lingering = psycopg.connect(other, autocommit=True)  # left open, as a failing test would leave it
        assert lingering.execute("SELECT to_regclass('only_here')").fetchone() == (None,)
    try:
        with pytest.raises(psycopg.OperationalError):  # dropped WITH (FORCE): its connection was ended
            lingering.execute("SELECT 1")
    finally:
        lingering.close()
    name = _dbname(other)
    assert pg_server.psql("SELECT 1 FROM pg_database WHERE datname = %s", params=(name,)) == []


def test_the_server_syncs_and_listens_on_its_socket_alone(pg_server: PgServer) -> None:
    # fsync on: the product measures commit latency, which a server that skips its fsyncs would make meaningless.
    assert pg_server.psql("SHOW fsync") == [("on",)]
    assert pg_server.psql("SHOW listen_addresses") == [("",)]
    assert pg_server.psql("SHOW unix_socket_directories") == [(str(pg_server.sockdir),)]
    assert (pg_server.sockdir / f".s.PGSQL.{pg_server.port}").is_socket()
    assert stat.S_IMODE(os.stat(pg_server.datadir).st_mode) == 0o700


def test_the_url_reaches_the_same_database_as_the_conninfo(pg_server: PgServer, pg_url: str) -> None:
    name = _dbname(pg_url)
    url = pg_server.url(name)
    host = str(pg_server.sockdir).replace("/", "%2F")
    assert url == f"postgresql://postgres@/{name}?host={host}&port={pg_server.port}"
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE seen (x int)")
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT current_database(), current_user").fetchone() == (name, "postgres")
        assert conn.execute("SELECT to_regclass('seen') IS NOT NULL").fetchone() == (True,)


def test_a_role_logs_in_by_name(pg_server: PgServer, pg_url: str) -> None:
    role = f"operator_{os.getpid()}"  # roles belong to the whole server, not to the test's database
    pg_server.create_role(role)
    try:
        conninfo = pg_server.conninfo(_dbname(pg_url), user=role)
        with psycopg.connect(conninfo) as conn:
            assert conn.execute("SELECT current_user").fetchone() == (role,)
    finally:
        pg_server.psql(f'DROP ROLE "{role}"')


def test_a_stopped_server_refuses_and_starts_again_with_its_data(pg_restartable: PgServer) -> None:
    server = pg_restartable
    server.psql("CREATE TABLE kept (x int); INSERT INTO kept VALUES (42)")
    server.stop()
    assert not server.running
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(server.conninfo(), connect_timeout=5)
    server.start_again()
    assert server.running
    with psycopg.connect(server.url()) as conn:
        assert conn.execute("SELECT x FROM kept").fetchall() == [(42,)]


def test_a_restart_cuts_connections_and_keeps_data(pg_restartable: PgServer) -> None:
    server = pg_restartable
    server.psql("CREATE TABLE kept (x int); INSERT INTO kept VALUES (7)")
    before = server.psql("SELECT pg_postmaster_start_time()")
    with psycopg.connect(server.conninfo(), autocommit=True) as held:
        server.restart()
        with pytest.raises(psycopg.OperationalError):
            held.execute("SELECT 1")
    assert server.running
    assert server.psql("SELECT pg_postmaster_start_time()") > before
    assert server.psql("SELECT x FROM kept") == [(7,)]


def test_cleanup_leaves_no_server_and_no_directory() -> None:
    server = PgServer()
    server.start()
    base, pid = server.base, server._postmaster_pid()
    server.cleanup()
    assert not server.running
    assert base is not None and not base.exists()
    assert pid is not None and not _alive(pid)
    server.cleanup()  # twice is harmless, as the fixture and atexit may both call it


@pytest.fixture
def open_dir() -> Iterator[Path]:
    """A directory the postgres user may run programs from when the tests run as root (tmp_path is root's alone)."""
    path = Path(tempfile.mkdtemp(prefix="hp-pg-bin-", dir="/tmp"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path)


def test_a_failed_initdb_says_why_and_leaves_nothing_behind(open_dir: Path) -> None:
    bindir = open_dir
    for tool in ("initdb", "pg_ctl"):
        (bindir / tool).write_text("#!/bin/sh\necho 'initdb: error: the disk is on fire' >&2\nexit 1\n")
        (bindir / tool).chmod(0o755)
    server = PgServer(bindir=bindir)
    with pytest.raises(RuntimeError, match="the disk is on fire"):
        server.start()
    assert server.base is not None and not server.base.exists()


def test_missing_binaries_are_an_error_not_a_hang(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="no initdb nor pg_ctl"):
        PgServer(bindir=tmp_path).start()



def test_a_wedged_tool_is_killed_not_waited_for(open_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pgserver, "TIMEOUT", 0.5)
    monkeypatch.setattr(pgserver, "KILL_GRACE", 0.5)
    for tool in ("initdb", "pg_ctl"):
        (open_dir / tool).write_text("#!/bin/sh\nsleep 30\n")  # sleep holds the output pipe: its group must go too
        (open_dir / tool).chmod(0o755)
    server = PgServer(bindir=open_dir)
    started = time.monotonic()
    with pytest.raises(RuntimeError, match="initdb took more than 1.0 s"):
        server.start()
    assert time.monotonic() - started < 5
    assert server.base is not None and not server.base.exists()
