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
