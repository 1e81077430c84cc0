"""The PostgreSQL store's tables, versioned: `store init` creates or upgrades them in one transaction.

`runs` names each run; `events` holds each run's log, one row per event, numbered by `seq` from 1. Rows are
only ever added: triggers refuse UPDATE, DELETE and TRUNCATE of `events` to everyone but a superuser who drops
them, and the README's grants give the application's role INSERT and SELECT alone. Who wrote a row is stamped
by the server (`session_user`), whatever the client sent: a role may claim any operator name in an event's
`actor`, but not another database user.
"""

from __future__ import annotations

from heypeter_tui.core.errors import UserError

CHANNEL = "heypeter_tui_events"
"""The LISTEN/NOTIFY channel: every append notifies it with the run's id, after its commit."""

INIT_LOCK = 0x4865795065746572  # "HeyPeter": `store init` runs one at a time on a database
CREATE_LOCK = INIT_LOCK + 1
"""Held while a dashboard chooses or creates a run: two hosts starting on an empty database share one first run."""

_V1 = """
CREATE TABLE runs (
    id          text PRIMARY KEY,
    title       text NOT NULL,
    checklist   text NOT NULL,
    created     timestamptz NOT NULL,
    created_by  text NOT NULL DEFAULT session_user
);
CREATE TABLE events (
    run         text NOT NULL REFERENCES runs (id),
    seq         bigint NOT NULL CHECK (seq > 0),
    ts          timestamptz NOT NULL,
    line        text NOT NULL,
    event_id    text NOT NULL,
    actor       jsonb,
    type        text,
    body        jsonb NOT NULL,
    db_user     text NOT NULL DEFAULT session_user,
    written_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (run, seq),
    UNIQUE (run, event_id)
);
COMMENT ON COLUMN events.line IS 'the event exactly as a file log holds it (one JSON object): what is read back';
COMMENT ON COLUMN events.body IS 'the event as jsonb, for queries: set from line by the server, as are event_id,
actor and type';
COMMENT ON COLUMN events.db_user IS 'the database user who inserted the row, stamped by the server';

-- An append in one round trip: one writer of a run at a time (an advisory lock, which needs no UPDATE grant), the
-- next seq read after the lock (each statement of a function sees every commit before it), the insert, the
-- notification, and the commit of the statement around it. SECURITY INVOKER: the caller's own grants apply.
CREATE FUNCTION heypeter_append(p_run text, p_lines text[], p_ts timestamptz[]) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    last_seq bigint;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('heypeter-tui run ' || p_run, 0));
    SELECT coalesce(max(seq), 0) INTO last_seq FROM events WHERE run = p_run;
    INSERT INTO events (run, seq, ts, line)
        SELECT p_run, last_seq + e.n, e.ts, e.line
        FROM unnest(p_lines, p_ts) WITH ORDINALITY AS e(line, ts, n);
    PERFORM pg_notify('heypeter_tui_events', p_run);
    RETURN last_seq + cardinality(p_lines);
END $$;

CREATE FUNCTION heypeter_stamp_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Whatever the client sent for them: what the line says (parsed once), who wrote it, and when.
    NEW.body := NEW.line::jsonb;
    NEW.event_id := NEW.body ->> 'id';
    NEW.actor := NEW.body -> 'actor';
    NEW.type := NEW.body ->> 'type';
    NEW.db_user := session_user;
    NEW.written_at := clock_timestamp();
    RETURN NEW;
END $$;
CREATE TRIGGER events_stamp BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION heypeter_stamp_event();

CREATE FUNCTION heypeter_stamp_run() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.created_by := session_user;
    RETURN NEW;
END $$;
CREATE TRIGGER runs_stamp BEFORE INSERT ON runs FOR EACH ROW EXECUTE FUNCTION heypeter_stamp_run();

CREATE FUNCTION heypeter_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'heypeter-tui: % is append-only: % refused', TG_TABLE_NAME, TG_OP;
END $$;
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION heypeter_append_only();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION heypeter_append_only();
CREATE TRIGGER runs_append_only BEFORE UPDATE OR DELETE ON runs
    FOR EACH ROW EXECUTE FUNCTION heypeter_append_only();
CREATE TRIGGER runs_no_truncate BEFORE TRUNCATE ON runs
    FOR EACH STATEMENT EXECUTE FUNCTION heypeter_append_only();
"""

_V2 = """
-- The hash chain (core/chain.py): each line links to the line before it by the SHA-256 of its exact bytes. The
-- client sends `"prev":"000…0"` (64 zeros) and the server puts the real link in its place, under the run's lock and in
-- the append's transaction, so concurrent writers keep the chain whole. The first event of a run links to nothing.
CREATE OR REPLACE FUNCTION heypeter_append(p_run text, p_lines text[], p_ts timestamptz[]) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    last_seq bigint;
    prev text;
    line text;
    n integer := 0;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('heypeter-tui run ' || p_run, 0));
    SELECT e.seq, encode(sha256(convert_to(e.line, 'UTF8')), 'hex') INTO last_seq, prev
        FROM events e WHERE e.run = p_run ORDER BY e.seq DESC LIMIT 1;
    last_seq := coalesce(last_seq, 0);
    FOREACH line IN ARRAY p_lines LOOP
        n := n + 1;
        IF prev IS NOT NULL THEN
            line := regexp_replace(line, '"prev":"0{64}"', '"prev":"' || prev || '"');
        END IF;
        INSERT INTO events (run, seq, ts, line) VALUES (p_run, last_seq + n, p_ts[n], line);
        prev := encode(sha256(convert_to(line, 'UTF8')), 'hex');
    END LOOP;
    PERFORM pg_notify('heypeter_tui_events', p_run);
    RETURN last_seq + n;
END $$;
"""

