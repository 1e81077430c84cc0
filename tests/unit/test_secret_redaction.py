"""Secrets are never printed: a store's password, in every spelling libpq reads, reaches no message, `paths`, warning
or config refusal; a connection string libpq cannot read is never echoed. Against a real PostgreSQL (trust
authentication: it ignores the password, so every spelling connects and every message that names the store is seen).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import quote

import pytest

from heypeter_tui.cli import main
from tests.pgserver import PgServer

SECRET = "S3cretPw"


def spellings(server: PgServer, dbname: str, port: int | None = None) -> dict[str, tuple[str, str]]:
    """Each way the issue names of putting a password in a connection string: (the string, its password)."""
    host, port = quote(str(server.sockdir), safe=""), port or server.port
    url = f"@/{dbname}?host={host}&port={port}"
    pairs = f"host={server.sockdir} port={port} dbname={dbname} user=postgres"
    return {
        "a ? and # in the URL's password": (f"postgresql://postgres:p%3Fss%23{SECRET}@/{dbname}?host={host}"
                                            f"&port={port}", f"p?ss#{SECRET}"),
        "a raw ? and # in the URL's password": (f"postgresql://postgres:p?ss#{SECRET}{url}", f"p?ss#{SECRET}"),
        "an upper-case scheme": (f"POSTGRESQL://postgres:{SECRET}{url}", SECRET),
        "a password= pair": (f"{pairs} password={SECRET}", SECRET),
        "a quoted password= pair": (f"{pairs} password='a {SECRET}'", f"a {SECRET}"),
        "an sslpassword= pair": (f"{pairs} sslpassword={SECRET}", SECRET),
        "a password in the query": (f"postgresql://postgres{url}&password={SECRET}", SECRET),
        "a percent-encoded key name": (f"postgresql://postgres{url}&pass%77ord={SECRET}", SECRET),
        "two passwords, the query's winning": (f"postgresql://postgres:First{SECRET}{url}&password={SECRET}",
                                               f"First{SECRET}"),
    }


NAMES = ["a ? and # in the URL's password", "a raw ? and # in the URL's password", "an upper-case scheme",
         "a password= pair", "a quoted password= pair", "an sslpassword= pair", "a password in the query",
         "a percent-encoded key name", "two passwords, the query's winning"]


def run(state: Path, *args: str, store: str | None = None) -> int:
    return main(["--state-dir", str(state), *(["--store", store] if store else []), "--operator", "ci", *args])


def said(capsys) -> str:
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return out + err


def never(secret: str, text: str) -> None:
    for form in {secret, quote(secret, safe=""), secret.split("#")[-1]}:
        assert form not in text, text


@pytest.mark.parametrize("name", NAMES)
def test_no_command_prints_a_password_in_any_spelling(name: str, pg_server: PgServer, pg_url: str, tmp_path: Path,
                                                      capsys, monkeypatch) -> None:
    dbname = pg_url.split("dbname=")[1].split()[0]
    spec, secret = spellings(pg_server, dbname)[name]
    assert run(tmp_path, "store", "init", store=spec) == 0
    assert "created the heypeter-tui tables" in (text := said(capsys))
    never(secret, text)
    assert run(tmp_path, "new", "Release", store=spec) == 0
    for args in (("paths",), ("runs",), ("status",), ("store", "copy", "Release", "--to", spec)):
        assert run(tmp_path, *args, store=spec) == 0, args
        text = said(capsys)
        never(secret, text)
    monkeypatch.setenv("HEYPETER_TUI_STORE", spec)
    assert run(tmp_path, "paths") == 0
    text = said(capsys)
    assert "store\t" in text and "***" in text
    never(secret, text)
    unreachable, _ = spellings(pg_server, dbname, port=1)[name]  # an error naming the store
    assert run(tmp_path, "status", store=unreachable) == 2
    assert "cannot reach the database" in (text := said(capsys))
    never(secret, text)


@pytest.mark.parametrize("name", NAMES)
def test_config_refuses_a_store_with_a_password_in_any_spelling(name: str, pg_server: PgServer, tmp_path: Path,
                                                                capsys) -> None:
    spec, secret = spellings(pg_server, "x")[name]
    config = Path(os.environ["XDG_CONFIG_HOME"]) / "heypeter-tui" / "config.yaml"
    config.parent.mkdir(parents=True)
    config.write_text(f"store: {json.dumps(spec)}\n")
    assert run(tmp_path, "runs") == 2
    text = said(capsys)
    assert "`store:` holds a password; refused" in text and text.count("\n") == 1
    never(secret, text)


@pytest.mark.parametrize("spec", [f"postgresql://postgres:{SECRET}@[::1/db", f"{SECRET} host=/tmp",
                                  f"postgresql:/postgres:{SECRET}@host/db", f"host=/tmp password='{SECRET}"])
def test_a_connection_string_that_cannot_be_parsed_is_never_echoed(spec: str, tmp_path: Path, capsys) -> None:
    for args in (("status",), ("paths",), ("store", "init")):
        assert run(tmp_path, *args, store=spec) == 2
        text = said(capsys)
        assert "connection string cannot be parsed" in text and text.count("\n") == 1, text
        never(SECRET, text)
    config = Path(os.environ["XDG_CONFIG_HOME"]) / "heypeter-tui" / "config.yaml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f"store: {json.dumps(spec)}\n")
    assert run(tmp_path, "runs") == 2
    text = said(capsys)
    assert "`store:` cannot be parsed; refused" in text
    never(SECRET, text)


def test_without_psycopg_a_string_that_may_hold_a_password_is_not_shown_and_config_refuses_it(tmp_path: Path) -> None:
    """The plain install has no libpq parser: read conservatively, a password is still never printed."""
    import subprocess
    import sys

    probe = """
import sys
sys.modules["psycopg"] = None  # as on a plain install: importing it fails
from heypeter_tui.core.store_choice import StoreChoice, choose
from heypeter_tui.core.errors import UserError
for spec in sys.argv[1:]:
    print(StoreChoice("postgres", spec).shown)
    try:
        choose(None, None, spec)
    except UserError as error:
        print(error)
"""
    specs = [f"postgresql://app:p?ss#{SECRET}@db/x", f"host=db pass%77ord={SECRET}", "postgresql://app@db/x"]
    done = subprocess.run([sys.executable, "-c", probe, *specs], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    never(SECRET, done.stdout)
    assert done.stdout.count("holds a password; refused") == 2 and "postgresql://app@db/x" in done.stdout


def test_a_password_that_lost_its_host_is_never_printed_as_a_port(tmp_path: Path, capsys) -> None:
    """`postgresql://deploy:PW` without `@host`: libpq reads the password as a port; it is hidden all the same (the
    walkthrough saw it printed in "cannot reach the database")."""
    assert run(tmp_path, "runs", store=f"postgresql://deploy:{SECRET}") == 2
    text = said(capsys)
    never(SECRET, text)
    assert "port=***" in text and text.count("\n") == 1
