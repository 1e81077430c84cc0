"""The PostgreSQL store read as faithfully as a file log: a run cut short or replaced under a reader (a restore from a
backup: rows deleted with triggers off) is read again from the top and said; a gap is said and its rows read when they
come back; no planted row can take the last seq; a row too long is measured on the server, never fetched. A real
server (tests/pgserver.py); the "restore" is the owner's, with `session_replication_role = replica`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import psycopg

from heypeter_tui.cli import main
from heypeter_tui.context import Context
from heypeter_tui.core.commands import add_note
from tests.conftest import REPO, FakeClock

BIGGEST = 2**63 - 1


def a_session(store: str, tmp_path: Path, name: str, run_id: str | None = None):
    context = Context(state_dir=tmp_path / name, operator=name, clock=FakeClock(), store=store)
    return context.session(run_id or context.create_run("Faithful", None))


def note(session, text: str) -> None:
    session.record(add_note(session.state, next(iter(session.state.checklist.items_by_key)), text))


def notes(session) -> list[str]:
    return [note.text for item in session.state.items.values() for note in item.notes]


def as_owner(store: str, *statements: str, params: tuple = ()) -> None:
    """What a restore from a backup does: the owner, with triggers off."""
    with psycopg.connect(store, autocommit=True) as conn, conn.transaction():
        conn.execute("SET LOCAL session_replication_role = replica")
        for statement in statements:
            conn.execute(statement, params)


def test_a_run_cut_short_under_a_reader_is_read_again_from_the_top_and_said(pg_store: str, tmp_path: Path) -> None:
    alice = a_session(pg_store, tmp_path, "alice")
    run_id = alice.state.run_id
    for text in ("n0", "n1", "n2", "n3"):
        note(alice, text)
    bob = a_session(pg_store, tmp_path, "bob", run_id)
    assert notes(bob) == ["n0", "n1", "n2", "n3"]
    as_owner(pg_store, "DELETE FROM events WHERE run = %s AND seq > 3", params=(run_id,))
    catchup = bob.read_apart().run()
    assert catchup.restarted and "cut short or replaced: seq 5, read before, is gone" in catchup.restart_why
    bob.take(catchup)
    assert notes(bob) == ["n0", "n1"]  # the deleted ticks are not shown as if still there
    note(a_session(pg_store, tmp_path, "carol", run_id), "later")
    bob.refresh()
    assert notes(bob) == ["n0", "n1", "later"]  # and later ones are not missed


def test_a_run_replaced_by_as_many_rows_is_read_again(pg_store: str, tmp_path: Path) -> None:
    alice = a_session(pg_store, tmp_path, "alice")
    run_id = alice.state.run_id
    for text in ("n0", "n1", "n2"):
        note(alice, text)
    bob = a_session(pg_store, tmp_path, "bob", run_id)
    as_owner(pg_store, "DELETE FROM events WHERE run = %s AND seq > 2", params=(run_id,))
    carol = a_session(pg_store, tmp_path, "carol", run_id)
    note(carol, "x")
    note(carol, "y")  # seq 4 again, another line
    catchup = bob.read_apart().run()
    assert catchup.restarted and "the row at seq 4 is not the one read before" in catchup.restart_why
    bob.take(catchup)
    assert notes(bob) == ["n0", "x", "y"]


def test_a_gap_is_said_and_its_rows_are_read_when_they_come_back(pg_store: str, tmp_path: Path) -> None:
    alice = a_session(pg_store, tmp_path, "alice")
    run_id = alice.state.run_id
    for text in ("n0", "n1", "n2", "n3"):
        note(alice, text)
    as_owner(pg_store, "CREATE TABLE backup AS SELECT * FROM events WHERE run = %s AND seq IN (3, 4)",
             "DELETE FROM events WHERE run = %s AND seq IN (3, 4)", params=(run_id,))
    bob = a_session(pg_store, tmp_path, "bob", run_id)
    assert notes(bob) == ["n0", "n3"]
    assert any("seqs 3 to 4 missing" in problem for problem in bob.problems)
    as_owner(pg_store, "INSERT INTO events SELECT * FROM backup")  # the backup's rows put back, with their seqs
    catchup = bob.read_apart().run()
    assert catchup.restarted and "2 rows missing before seq 5 came back" in catchup.restart_why
    bob.take(catchup)
    assert notes(bob) == ["n0", "n1", "n2", "n3"] and not bob.problems
    assert bob.integrity().whole


def test_no_row_planted_at_any_seq_takes_the_runs_last_place(pg_store: str, tmp_path: Path, capsys) -> None:
    alice = a_session(pg_store, tmp_path, "alice")
    run_id = alice.state.run_id
    note(alice, "n0")
    with psycopg.connect(pg_store, autocommit=True) as conn:  # a plain INSERT choosing its seq: the server's instead
        conn.execute("INSERT INTO events (run, seq, ts, line) SELECT run, %s, ts, replace(line, event_id, 'planted') "
                     "FROM events WHERE run = %s AND seq = 2", (BIGGEST, run_id))
        assert conn.execute("SELECT max(seq) FROM events").fetchone()[0] == 3
    # A row at the largest bigint as a V2 database let a role plant it (here the owner, triggers off): ignored.
    as_owner(pg_store, "INSERT INTO events (run, seq, ts, line, event_id, body) SELECT run, %s, ts, line, 'big', body "
             "FROM events WHERE run = %s AND seq = 3", params=(BIGGEST, run_id))
    note(alice, "after")  # no "bigint out of range": the run goes on
    bob = a_session(pg_store, tmp_path, "bob", run_id)
    assert "after" in notes(bob)
    assert any("1 rows at seqs beyond 2,147,483,648" in problem for problem in bob.problems)
    store_args = ["--state-dir", str(tmp_path / "v"), "--store", pg_store, "--run", run_id]
    assert main([*store_args, "verify"]) == 1  # the planted row breaks the chain; the quintillion is never a line
    out = capsys.readouterr()
    assert str(BIGGEST) not in out.out + out.err and "9,223,372,036,854,775,807" not in out.out + out.err


def test_a_row_too_long_is_measured_on_the_server_never_fetched(pg_store: str, tmp_path: Path) -> None:
    alice = a_session(pg_store, tmp_path, "alice")
    run_id = alice.state.run_id
    note(alice, "n0")
    size = 64 * 1024 * 1024
    before = read_in_a_process(pg_store, tmp_path / "before", run_id)
    with psycopg.connect(pg_store, autocommit=True) as conn:  # linked by the server as any append is
        line = conn.execute("SELECT line FROM events WHERE run = %s AND seq = 2", (run_id,)).fetchone()[0]
        event = json.loads(line)
        event.update(id="big", prev="0" * 64, text="x")
        head, _, tail = json.dumps(event, separators=(",", ":")).rpartition('"x"')
        conn.execute("SELECT heypeter_append(%s, ARRAY[%s || repeat('x', %s) || %s], ARRAY[now()])",
                     (run_id, head + '"', size, '"' + tail))
    note(alice, "after")
    peak, chain, *problems = read_in_a_process(pg_store, tmp_path / "after", run_id)
    assert int(peak) - int(before[0]) < 16, (before, peak)  # megabytes: the 64 MiB line never came to the reader
    assert chain == "chain intact to line 4"  # the server's hash of the long line links the line after it
    assert len(problems) == 1 and problems[0].endswith(
        f":3: a line of {size + len(head) + len(tail) + 2:,} bytes (at most 1,048,576); skipped")


def read_in_a_process(store: str, state: Path, run_id: str) -> list[str]:
    """A reader of its own: its peak memory in MB, its chain, its problems."""
    code = """
