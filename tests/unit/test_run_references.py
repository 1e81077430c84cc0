"""A reference names one run or none: an exact id, else a unique prefix of an id or a title; whatever could name two
runs (an id that is another run's title, a title two runs share, a prefix of two ids) is refused, naming both.

In a database anyone with the README's grants may add a run and choose its id: adding one must never make a pinned
reference (`--run`, HEYPETER_TUI_RUN, `open`, `store copy`) name theirs. Real PostgreSQL, real roles, real commands.
"""

from __future__ import annotations

import itertools
import json
import os
from pathlib import Path

import psycopg
import pytest

from heypeter_tui.cli import main
from heypeter_tui.core.errors import UserError
from tests.pgserver import PgServer
from tests.unit.test_pg_store import readme_grants

_roles = itertools.count(1)


def test_an_id_that_is_another_runs_title_names_neither(context, clock) -> None:
    first = context.create_run("Release", None)
    clock.advance(minutes=1)
    second = context.create_run(first, None)  # titled with the first one's id
    with pytest.raises(UserError) as refused:
        context.workspace.resolve(first)
    said = str(refused.value)
    assert said == (f"{first!r} names 2 runs ({first}: its id; {second}: its title); an id that is another run's "
                    "title, or the start of another run's id, names neither: `heypeter-tui runs` says who made each")
    assert context.workspace.resolve(second) == second and context.workspace.resolve("release") == first


def test_a_title_two_runs_share_names_neither_and_an_exact_id_beats_its_own_numbered_twin(context, clock) -> None:
    one, two = context.create_run("Same", None), context.create_run("Same", None)
    assert two == f"{one}-2"  # made in one second: numbered as this program numbers them
    assert context.workspace.resolve(one) == one and context.workspace.resolve(two) == two
    with pytest.raises(UserError, match=r"^'same' names 2 runs \(") as refused:
        context.workspace.resolve("same")
    assert f"{one}: its title" in str(refused.value) and f"{two}: its title" in str(refused.value)


