"""A real PostgreSQL server for the tests: its own data directory under /tmp, reached only by a unix socket.

No mocks and no docker: the PostgreSQL store is tested against the server it will meet in production, with fsync
on, because the product measures commit latency and a server that skips its fsyncs would measure nothing.

    server = PgServer()
    server.start()                      # initdb + pg_ctl start, about a second
    server.psql("CREATE TABLE t (x int)")
    psycopg.connect(server.conninfo())  # or server.url()
    server.cleanup()                    # stops it and removes its directory (atexit does it too)
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pwd
import re
import shlex
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

TIMEOUT = 60
"""Seconds any one initdb or pg_ctl may take: a wedged server fails the test instead of hanging the suite."""

KILL_GRACE = 15
"""Seconds past TIMEOUT before the tool is killed: pg_ctl's own -t TIMEOUT gives up first, saying more."""

OWNER = "postgres"
"""Who runs the server when the tests run as root (CI does): postgres refuses to run as root."""

_CONNINFO_PLAIN = re.compile(r"[^\s'\\]+")


def find_bindir() -> Path:
    """The directory of `pg_ctl` and `initdb`: the ones on PATH, else the newest /usr/lib/postgresql/*/bin (Debian
    installs them there, off PATH)."""
    on_path = shutil.which("pg_ctl")
    if on_path is not None:
        # /usr/local/bin/pg_ctl may be a link: pg_ctl looks for `postgres` beside its real self, and so do we.
        bindir = Path(os.path.realpath(on_path)).parent
        if (bindir / "initdb").exists():
            return bindir
    versions = []
    for bindir in Path("/usr/lib/postgresql").glob("*/bin"):
        number = tuple(int(part) for part in re.findall(r"\d+", bindir.parent.name))
        if (bindir / "pg_ctl").exists() and (bindir / "initdb").exists():
            versions.append((number, bindir))
    if not versions:
        raise RuntimeError(
            "PostgreSQL is not installed: no pg_ctl on PATH nor in /usr/lib/postgresql/*/bin "
            "(`.ci/run` installs it: apt-get install postgresql)"
        )
    return max(versions)[1]


