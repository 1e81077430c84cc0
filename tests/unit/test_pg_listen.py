"""The listener on a real server (core/pg_listen.py): what it says when the server goes and comes back."""

from __future__ import annotations

import queue
import threading

from heypeter_tui.core import pg_schema
from heypeter_tui.core.pg_listen import listen
from heypeter_tui.core.pg_store import Database
from heypeter_tui.core.store_choice import choose
from tests.pgserver import PgServer


def test_back_after_a_restart_the_stores_own_connection_reads_at_once(pg_restartable: PgServer) -> None:
    pg_restartable.create_database("d")
    choice = choose(pg_restartable.conninfo("d"), None, None)
    setup = Database(choice, checked=False)
    setup.run(lambda conn: pg_schema.init(conn, "d"))
    setup.close()
    db = Database(choice)
    assert db.read("r", 0)[1] == []  # the store's own connection, made before the restart
    said: queue.Queue[bool] = queue.Queue()
    stop = threading.Event()
    thread = threading.Thread(target=listen, args=(db, lambda _: None, lambda up, _: said.put(up), stop.is_set))
    thread.start()
    try:
        assert said.get(timeout=10) is True
        pg_restartable.restart()  # ends every connection, the store's own as well as the listener's
        assert said.get(timeout=10) is False
        while not said.get(timeout=15):  # until the listener says the database is back
            pass
        # What "back" starts is a catch-up: it must read, not fail on the connection the restart cut.
        assert db.read("r", 0)[1] == []
    finally:
        stop.set()
        thread.join(timeout=10)
        db.close()


def test_a_flood_of_notifications_is_a_few_reports_and_the_first_change_is_heard_at_once(pg_store: str) -> None:
    import time

    import psycopg

    db = Database(choose(pg_store, None, None))
    heard: list[tuple[float, str]] = []
    up: queue.Queue[bool] = queue.Queue()
    stop = threading.Event()
    thread = threading.Thread(target=listen, args=(db, lambda run: heard.append((time.monotonic(), run)),
                                                   lambda ok, _: up.put(ok), stop.is_set))
    thread.start()

    def quiet() -> None:  # until nothing more is reported for half a second
        while True:
            count = len(heard)
            time.sleep(0.5)
            if len(heard) == count:
                return

    try:
        assert up.get(timeout=10) is True
        with psycopg.connect(pg_store, autocommit=True) as conn:
            conn.execute("SELECT pg_notify(%s, 'r')", (pg_schema.CHANNEL,))
            quiet()
            assert [run for _, run in heard] == ["r"]  # one change: one report, of its run
            heard.clear()
            conn.execute("SELECT pg_notify(%s, 'r' || n) FROM generate_series(1, 100000) AS n", (pg_schema.CHANNEL,))
            quiet()
            # 100,000 made-up runs: "any run", at most once per 0.1 s however long the flood takes to drain (a
            # count, never a time limit: a slower machine drains it in more windows, never in 100,000 reports)
            spread = heard[-1][0] - heard[0][0]
            assert {run for _, run in heard} == {""} and len(heard) <= spread / 0.1 + 2, (len(heard), spread)
            heard.clear()
            start = time.monotonic()
            with conn.pipeline():  # 20,000 transactions, each notifying the one run
                for _ in range(20000):
                    conn.execute("SELECT pg_notify(%s, 'r')", (pg_schema.CHANNEL,))
            quiet()
            took = time.monotonic() - start
            assert {run for _, run in heard} == {"r"} and len(heard) <= took / 0.1 + 2, (len(heard), took)
    finally:
        stop.set()
        thread.join(timeout=10)
        db.close()
