"""Which store keeps the runs: the file store in a state dir (the default), or a PostgreSQL database.

Chosen by `--store`, else $HEYPETER_TUI_STORE, else `store:` in config.yaml. A PostgreSQL store is any
libpq connection string: a `postgresql://` URL (a unix-socket directory as `host=` in its query included) or
`key=value` pairs (and anything starting `postgres:`, which is a mistyped URL, never a folder). Anything else is a
directory, kept as a file store. psycopg is imported only to read a database's connection string: a file store, and
the one line saying a PostgreSQL store needs the `postgres` extra, cost no database library.

A connection string is read by libpq's own parser before any of it is shown, and shown without its passwords
(`redact`); one libpq cannot read is never shown. No hand-made pattern decides where a password ends.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from heypeter_tui.core.errors import UserError

STORE_VARIABLE = "HEYPETER_TUI_STORE"
_URL = re.compile(r"^postgres(?:ql)?:", re.IGNORECASE)
_PAIR = re.compile(r"(?:^|\s)[A-Za-z_]+\s*=")
"""A `key=value` anywhere (`hunter2 host=db` is a mistyped connection string, never a folder to print)."""
PASSWORD_KEYS = ("password", "sslpassword")
"""The keys libpq reads a secret from, however it was spelt (URL user info, `?password=`, `pass%77ord=`, a pair)."""
UNPARSED = "a PostgreSQL store whose connection string cannot be parsed"
"""What is said of a string libpq cannot read: never the string itself, which may hold a password anywhere."""


@dataclass(frozen=True)
class StoreChoice:
    """A store as chosen: `postgres` with a connection string, or `file` with a directory."""

    kind: str
    location: str = field(repr=False)  # a repr (a debug traceback) never shows a password either

    @property
    def is_postgres(self) -> bool:
        return self.kind == "postgres"

    @property
    def shown(self) -> str:
        """The location as it may be printed: a connection string with any password in it `***`."""
        return redact(self.location) if self.is_postgres else self.location

    @property
    def passwords(self) -> tuple[str, ...]:
        """The secrets this store's connection string holds: what no output may carry (check output included)."""
        parsed = parse(self.location) if self.is_postgres else {}
        return tuple(value for key, value in (parsed or {}).items()
                     if value and (key in PASSWORD_KEYS or key == "port" and not _ports(value)))


def is_postgres(spec: str) -> bool:
    return bool(_URL.match(spec) or _PAIR.search(spec))


def choose(flag: str | None, environment: str | None, configured: str | None) -> StoreChoice | None:
    """The store named by the first of `--store`, the environment and config.yaml that is set; None for the
    default file store. A password written into config.yaml is refused, in any spelling libpq reads: the file is
    read by anyone who helps with the set-up, and libpq has better places for it."""
    for spec, source in ((flag, "--store"), (environment, f"${STORE_VARIABLE}"), (configured, "config.yaml")):
        if spec is None or not spec.strip():
            continue
        spec = spec.strip()
        if not is_postgres(spec):
            return StoreChoice("file", str(Path(spec).expanduser()))
        spec = _URL.sub(lambda m: m.group(0).lower(), spec)  # a scheme is case-insensitive; libpq's parser is not
        if source == "config.yaml" and has_password(spec):
            raise UserError(
                f"config.yaml: `store:` {'holds a password' if parse_problem(spec) == '' else 'cannot be parsed'}; "
                "refused (not shown). Keep a password in ~/.pgpass (or the file $PGPASSFILE names), or name a service "
                "in ~/.pg_service.conf with $PGSERVICE"
            )
        return StoreChoice("postgres", spec)
    return None


class _NoParser(Exception):
    """psycopg (and libpq with it) is not installed: nothing can read a connection string as libpq would."""


def parse(spec: str) -> dict[str, str] | None:
    """libpq's own reading of a connection string (psycopg's `conninfo_to_dict`: every spelling, percent-encoding
    and alias resolved to its canonical key); None where libpq cannot read it. Raises _NoParser without psycopg."""
    try:
        from psycopg.conninfo import conninfo_to_dict
    except ImportError as missing:
        raise _NoParser from missing
    try:
        return {str(key): str(value) for key, value in conninfo_to_dict(spec).items()}
    except Exception:  # noqa: BLE001 (ProgrammingError, a NUL byte: whatever it is, its message may quote a secret)
        return None


def has_password(spec: str) -> bool:
    """Whether `spec` holds a password as libpq reads it; a string that cannot be parsed may hide one, so yes."""
    try:
        parsed = parse(spec)
    except _NoParser:
        return _might_hold_password(spec)
    return parsed is None or any(key in PASSWORD_KEYS for key in parsed)


def redact(spec: str) -> str:
    """`spec` as it may be printed. Without a password, as given; with one, as libpq reads it, each password-bearing
    key `***` (the string itself is never cut apart by hand: a `?` or `#` in a password fooled that); one libpq
    cannot read is not shown at all. Without psycopg, a string that might hold a password is not shown either."""
    from heypeter_tui.core.text import clean_line

    spec = _URL.sub(lambda m: m.group(0).lower(), spec)
    try:
        parsed = parse(spec)
    except _NoParser:
        return "a PostgreSQL store (not shown: it may hold a password)" if _might_hold_password(spec) \
            else clean_line(spec)
    if parsed is None:
        return UNPARSED
    # A port that is no number is a password that lost its host (`postgresql://deploy:PW@` without the `@host`):
    # libpq reads it as a port; it is hidden all the same (found by the walkthrough).
    hidden = {key for key, value in parsed.items() if key in PASSWORD_KEYS or key == "port" and not _ports(value)}
    if not hidden:
        return clean_line(spec)
    from psycopg.conninfo import make_conninfo

    return clean_line(make_conninfo("", **{key: "***" if key in hidden else value for key, value in parsed.items()}))


def _ports(value: str) -> bool:
    """A port, or libpq's comma-separated list of them (one a host)."""
    return all(part.strip().isdigit() or not part.strip() for part in value.split(","))


def parse_problem(spec: str) -> str:
    """Why libpq cannot read `spec`, without a word of the string: its message cut before the first quoted part
    (libpq quotes what it could not read, password and all)."""
    try:
        from psycopg.conninfo import conninfo_to_dict
    except ImportError:
        return ""
    try:
        conninfo_to_dict(spec)
    except Exception as error:  # noqa: BLE001
        first = next((line for line in str(error).splitlines() if line.strip()), "")
        said = re.split(r"[\"'`«»“”„‚‘’:]", first, maxsplit=1)[0].strip()
        return f"the store's connection string cannot be parsed (libpq: {said} …)" if said else \
            "the store's connection string cannot be parsed"
    return ""


def _might_hold_password(spec: str) -> bool:
    """Without libpq's parser, read conservatively: any `password` (percent-decoded, any case), or a URL whose
    part before its last `@` has a `:` after the scheme."""
    from urllib.parse import unquote

    if "password" in unquote(spec).casefold():
        return True
    if _URL.match(spec):
        rest = spec.split("://", 1)[1]
        return "@" in rest and ":" in rest[: rest.rfind("@")]
    return False


def needs_extra() -> UserError:
    return UserError(
        "a postgresql:// store needs psycopg 3: install the postgres extra, "
        "`pip install 'heypeter-tui[postgres]'`"
    )