import resource, sys
from pathlib import Path
from heypeter_tui.context import Context
from tests.conftest import FakeClock
session = Context(state_dir=Path(sys.argv[2]), operator="r", clock=FakeClock(), store=sys.argv[1]).session(sys.argv[3])
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
print(session.store.chain.describe())
print(*session.problems, sep="\\n")
"""
    done = subprocess.run([sys.executable, "-c", code, store, str(state), run_id], cwd=REPO, capture_output=True,
                          text=True, check=True)
    return done.stdout.splitlines()


def test_a_run_id_that_is_not_one_is_skipped_by_runs_with_a_warning(pg_store: str, tmp_path: Path, capsys) -> None:
    a_session(pg_store, tmp_path, "alice")
    with psycopg.connect(pg_store, autocommit=True) as conn:  # anyone with the README's INSERT on runs
        conn.execute("INSERT INTO runs (id, title, checklist, created) VALUES (%s, 't', 'c', now())",
                     ("evil\x1b[31mred",))
    assert main(["--state-dir", str(tmp_path / "alice"), "--store", pg_store, "runs"]) == 0
    out = capsys.readouterr()
    assert "Faithful" in out.out and "evil" not in out.out
    assert "a run whose id is not a run id ('evilred'); skipped" in out.err and "\x1b" not in out.err
