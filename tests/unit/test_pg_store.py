"""The PostgreSQL store from the command line, and what only a database has: the schema, grants, who wrote a row.

A real server (tests/pgserver.py); every refusal is one line and exit 2, never a traceback.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from heypeter_tui.cli import main
from tests.conftest import REPO
from tests.pgserver import PgServer


def cli(state: Path, store: str, *args: str) -> int:
    return main(["--state-dir", str(state), "--store", store, "--operator", "ci-bot", *args])


def one_line(capsys) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err


def first_key(state: Path, store: str, capsys) -> str:
    assert cli(state, store, "next", "--json") == 0
    return json.loads(capsys.readouterr().out)[0]["key"]


def test_store_init_creates_the_tables_once_and_again_changes_nothing(pg_url: str, tmp_path: Path, capsys) -> None:
    assert cli(tmp_path, pg_url, "runs") == 2
    assert "store init" in one_line(capsys)
    assert cli(tmp_path, pg_url, "store", "init") == 0
    assert "created the heypeter-tui tables (version 3)" in capsys.readouterr().out
    assert cli(tmp_path, pg_url, "store", "init") == 0
    assert "at version 3 already; nothing to do" in capsys.readouterr().out
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT count(*) FROM heypeter_schema").fetchone()[0] == 3


def test_a_newer_schema_is_refused_by_name(pg_store: str, tmp_path: Path, capsys) -> None:
    with psycopg.connect(pg_store, autocommit=True) as conn:
        conn.execute("INSERT INTO heypeter_schema (version) VALUES (99)")
    assert cli(tmp_path, pg_store, "runs") == 2
    assert "version 99, newer than this heypeter-tui knows" in one_line(capsys)
    assert cli(tmp_path, pg_store, "store", "init") == 2
    one_line(capsys)


def test_an_unreachable_database_is_one_line_and_exit_2(tmp_path: Path, capsys) -> None:
    assert cli(tmp_path, f"host={tmp_path} port=1 dbname=nothing", "status") == 2
    assert "cannot reach the database" in one_line(capsys)
    assert cli(tmp_path, "postgresql://nobody@/x?host=/nonexistent&port=1", "new", "r") == 2
    assert "cannot reach the database" in one_line(capsys)


def test_a_password_in_config_is_refused_with_where_to_keep_it(tmp_path: Path, capsys) -> None:
    config_dir = Path(os.environ["XDG_CONFIG_HOME"]) / "heypeter-tui"
    config_dir.mkdir(parents=True)
    (config_dir / "config.yaml").write_text("store: postgresql://app:hunter2@db.example/runs\n")
    assert main(["--state-dir", str(tmp_path), "runs"]) == 2
    said = one_line(capsys)
    assert "holds a password; refused" in said and "~/.pgpass" in said and "hunter2" not in said


def test_messages_never_show_a_password_given_on_the_command_line(tmp_path: Path, capsys) -> None:
    assert cli(tmp_path, f"host={tmp_path} port=1 dbname=x password=hunter2", "status") == 2
    said = one_line(capsys)
    assert "hunter2" not in said and "password=***" in said


def test_the_database_stamps_who_wrote_each_row_whatever_the_client_claims(pg_server: PgServer, pg_store: str,
                                                                          tmp_path: Path, capsys) -> None:
    pg_server.create_role("pipeline")
    dbname = psycopg.conninfo.conninfo_to_dict(pg_store)["dbname"]
    readme_grants(pg_server, dbname, "pipeline")
    as_pipeline = pg_server.conninfo(dbname, user="pipeline")
    assert cli(tmp_path / "ci", as_pipeline, "new", "Release") == 0
    capsys.readouterr()
    key = first_key(tmp_path / "ci", as_pipeline, capsys)
    assert cli(tmp_path / "ci", as_pipeline, "mark", key, "done") == 0
    with psycopg.connect(as_pipeline, autocommit=True) as conn:
        conn.execute("""INSERT INTO events (run, seq, ts, line, db_user, event_id, type)
                        SELECT run, 99, ts, replace(line, event_id, 'forged'), 'postgres', 'claimed', 'run.created'
                        FROM events WHERE seq = 2""")
        users = {row[0] for row in conn.execute("SELECT db_user FROM events")}
        assert users == {"pipeline"}  # the client's 'postgres' was overwritten by the server
        row = conn.execute("SELECT seq, event_id, type, body ->> 'id' FROM events WHERE event_id = 'forged'").fetchone()
        assert row == (3, "forged", "item.status", "forged")  # the server's seq; the columns say what the line says
        for statement in ("UPDATE events SET line = '{}'", "DELETE FROM events", "DELETE FROM runs"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)


def test_even_the_owner_cannot_change_or_remove_an_event(pg_store: str) -> None:
    with psycopg.connect(pg_store, autocommit=True) as conn:
        conn.execute("INSERT INTO runs (id, title, checklist, created) VALUES ('r', 't', 'c', now())")
        conn.execute("""INSERT INTO events (run, seq, ts, line)
                        VALUES ('r', 1, now(), '{"id": "e", "type": "run.created"}')""")
        for statement in ("UPDATE events SET line = '{}'", "DELETE FROM events", "TRUNCATE events",
                          "UPDATE runs SET title = 'x'"):
            with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
                conn.execute(statement)


def readme_grants(server: PgServer, dbname: str, role: str) -> None:
    """The grants the README gives an append-only role, taken from the README itself: what it says works."""
    readme = (REPO / "README.md").read_text()
    block = readme.split("<!-- grants -->")[1].split("```sql")[1].split("```")[0]
    server.psql(block.replace("heypeter_app", role).replace("DATABASE heypeter ", f"DATABASE {dbname} "), dbname=dbname)


def test_status_and_the_file_store_import_no_psycopg(tmp_path: Path) -> None:
    probe = """
