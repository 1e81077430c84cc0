"""`store copy`: a run moves file -> database -> file and its record is word for word the same; copying again adds
nothing; a copy after more work adds just that work; another run of the same id is never merged into."""

from __future__ import annotations

import json
from pathlib import Path

from heypeter_tui.cli import main

FIRST = "code-readiness/all-features-tested-and-approved"
SECOND = "code-readiness/code-review-completed-for-all-changes"


def cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["--operator", "qa-lead", *args])
    out, err = capsys.readouterr()
    return code, out, err


def export(capsys, *store: str) -> str:
    code, out, _ = cli(capsys, *store, "export", "--run", "Release 4.2", "--format", "json")
    assert code == 0
    record = json.loads(out)
    record["summary"].pop("as_of")  # when the record was made, not what it says
    return json.dumps(record, sort_keys=True)


def markdown(capsys, *store: str) -> list[str]:
    code, out, _ = cli(capsys, *store, "export", "--run", "Release 4.2")
    assert code == 0
    return [line for line in out.splitlines() if not line.startswith("- **As of:**")]


def test_a_run_goes_to_a_database_and_back_unchanged(pg_store: str, tmp_path: Path, capsys) -> None:
    offline, archive = ["--state-dir", str(tmp_path / "laptop")], ["--state-dir", str(tmp_path / "archive")]
    assert cli(capsys, *offline, "new", "Release 4.2", "--t0", "2026-12-03 14:00")[0] == 0
    assert cli(capsys, *offline, "mark", FIRST, "done", "--note", "tested on staging")[0] == 0
    assert cli(capsys, *offline, "sign", "QA Lead", "--name", "Quinn")[0] == 0
    original = export(capsys, *offline)

    code, out, _ = cli(capsys, *offline, "store", "copy", "Release 4.2", "--to", pg_store)
    assert code == 0 and "made the run and copied 4 events" in out
    assert export(capsys, "--store", pg_store) == original
    code, out, _ = cli(capsys, *offline, "store", "copy", "Release 4.2", "--to", pg_store)
    assert code == 0 and "holds all of it already (4 events); nothing copied" in out

    assert cli(capsys, "--store", pg_store, "--state-dir", str(tmp_path / "team"), "mark", "--run", "Release 4.2",
               SECOND, "done")[0] == 0  # more work, on the team's database
    with_more = export(capsys, "--store", pg_store)
    code, out, _ = cli(capsys, "--store", pg_store, "store", "copy", "Release 4.2", "--to",
                       str(tmp_path / "archive"))
    assert code == 0 and "copied 5 events" in out
    assert export(capsys, *archive) == with_more
    code, out, _ = cli(capsys, "--store", pg_store, "--state-dir", str(tmp_path / "x"), "store", "copy",
                       "Release 4.2", "--to", str(tmp_path / "laptop"))
    assert code == 0 and "copied 1 event to" in out and "(4 events there already)" in out
    assert export(capsys, *offline) == with_more

    assert markdown(capsys, *offline) == markdown(capsys, *archive) == markdown(capsys, "--store", pg_store)

    laptop_log = next((tmp_path / "laptop" / "runs").glob("*.jsonl")).read_text().splitlines()
    archive_log = next((tmp_path / "archive" / "runs").glob("*.jsonl")).read_text().splitlines()
    ids = [json.loads(line)["id"] for line in laptop_log]
    assert ids == [json.loads(line)["id"] for line in archive_log]  # every event's id, in order
    assert [json.loads(line)["actor"] for line in laptop_log] == [json.loads(line)["actor"] for line in archive_log]


def test_another_run_of_the_same_id_is_refused_and_left_alone(tmp_path: Path, capsys) -> None:
    one, two = ["--state-dir", str(tmp_path / "one")], ["--state-dir", str(tmp_path / "two")]
    cli(capsys, *one, "new", "Release 4.2")
    run_id = next((tmp_path / "one" / "runs").glob("*.jsonl")).stem
    (tmp_path / "two" / "runs").mkdir(parents=True, mode=0o700)
    cli(capsys, *two, "new", "Other")
    other = next((tmp_path / "two" / "runs").glob("*.jsonl"))
    other.rename(other.with_name(f"{run_id}.jsonl"))
    before = (tmp_path / "two" / "runs" / f"{run_id}.jsonl").read_bytes()
    code, _, err = cli(capsys, *one, "store", "copy", run_id, "--to", str(tmp_path / "two"))
    assert code == 2 and "another run of this id is there already; nothing copied" in err
    assert (tmp_path / "two" / "runs" / f"{run_id}.jsonl").read_bytes() == before


def test_store_copy_says_what_it_needs(tmp_path: Path, capsys) -> None:
    code, _, err = cli(capsys, "--state-dir", str(tmp_path), "store", "copy")
    assert code == 2 and "store copy needs the run and where to" in err
    code, _, err = cli(capsys, "--state-dir", str(tmp_path), "store", "init")
    assert code == 2 and "store init sets up a PostgreSQL store" in err


