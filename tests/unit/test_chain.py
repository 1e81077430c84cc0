"""The hash chain: any change to a past line is named by `verify` with its line; an untouched run verifies, also
after concurrent writers; a record's chain head pins it, on both stores."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from heypeter_tui.cli import main

FIRST = "code-readiness/all-features-tested-and-approved"
SECOND = "code-readiness/code-review-completed-for-all-changes"


def cli(capsys, state: Path, *args: str) -> tuple[int, str]:
    code = main(["--state-dir", str(state), "--operator", "qa", *args])
    out, err = capsys.readouterr()
    return code, out + err


@pytest.fixture
def log(tmp_path: Path, capsys) -> Path:
    """A run of 9 lines: created, then marks with notes (two events in one write) and a sign-off."""
    assert cli(capsys, tmp_path, "new", "Chained")[0] == 0
    for n in range(3):
        assert cli(capsys, tmp_path, "mark", FIRST, "done" if n % 2 == 0 else "pending", "--note", f"note {n}")[0] == 0
    assert cli(capsys, tmp_path, "mark", SECOND, "done")[0] == 0
    assert cli(capsys, tmp_path, "sign", "QA Lead", "--name", "Quinn")[0] == 0
    path = next((tmp_path / "runs").glob("*.jsonl"))
    assert len(path.read_bytes().splitlines()) == 9
    return path


def lines(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines(keepends=True)


def rewrite(path: Path, new: list[bytes]) -> None:
    path.write_bytes(b"".join(new))


def verify(capsys, log: Path, *args: str) -> tuple[int, str]:
    return cli(capsys, log.parent.parent, "verify", *args)


def test_an_untouched_run_verifies(capsys, log: Path) -> None:
    code, out = verify(capsys, log)
    assert code == 0 and "chain intact to line 9" in out


@pytest.mark.parametrize("line", [2, 5, 8])
def test_a_byte_edited_in_a_past_line_is_named(capsys, log: Path, line: int) -> None:
    edited = lines(log)
    edited[line - 1] = edited[line - 1].replace(b'"qa"', b'"QA"', 1)  # still a valid event, one byte changed
    rewrite(log, edited)
    code, out = verify(capsys, log)
    assert code == 1 and f"chain broken at line {line + 1}: its link does not match line {line}" in out


def test_a_line_removed_is_named(capsys, log: Path) -> None:
    rewrite(log, [line for n, line in enumerate(lines(log), 1) if n != 4])
    code, out = verify(capsys, log)
    assert code == 1 and "chain broken at line 4: its link does not match line 3" in out


def test_a_line_inserted_is_named(capsys, log: Path) -> None:
    original = lines(log)
    forged = json.loads(original[5])
    forged["id"] = "f" * 32
    rewrite(log, [*original[:6], json.dumps(forged).encode() + b"\n", *original[6:]])
    code, out = verify(capsys, log)
    assert code == 1 and "chain broken at line 7" in out


def test_two_lines_swapped_are_named(capsys, log: Path) -> None:
    original = lines(log)
    rewrite(log, [*original[:3], original[4], original[3], *original[5:]])
    code, out = verify(capsys, log)
    assert code == 1 and "chain broken at line 4" in out


def test_a_log_cut_short_keeps_its_links_but_loses_its_record(capsys, log: Path) -> None:
    """Cut at a line's end, every link left is whole; the record's chain head is what is missing."""
    code, record = cli(capsys, log.parent.parent, "export")
    head = next(line for line in record.splitlines() if "Chain head" in line).split()[4]
    assert verify(capsys, log, "--digest", head)[0] == 0
    (log.parent.parent / "witness").rename(log.parent.parent / "elsewhere")  # as on a host that never saw it
    rewrite(log, lines(log)[:7])
    code, out = verify(capsys, log, "--digest", head)
    assert code == 1 and "chain intact to line 7" in out and f"holds no record with chain head {head}" in out
    # Cut mid-line: the torn line is said, the links before it stand.
    log.write_bytes(log.read_bytes()[:-20])
    code, out = verify(capsys, log)
    assert code == 0 and "incomplete last line" in out
    (log.parent.parent / "elsewhere").rename(log.parent.parent / "witness")  # this host saw line 9: cut short
    code, out = verify(capsys, log)
    assert code == 1 and "this host saw it reach line 9: cut short since" in out


def test_an_earlier_record_is_still_held_after_more_work(capsys, log: Path) -> None:
    head = json.loads(cli(capsys, log.parent.parent, "export", "--format", "json")[1])["integrity"]["chain_head"]
    assert cli(capsys, log.parent.parent, "mark", FIRST, "done")[0] == 0
    code, out = verify(capsys, log, "--digest", f"sha256 {head}")
    assert code == 0 and "unchanged (up to line 9; 1 line after it)" in out
    assert verify(capsys, log, "--digest", "not a digest")[0] == 2


def test_a_log_from_before_the_chain_reads_as_unchained_then_chains(capsys, log: Path) -> None:
    import shutil

    shutil.rmtree(log.parent.parent / "witness")  # written before the chain: no host has a witness of it
    unlinked = []
    for line in lines(log):
        event = json.loads(line)
        event.pop("prev", None)
        unlinked.append(json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode() + b"\n")
    rewrite(log, unlinked)
    code, out = verify(capsys, log)
    assert code == 0 and "unchained up to line 9" in out
    assert cli(capsys, log.parent.parent, "mark", FIRST, "done")[0] == 0
    code, out = verify(capsys, log)
    assert code == 0 and "chain intact to line 10, unchained up to line 9" in out
    rewrite(log, [*lines(log)[:4], lines(log)[4].replace(b"qa", b"QA"), *lines(log)[5:]])
    assert verify(capsys, log)[0] == 0  # before the chain began, nothing links: nothing can be told


WRITER = """
import sys
from heypeter_tui.cli import main
for n in range(int(sys.argv[3])):
    assert main(["--state-dir", sys.argv[1], "--operator", sys.argv[2], "mark", sys.argv[4], "done"]) == 0