import sys
from heypeter_tui.cli import main
code = main(["--state-dir", sys.argv[1], "new", "r"]) or main(["--state-dir", sys.argv[1], "status"])
print("psycopg" in sys.modules, code)
"""
    done = subprocess.run([sys.executable, "-c", probe, str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip().splitlines()[-1] == "False 0", done.stderr


def test_a_database_store_without_psycopg_names_the_extra(tmp_path: Path) -> None:
    probe = """
import sys
sys.modules["psycopg"] = None  # as on a plain install: importing it fails
from heypeter_tui.cli import main
sys.exit(main(["--state-dir", sys.argv[1], "--store", "postgresql://db.example/runs", "status"]))
"""
    done = subprocess.run([sys.executable, "-c", probe, str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.strip() == ("heypeter-tui: a postgresql:// store needs psycopg 3: install the postgres extra, "
                                   "`pip install 'heypeter-tui[postgres]'`")


def test_the_dashboard_on_the_file_store_imports_no_psycopg(tmp_path: Path) -> None:
    """`make run`: the dashboard opens, follows its log and closes, and no database library was loaded."""
    probe = """
import asyncio, sys
from pathlib import Path
from heypeter_tui.context import Context
from heypeter_tui.ui.app import HeyPeterApp

async def main():
    app = HeyPeterApp(Context(state_dir=Path(sys.argv[1])))
    async with app.run_test(size=(120, 30)) as pilot:
        app.follow_log()
        await pilot.pause(0.2)
asyncio.run(main())
print("psycopg" in sys.modules)
"""
    done = subprocess.run([sys.executable, "-c", probe, str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert done.stdout.strip().splitlines()[-1] == "False", done.stderr[-2000:]


def test_a_row_that_is_not_an_event_is_skipped_by_seq_and_the_run_still_reads(pg_store: str, tmp_path: Path,
                                                                              capsys) -> None:
    """Anyone granted INSERT may write any line: it is held to the file log's rules, row by row."""
    assert cli(tmp_path, pg_store, "new", "Release") == 0
    capsys.readouterr()
    key = first_key(tmp_path, pg_store, capsys)
    with psycopg.connect(pg_store, autocommit=True) as conn:
        run_id = conn.execute("SELECT id FROM runs").fetchone()[0]
        for line in ('{"id": "x1", "type": "item.status", "item": "\\u001b[2J", "status": 1}',
                     '{"id": "x2", "type": "run.created", "ts": "2026-12-03T09:30:00Z", "actor": {}}',
                     '{"id": "x3"}'):
            conn.execute("SELECT heypeter_append(%s, ARRAY[%s], ARRAY[now()])", (run_id, line))
    assert cli(tmp_path, pg_store, "mark", key, "done") == 0
    capsys.readouterr()
    assert cli(tmp_path, pg_store, "status") == 0
    out, err = capsys.readouterr()
    assert "1/83" in out
    skipped = [line for line in err.splitlines() if "skipped" in line]
    assert [line.split(f"{run_id}:")[1].split(":")[0] for line in skipped] == ["2", "3", "4"]  # by seq
    assert "\x1b" not in out + err


def test_an_event_postgresql_cannot_hold_is_refused_in_one_line_and_nothing_is_written(pg_store: str,
                                                                                      tmp_path: Path) -> None:
    from heypeter_tui.context import Context
    from heypeter_tui.core.errors import UserError
    from heypeter_tui.core.events import Actor, new_event
    from tests.conftest import FakeClock

    context = Context(state_dir=tmp_path, store=pg_store, clock=FakeClock())
    run_id = context.create_run("r", None)
    store = context.workspace.store(run_id, writer=True)
    fine = new_event("item.note", Actor("a", "a", "h"), FakeClock()(), item="a/b", text="fine")
    nul = new_event("item.note", Actor("a", "a", "h"), FakeClock()(), item="a/b", text="nul \x00 here")
    with pytest.raises(UserError, match="PostgreSQL cannot keep this") as refused:
        store.append(fine, nul)
    assert "\n" not in str(refused.value)
    assert [e.type for e in context.workspace.store(run_id).load()] == ["run.created"]  # all or none