def free_port() -> int:
    """A port no one listens on. The server opens no TCP port (listen_addresses is empty): the number only names
    its socket, .s.PGSQL.PORT, and seeds its shared memory key, so a distinct one keeps servers apart in `ps`."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _conninfo_value(value: str) -> str:
    """A libpq key=value value, quoted when it holds a space, a quote or a backslash."""
    if _CONNINFO_PLAIN.fullmatch(value):
        return value
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _alive(pid: int) -> bool:
    """Whether PID runs. A zombie does not: pg_ctl leaves the postmaster to init, and an init that reaps late (as
    in some containers) keeps a stopped or killed postmaster as a zombie that still answers kill(pid, 0)."""
    if not Path("/proc/self/stat").exists():  # no /proc: ask the kernel, zombies and all
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:  # alive, only not ours to signal
            return True
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"  # the state follows the name, which may hold spaces


class PgServer:
    """One PostgreSQL server of the tests' own, in a fresh directory: `data/` (the cluster), `sock/` (its unix
    socket) and `server.log`. Trust authentication: anyone who can reach the socket is whichever role they name."""

    def __init__(self, bindir: Path | None = None) -> None:
        self._bindir = bindir
        self.base: Path | None = None
        self.port: int | None = None
        self._as_root = os.geteuid() == 0

    # Where things are --------------------------------------------------------------------------------------

    @property
    def datadir(self) -> Path:
        return self._base() / "data"

    @property
    def sockdir(self) -> Path:
        return self._base() / "sock"

    @property
    def logfile(self) -> Path:
        return self._base() / "server.log"

    def _base(self) -> Path:
        if self.base is None:
            raise RuntimeError("the server was never started")
        return self.base

    def conninfo(self, dbname: str = "postgres", user: str = "postgres") -> str:
        """A libpq key=value string for DBNAME as USER, over the unix socket."""
        fields = {"host": str(self.sockdir), "port": str(self.port), "dbname": dbname, "user": user}
        return " ".join(f"{key}={_conninfo_value(value)}" for key, value in fields.items())

    def url(self, dbname: str = "postgres", user: str = "postgres") -> str:
        """The same as a postgresql:// URL (what `--store` takes): a socket directory has no place in a URL's host
        part, so it goes, percent-encoded, in the `host` query parameter."""
        host = quote(str(self.sockdir), safe="")
        return f"postgresql://{quote(user, safe='')}@/{quote(dbname, safe='')}?host={host}&port={self.port}"

    # Life --------------------------------------------------------------------------------------------------

    def start(self) -> None:
        """A new cluster, started. Raises RuntimeError (with initdb's output or the log's tail) if it cannot."""
        if self.base is not None:
            raise RuntimeError(f"this server was already started in {self.base}")
        bindir = self._bindir if self._bindir is not None else find_bindir()
        missing = [tool for tool in ("initdb", "pg_ctl") if not (bindir / tool).exists()]
        if missing:
            raise RuntimeError(f"no {' nor '.join(missing)} in {bindir}")
        self._bindir = bindir
        owner = self._owner() if self._as_root else None
        # Under /tmp, not $TMPDIR: a unix socket's path is limited to 107 bytes, and the postgres user must be able
        # to reach the directory when we are root (a $TMPDIR under /root is closed to it).
        self.base = Path(tempfile.mkdtemp(prefix="hp-pg-", dir="/tmp"))
        self.port = free_port()
        atexit.register(self.cleanup)  # the fixtures clean up; this is for a run that dies before they can
        try:
            self.sockdir.mkdir()
            # The server writes its socket and log here as postgres; the client (root, or the test's user) only
            # needs to pass through, so 0755 rather than mkdtemp's 0700. initdb makes data/ 0700 itself.
            os.chmod(self.base, 0o755)
            os.chmod(self.sockdir, 0o755)
            if owner is not None:
                for path in (self.base, self.sockdir):
                    os.chown(path, owner.pw_uid, owner.pw_gid)
            # --no-sync: a cluster that dies with the test need not reach the disk; the server itself keeps fsync.
            # --locale=C: the same collation and messages on every machine, whatever LANG says (a LANG whose
            # encoding is not UTF-8, or whose locale is not generated, would make initdb refuse -E UTF8).
            self._run("initdb", "-D", str(self.datadir), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                      "--locale=C", "--no-sync", what="initdb")
            self._pg_ctl("start")
        except BaseException:
            self.cleanup()
            raise

    def start_again(self) -> None:
        """Starts the same cluster after stop(): same data, same socket, same port."""
        if self.running:
            raise RuntimeError("the server is already running")
        self._pg_ctl("start")

    def stop(self, mode: str = "fast") -> None:
        """Stops the server (`pg_ctl stop -m MODE`: smart, fast or immediate) and waits until it has. A stopped
        server is left as it is."""
        if self.running:
            self._pg_ctl("stop", "-m", mode)

    def restart(self, mode: str = "fast") -> None:
        """`pg_ctl restart -m MODE`, waiting until it accepts connections again. Open connections are cut."""
        self._pg_ctl("restart", "-m", mode)

    @property
    def running(self) -> bool:
        """Whether the postmaster of postmaster.pid is alive (read directly: pg_ctl status would cost a process)."""
        pid = self._postmaster_pid()
        return pid is not None and _alive(pid)

    def cleanup(self) -> None:
        """Stops the server however it must and removes its directory. Safe to call twice, or before start()."""
        atexit.unregister(self.cleanup)
        if self.base is None or not self.base.exists():
            return
        with contextlib.suppress(RuntimeError):
            self.stop("fast")
        with contextlib.suppress(RuntimeError):
            self.stop("immediate")
        pid = self._postmaster_pid()
        if pid is not None and self.running:  # pg_ctl could not stop it: nothing must outlive the tests
            # The whole group: pg_ctl made the postmaster a session leader, and its backends share its group.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, signal.SIGKILL)
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            deadline = time.monotonic() + 10
            while self.running and time.monotonic() < deadline:
                time.sleep(0.05)
        shutil.rmtree(self.base, ignore_errors=True)

    # SQL ---------------------------------------------------------------------------------------------------

    def psql(self, sql: Any, dbname: str = "postgres", params: Any = None) -> list[tuple[Any, ...]]:
        """Runs SQL (a string or a psycopg.sql.Composable) in DBNAME, as postgres, in autocommit (CREATE DATABASE
        refuses a transaction block); returns the rows, if the statement returns any."""
        import psycopg  # here, so that importing this module does not need psycopg

        with psycopg.connect(self.conninfo(dbname), autocommit=True) as conn, conn.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description is not None else []

    def create_database(self, name: str, owner: str | None = None) -> None:
        from psycopg import sql

        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if owner is not None:
            statement = sql.SQL("{} OWNER {}").format(statement, sql.Identifier(owner))
        self.psql(statement)

    def drop_database(self, name: str) -> None:
        """Drops NAME even while a test still holds a connection to it (WITH (FORCE) ends them, PostgreSQL 13+)."""
        from psycopg import sql

        self.psql(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    def create_role(self, name: str, login: bool = True) -> None:
        from psycopg import sql

        self.psql(sql.SQL("CREATE ROLE {} " + ("LOGIN" if login else "NOLOGIN")).format(sql.Identifier(name)))

    # Running the tools -------------------------------------------------------------------------------------

    def _owner(self) -> pwd.struct_passwd:
        try:
            return pwd.getpwnam(OWNER)
        except KeyError:
            raise RuntimeError(
                f"running as root, the server must run as {OWNER!r}, and there is no such user "
                "(Debian's postgresql package creates it)"
            ) from None

    def _pg_ctl(self, action: str, *extra: str) -> None:
        options = f"-k {shlex.quote(str(self.sockdir))} -c listen_addresses='' -p {self.port} -c fsync=on"
        args = ["pg_ctl", "-D", str(self.datadir), "-w", "-t", str(TIMEOUT), *extra]
        if action in ("start", "restart"):
            # -l on a restart too: without it the new postmaster would write to pg_ctl's stdout, our pipe, and
            # reading it to its end would wait for the server to stop.
            args += ["-l", str(self.logfile), "-o", options]
        self._run(*args, action, what=f"pg_ctl {action}")

    def _run(self, tool: str, *args: str, what: str) -> str:
        """Runs TOOL from the bin directory, as postgres when we are root, within TIMEOUT; its output, or a
        RuntimeError that says what went wrong with the log's tail."""
        command = [str((self._bindir or find_bindir()) / tool), *args]
        if self._as_root:
            command = ["runuser", "-u", OWNER, "--", *command]
        # Our PG* variables (PGDATA, PGPORT, PGOPTIONS...) are for the product's connections, not for this server.
        env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
        # Its own session, so that a timeout kills runuser and pg_ctl together (the postmaster leaves that session
        # by itself: pg_ctl starts it with setsid).
        try:
            process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                       stderr=subprocess.STDOUT, text=True, cwd=self._base(), env=env,
                                       start_new_session=True)
        except OSError as error:  # runuser or the tool itself missing, or not executable
            raise RuntimeError(f"{what} could not be run: {error}") from None
        try:
            output, _ = process.communicate(timeout=TIMEOUT + KILL_GRACE)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.communicate(timeout=5)
            raise RuntimeError(f"{what} took more than {TIMEOUT + KILL_GRACE} s\n{self._log_tail()}") from None
        if process.returncode != 0:
            raise RuntimeError(f"{what} failed (exit {process.returncode}):\n{output.strip()}\n{self._log_tail()}")
        return output

    def _log_tail(self, lines: int = 30) -> str:
        try:
            text = self.logfile.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "(no server log)"
        return f"--- last lines of {self.logfile} ---\n" + "\n".join(text.splitlines()[-lines:])

    def _postmaster_pid(self) -> int | None:
        if self.base is None:
            return None
        try:
            first = (self.datadir / "postmaster.pid").read_text().split("\n", 1)[0]
        except OSError:
            return None
        return int(first) if first.strip().isdigit() else None