def test_a_run_whose_chain_is_broken_is_not_copied(tmp_path: Path, capsys) -> None:
    """A copy links its events anew: copied, a tampered run would arrive looking whole."""
    one = ["--state-dir", str(tmp_path / "one")]
    cli(capsys, *one, "new", "Release 4.2")
    cli(capsys, *one, "mark", FIRST, "done")
    cli(capsys, *one, "mark", SECOND, "done")
    log = next((tmp_path / "one" / "runs").glob("*.jsonl"))
    log.write_bytes(log.read_bytes().replace(b'"qa-lead"', b'"mallory"', 2))
    code, _, err = cli(capsys, *one, "store", "copy", "Release 4.2", "--to", str(tmp_path / "archive"))
    assert code == 2 and "its hash chain is broken at line " in err and "nothing copied" in err
    assert not (tmp_path / "archive" / "runs").exists() or not list((tmp_path / "archive" / "runs").iterdir())


def test_a_run_whose_last_line_was_edited_since_this_host_saw_it_is_not_copied(tmp_path: Path, capsys) -> None:
    """The chain alone cannot see an edit of its last line; this host's witness can, and `verify` exits 1 for it: a
    copy, linked anew, would arrive verifying clean, so it is refused as a broken chain is."""
    one = ["--state-dir", str(tmp_path / "one")]
    cli(capsys, *one, "new", "Release 4.2")
    cli(capsys, *one, "mark", FIRST, "done", "--note", "tested on staging")
    log = next((tmp_path / "one" / "runs").glob("*.jsonl"))
    *before, last = log.read_bytes().splitlines(keepends=True)
    assert b"tested on staging" in last
    log.write_bytes(b"".join(before) + last.replace(b"tested on staging", b"tested everywhere"))
    code, out, _ = cli(capsys, *one, "verify")
    assert code == 1 and "(this host's witness of the chain)" in out
    code, _, err = cli(capsys, *one, "store", "copy", "Release 4.2", "--to", str(tmp_path / "archive"))
    assert code == 2 and err.count("\n") == 1
    assert "is not what this host saw there: it was changed since" in err and "; nothing copied" in err
    assert not (tmp_path / "archive" / "runs").exists() or not list((tmp_path / "archive" / "runs").iterdir())


def test_a_run_whose_first_line_names_another_run_is_not_copied(tmp_path: Path, capsys) -> None:
    one = ["--state-dir", str(tmp_path / "one")]
    cli(capsys, *one, "new", "Release 4.2")
    log = next((tmp_path / "one" / "runs").glob("*.jsonl"))
    log.rename(log.with_name("20200101-000000-elsewhere.jsonl"))
    code, _, err = cli(capsys, *one, "store", "copy", "20200101-000000-elsewhere", "--to", str(tmp_path / "archive"))
    assert code == 2 and "its first line names another run; nothing copied" in err


def test_a_copy_refused_part_way_by_the_database_says_what_it_wrote(pg_store: str, tmp_path: Path, capsys) -> None:
    """A line PostgreSQL cannot hold (a NUL another program wrote into a note): the run and its first event are made,
    the rest is refused. Said exactly, never "nothing written"."""
    import psycopg

    from heypeter_tui.context import Context
    from heypeter_tui.core.events import new_event

    offline = Context(state_dir=tmp_path / "laptop", operator="qa-lead")
    run_id = offline.create_run("Release 4.2", None)
    session = offline.session(run_id)
    session.store.append(new_event("item.note", offline.actor, offline.clock(), item=FIRST, text="ok"),
                         new_event("item.note", offline.actor, offline.clock(), item=FIRST, text="nul \x00 here"))
    code, out, err = cli(capsys, "--state-dir", str(tmp_path / "laptop"), "store", "copy", run_id, "--to", pg_store)
    assert code == 2 and out == "" and err.count("\n") == 1
    assert f"copied 1 of 3 events of {run_id} to " in err and " before: run " in err
    assert "PostgreSQL cannot keep this" in err and "nothing written" not in err
    with psycopg.connect(pg_store) as conn:
        assert conn.execute("SELECT count(*) FROM events").fetchone()[0] == 1


def test_a_copy_stopped_part_way_by_a_full_disk_says_what_it_wrote(tmp_path: Path, capsys) -> None:
    """On a real tmpfs with room for the run's first line and no more: the run is made, the rest refused."""
    import os

    from tests.unit.test_full_disk import mounted_tmpfs

    laptop = ["--state-dir", str(tmp_path / "laptop")]
    cli(capsys, *laptop, "new", "Release 4.2")
    cli(capsys, *laptop, "mark", FIRST, "done", "--note", "x" * 60000)
    log = next((tmp_path / "laptop" / "runs").glob("*.jsonl"))
    first_line = len(log.read_bytes().split(b"\n")[0]) + 1
    with mounted_tmpfs(tmp_path / "tmpfs", "size=4m,mode=0700") as disk:
        filler = disk / "filler"
        with open(filler, "wb") as file:
            try:
                while True:
                    file.write(b"\0" * 65536)
                    file.flush()
            except OSError:
                pass
        page = os.statvfs(disk).f_bsize
        os.truncate(filler, (filler.stat().st_size // page - -(-first_line // page)) * page)
        code, out, err = cli(capsys, *laptop, "store", "copy", "Release 4.2", "--to", str(disk / "archive"))
        assert code == 2 and out == "" and err.count("\n") == 1
        assert f"copied 1 of 3 events of {log.stem} to {disk / 'archive' / 'runs'} before: disk full" in err
        assert (disk / "archive" / "runs" / log.name).read_bytes() == log.read_bytes()[:first_line]