def test_a_refusal_is_one_clean_line_at_exit_2(context, clock, state_dir: Path, capsys) -> None:
    context.create_run("Release", None)
    context.create_run("release", None)
    capsys.readouterr()
    assert main(["--state-dir", str(state_dir), "--run", "RELEASE", "status", "--gate"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and "names 2 runs" in err


# -- in PostgreSQL, against a database user with the README's grants ------------------------------------------------

EVIL = """schema: 1
id: evil
title: Evil
sections:
  - id: s
    title: S
    items:
      - id: i
        text: Looks harmless
        check: touch '{marker}'
signoffs: [Tech Lead]
"""


def limited_role(server: PgServer, store: str, name: str) -> str:
    """A login role with exactly the README's grants on the store's database: its conninfo."""
    role = f"{name}_{next(_roles)}"
    server.create_role(role)
    dbname = psycopg.conninfo.conninfo_to_dict(store)["dbname"]
    readme_grants(server, dbname, role)
    return server.conninfo(dbname, user=role)


def run_as(state: Path, store: str, *args: str) -> int:
    return main(["--state-dir", str(state), "--store", store, "--operator", "someone", *args])


def plant_run(as_attacker: str, state: Path, checklist: Path, run_id: str) -> None:
    """What an attacker with INSERT does: make a run of their own checklist with the CLI, then insert its first line
    again under an id of their choosing, claiming someone else made it."""
    assert run_as(state, as_attacker, "new", "Harmless", "--checklist", str(checklist)) == 0
    with psycopg.connect(as_attacker, autocommit=True) as conn:
        (line,) = conn.execute("SELECT line FROM events WHERE seq = 1").fetchone()
        first = json.loads(line)
        first["run"] = run_id
        conn.execute("INSERT INTO runs (id, title, checklist, created, created_by) "
                     "VALUES (%s, 'Harmless', 'evil', now(), 'deploy')", (run_id,))
        conn.execute("SELECT heypeter_append(%s, ARRAY[%s], ARRAY[now()])",
                     (run_id, json.dumps(first, separators=(",", ":"))))


def test_a_database_user_who_adds_a_run_named_as_the_team_runs_title_cannot_take_it(
        pg_server: PgServer, pg_store: str, tmp_path: Path, capsys, monkeypatch) -> None:
    team, attacker = limited_role(pg_server, pg_store, "deploy"), limited_role(pg_server, pg_store, "mallory")
    team_user, attacker_user = (psycopg.conninfo.conninfo_to_dict(c)["user"] for c in (team, attacker))
    assert run_as(tmp_path / "team", team, "new", "release-4.2") == 0
    team_run = capsys.readouterr().out.split()[2]  # "created run ID (now current)"
    marker = tmp_path / "pwned"
    evil = tmp_path / "evil.yaml"
    evil.write_text(EVIL.format(marker=marker))
    plant_run(attacker, tmp_path / "mallory", evil, "release-4.2")
    with psycopg.connect(attacker) as conn:  # the server says who made each run, whatever the client claimed
        made = dict(conn.execute("SELECT id, created_by FROM runs").fetchall())
    assert made["release-4.2"] == attacker_user and made[team_run] == team_user
    capsys.readouterr()

    both = (f"'release-4.2' names 2 runs (release-4.2: its id, made by {attacker_user}; {team_run}: its title, made "
            f"by {team_user}); an id that is another run's title, or the start of another run's id, names neither: "
            "`heypeter-tui runs` says who made each")
    assert run_as(tmp_path / "team", team, "--run", "release-4.2", "status", "--gate") == 2
    assert capsys.readouterr() == ("", f"heypeter-tui: {both}\n")
    monkeypatch.setenv("HEYPETER_TUI_RUN", "release-4.2")
    assert run_as(tmp_path / "team", team, "trust", "--yes") == 2
    assert capsys.readouterr().err == f"heypeter-tui: {both}\n"
    assert run_as(tmp_path / "team", team, "check", "--all") == 2
    assert capsys.readouterr().err == f"heypeter-tui: {both}\n"
    assert run_as(tmp_path / "team", team, "open", "release-4.2") == 2
    assert run_as(tmp_path / "team", team, "store", "copy", "release-4.2", "--to", str(tmp_path / "archive")) == 2
    assert capsys.readouterr().err == f"heypeter-tui: {both}\nheypeter-tui: {both}\n"
    assert not marker.exists() and not (Path(os.environ["XDG_CONFIG_HOME"]) / "heypeter-tui" / "trusted").exists()

    monkeypatch.setenv("HEYPETER_TUI_RUN", team_run)  # the team's full id still names the team's run alone
    capsys.readouterr()
    assert run_as(tmp_path / "team", team, "status", "--gate") == 1
    assert "NO-GO" in capsys.readouterr().out

    prefix = team_run[:15]  # what a pipeline may pin: a prefix of the team run's id, the full id
    with psycopg.connect(attacker, autocommit=True) as conn:
        conn.execute("INSERT INTO runs (id, title, checklist, created) VALUES (%s, 'x', 'evil', now())",
                     (f"{prefix}-evil",))
        conn.execute("INSERT INTO runs (id, title, checklist, created) VALUES ('other', %s, 'evil', now())",
                     (team_run,))
    for reference, planted in ((prefix, f"{prefix}-evil: a prefix of its id"), (team_run, "other: its title")):
        monkeypatch.setenv("HEYPETER_TUI_RUN", reference)
        assert run_as(tmp_path / "team", team, "status", "--gate") == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and f"{planted}, made by {attacker_user}" in err and team_run in err


def test_runs_shows_who_made_each_database_run(pg_server: PgServer, pg_store: str, tmp_path: Path, capsys) -> None:
    team = limited_role(pg_server, pg_store, "deploy")
    assert run_as(tmp_path, team, "new", "Release") == 0
    capsys.readouterr()
    assert run_as(tmp_path, team, "runs") == 0
    header, row = capsys.readouterr().out.splitlines()
    assert header.split()[-1] == "BY" and row.split()[-1] == psycopg.conninfo.conninfo_to_dict(team)["user"]
    assert main(["--state-dir", str(tmp_path / "files"), "new", "Local"]) == 0
    capsys.readouterr()
    assert main(["--state-dir", str(tmp_path / "files"), "runs"]) == 0
    assert "BY" not in capsys.readouterr().out.splitlines()[0]  # a file run: its maker is the log's owner


def test_an_exact_id_that_begins_another_runs_id_names_neither(context, clock) -> None:
    """A pipeline pins the team run by a prefix of its id; someone adds a run whose id is that very prefix: the
    reference names both and is refused (found by the walkthrough: the planted run's exact id won)."""
    from heypeter_tui.core.events import RUN_CREATED, new_event

    team = context.create_run("Release", None)
    prefix = team[: len(team) - 3]
    assert context.workspace.resolve(prefix) == team
    created = next(iter(context.workspace.store(team).load()))
    planted = new_event(RUN_CREATED, created.actor, clock(), **{**created.data, "run": prefix, "title": "decoy"})
    assert context.workspace.add_run(prefix, planted)
    with pytest.raises(UserError, match="names 2 runs") as refused:
        context.workspace.resolve(prefix)
    assert team in str(refused.value) and "the start of another run's id" in str(refused.value)
    assert context.workspace.resolve(team) == team
