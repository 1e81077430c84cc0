"""Which store keeps the runs: the file store in a state dir (the default), or a PostgreSQL database.

Chosen by `--store`, else $HEYPETER_TUI_STORE, else `store:` in config.yaml. A PostgreSQL store is any
libpq connection string: a `postgresql://` URL (a unix-socket directory as `host=` in its query included) or
`key=value` pairs. Anything else is a directory, kept as a file store. Nothing here imports psycopg: a file
store, and the one line saying a PostgreSQL store needs the `postgres` extra, cost no database library.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from heypeter_tui.core.errors import UserError

STORE_VARIABLE = "HEYPETER_TUI_STORE"
_URL = re.compile(r"^postgres(?:ql)?://", re.IGNORECASE)
_PAIR = re.compile(r"^\s*[A-Za-z_]+\s*=")
_PASSWORD_PAIR = re.compile(r"(?:^|\s)password\s*=\s*('(?:[^'\\]|\\.)*'|\S*)", re.IGNORECASE)
_URL_PASSWORD = re.compile(r"^(postgres(?:ql)?://[^/@?#]*?):[^/@?#]*@", re.IGNORECASE)
_QUERY_PASSWORD = re.compile(r"([?&]password=)[^&#]*", re.IGNORECASE)


@dataclass(frozen=True)
class StoreChoice:
    """A store as chosen: `postgres` with a connection string, or `file` with a directory."""

    kind: str
    location: str

    @property
    def is_postgres(self) -> bool:
        return self.kind == "postgres"

    @property
    def shown(self) -> str:
        """The location as it may be printed: a password in it is replaced by `***`."""
        return redact(self.location) if self.is_postgres else self.location


def is_postgres(spec: str) -> bool:
    return bool(_URL.match(spec) or _PAIR.match(spec))


def choose(flag: str | None, environment: str | None, configured: str | None) -> StoreChoice | None:
    """The store named by the first of `--store`, the environment and config.yaml that is set; None for the
    default file store. A password written into config.yaml is refused: the file is read by anyone who helps
    with the set-up, and libpq has better places for it."""
    for spec, source in ((flag, "--store"), (environment, f"${STORE_VARIABLE}"), (configured, "config.yaml")):
        if spec is None or not spec.strip():
            continue
        spec = spec.strip()
        if not is_postgres(spec):
            return StoreChoice("file", str(Path(spec).expanduser()))
        if source == "config.yaml" and has_password(spec):
            raise UserError(
                "config.yaml: `store:` holds a password; refused. Keep it in ~/.pgpass (or the file $PGPASSFILE "
                "names), or name a service in ~/.pg_service.conf with $PGSERVICE"
            )
        return StoreChoice("postgres", spec)
    return None


def has_password(spec: str) -> bool:
    return redact(spec) != spec


def redact(spec: str) -> str:
    """`spec` with any password in it (URL user info, `?password=`, `password=` pair) shown as `***`."""
    spec = _URL_PASSWORD.sub(r"\1:***@", spec)
    spec = _QUERY_PASSWORD.sub(r"\1***", spec)
    if not _URL.match(spec):
        spec = _PASSWORD_PAIR.sub(lambda m: m.group(0)[: m.start(1) - m.start(0)] + "***", spec)
    return spec


def needs_extra() -> UserError:
    return UserError(
        "a postgresql:// store needs psycopg 3: install the postgres extra, "
        "`pip install 'heypeter-tui[postgres]'`"
    )
