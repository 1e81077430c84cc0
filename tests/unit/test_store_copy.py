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