"""


def test_concurrent_writers_keep_the_chain_whole(capsys, tmp_path: Path) -> None:
    assert cli(capsys, tmp_path, "new", "Busy")[0] == 0
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path), f"w{n}", "25", FIRST],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) for n in range(4)]
    for writer in writers:
        assert writer.wait(timeout=300) == 0, writer.stderr.read()
    code, out = cli(capsys, tmp_path, "verify")
    assert code == 0 and "chain intact to line 101" in out


def test_the_database_links_every_append_and_a_changed_row_is_named_by_seq(capsys, pg_store: str,
                                                                          tmp_path: Path) -> None:
    store = ["--store", pg_store]
    assert cli(capsys, tmp_path, *store, "new", "Chained")[0] == 0
    writers = [subprocess.Popen([sys.executable, "-c", WRITER.replace('"--state-dir", sys.argv[1]',
                                                                      f'"--store", {pg_store!r}, "--state-dir", '
                                                                      "sys.argv[1]"),
                                 str(tmp_path), f"w{n}", "15", FIRST], stderr=subprocess.PIPE, text=True)
               for n in range(3)]
    for writer in writers:
        assert writer.wait(timeout=300) == 0, writer.stderr.read()
    code, out = cli(capsys, tmp_path, *store, "verify")
    assert code == 0 and "chain intact to line 46" in out
    with psycopg.connect(pg_store, autocommit=True) as conn:  # the owner, past its own guard
        conn.execute("ALTER TABLE events DISABLE TRIGGER events_append_only")
        changed = conn.execute("UPDATE events SET line = replace(line, '\"done\"', '\"pending\"') WHERE seq = 20")
        assert changed.rowcount == 1
    code, out = cli(capsys, tmp_path, *store, "verify")
    assert code == 1 and "chain broken at line 21: its link does not match line 20" in out


def test_this_hosts_witness_catches_what_the_chain_cannot(capsys, log: Path) -> None:
    """The last line edited, or the log cut at a line's end, leave every link whole; the head this host saw is gone."""
    original = log.read_bytes()
    rewrite(log, [*lines(log)[:-1], lines(log)[-1].replace(b"Quinn", b"Mallo")])
    code, out = verify(capsys, log)
    assert code == 1 and "chain intact to line 9" in out and "line 9 is not what this host saw there" in out
    assert cli(capsys, log.parent.parent, "mark", FIRST, "done")[0] == 0  # a writer here keeps the evidence
    assert verify(capsys, log)[0] == 1
    log.write_bytes(original)
    rewrite(log, lines(log)[:6])
    code, out = verify(capsys, log)
    assert code == 1 and "the log ends at line 6, but this host saw it reach line 9" in out


def test_a_record_is_not_held_once_a_line_before_its_head_was_changed(capsys, log: Path) -> None:
    head = json.loads(cli(capsys, log.parent.parent, "export", "--format", "json")[1])["integrity"]["chain_head"]
    edited = lines(log)
    edited[2] = edited[2].replace(b"}", b',"x":1}', 1)  # line 3 edited: every later line's own hash is as it was
    rewrite(log, edited)
    code, out = verify(capsys, log, "--digest", head)
    assert code == 1 and "the chain breaks before it (at line 4)" in out and "not held unchanged" in out