SEQ_BOUND = 2**31
"""No run holds this many rows: seqs at or beyond it are never assigned, never read, and never the run's next place.
A row a V2 database let a role plant at the largest bigint therefore neither ends the run nor counts as its length."""

_V3 = f"""
-- seq is the server's: whatever seq a client sends, the row takes the run's next place, under the run's lock (the one
-- heypeter_append holds, taken again here for a plain INSERT). No role with the README's grants can choose a seq, so
-- none can leave a gap or take the last bigint; rows from before this version at or beyond {SEQ_BOUND} are ignored.
CREATE OR REPLACE FUNCTION heypeter_stamp_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('heypeter-tui run ' || NEW.run, 0));
    SELECT coalesce(max(e.seq), 0) + 1 INTO NEW.seq FROM events e WHERE e.run = NEW.run AND e.seq < {SEQ_BOUND};
    IF NEW.seq >= {SEQ_BOUND} THEN
        RAISE EXCEPTION 'heypeter-tui: run % is full ({SEQ_BOUND} rows)', NEW.run;
    END IF;
    -- Whatever the client sent for them: what the line says (parsed once), who wrote it, and when.
    NEW.body := NEW.line::jsonb;
    NEW.event_id := NEW.body ->> 'id';
    NEW.actor := NEW.body -> 'actor';
    NEW.type := NEW.body ->> 'type';
    NEW.db_user := session_user;
    NEW.written_at := clock_timestamp();
    RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION heypeter_append(p_run text, p_lines text[], p_ts timestamptz[]) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    last_seq bigint;
    prev text;
    line text;
    n integer := 0;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('heypeter-tui run ' || p_run, 0));
    SELECT e.seq, encode(sha256(convert_to(e.line, 'UTF8')), 'hex') INTO last_seq, prev
        FROM events e WHERE e.run = p_run AND e.seq < {SEQ_BOUND} ORDER BY e.seq DESC LIMIT 1;
    last_seq := coalesce(last_seq, 0);
    FOREACH line IN ARRAY p_lines LOOP
        n := n + 1;
        IF prev IS NOT NULL THEN
            line := regexp_replace(line, '"prev":"0{{64}}"', '"prev":"' || prev || '"');
        END IF;
        INSERT INTO events (run, seq, ts, line) VALUES (p_run, last_seq + n, p_ts[n], line);  -- the trigger's seq
        prev := encode(sha256(convert_to(line, 'UTF8')), 'hex');
    END LOOP;
    PERFORM pg_notify('heypeter_tui_events', p_run);
    RETURN last_seq + n;
END $$;
"""

MIGRATIONS: tuple[str, ...] = (_V1, _V2, _V3)
"""Version n is MIGRATIONS[n - 1]. A new version is added at the end, never edited in place."""
LATEST = len(MIGRATIONS)

_VERSION_TABLE = """
CREATE TABLE IF NOT EXISTS heypeter_schema (
    version     integer PRIMARY KEY,
    applied     timestamptz NOT NULL DEFAULT now(),
    applied_by  text NOT NULL DEFAULT session_user
)
"""


def init(conn, shown: str) -> tuple[int, int]:
    """Create or upgrade the tables, all in one transaction (a failure leaves the database as it was).
    Returns the versions before and after; running it again changes nothing."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (INIT_LOCK,))
        conn.execute(_VERSION_TABLE)
        before = conn.execute("SELECT coalesce(max(version), 0) FROM heypeter_schema").fetchone()[0]
        if before > LATEST:
            raise UserError(newer(shown, before))
        for version in range(before + 1, LATEST + 1):
            conn.execute(MIGRATIONS[version - 1])
            conn.execute("INSERT INTO heypeter_schema (version) VALUES (%s)", (version,))
    return before, LATEST


def check(conn, shown: str) -> None:
    """The tables are there and of a version this program knows; else one line saying what to do."""
    import psycopg

    try:
        version = conn.execute("SELECT max(version) FROM heypeter_schema").fetchone()[0]
    except psycopg.errors.UndefinedTable:
        version = None
    if not version:
        raise UserError(f"{shown}: no heypeter-tui tables in this database; `heypeter-tui store init --store URL` "
                        "creates them")
    if version > LATEST:
        raise UserError(newer(shown, version))
    if version < LATEST:
        raise UserError(f"{shown}: the tables are of version {version}, this heypeter-tui needs {LATEST}; "
                        "`heypeter-tui store init --store URL` upgrades them")


def newer(shown: str, version: int) -> str:
    return f"{shown}: the tables are of version {version}, newer than this heypeter-tui knows ({LATEST}); upgrade it"
