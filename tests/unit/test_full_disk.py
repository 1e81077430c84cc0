"""A full disk and a read-only file system, on a real tmpfs: one line, nothing half-written, reading works."""

from __future__ import annotations

import errno
import json
import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from heypeter_tui.cli import main

FIRST = "code-readiness/all-features-tested-and-approved"


@contextmanager
def mounted_tmpfs(mount_point: Path, options: str) -> Iterator[Path]:
    """A tmpfs of its own; skipped (with the reason) where this process may not mount one."""
    mount_point.mkdir()
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(mount_point)],
                            capture_output=True, text=True)
    if result.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {result.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], capture_output=True)


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    with mounted_tmpfs(tmp_path / "tmpfs", "size=2m,mode=0700") as mount_point:
        yield mount_point


def fill(directory: Path) -> None:
    """Write until the file system says it is full."""
    with open(directory / "filler", "wb") as file:
        try:
            while True:
                file.write(b"\0" * 65536)
                file.flush()
        except OSError as error:
            assert error.errno == errno.ENOSPC


def cli(state: Path, *args: str) -> int:
    return main(["--state-dir", str(state), "--operator", "ci", *args])


def test_a_full_disk_loses_nothing_and_writes_nothing_half(tmpfs: Path, capsys) -> None:
    state = tmpfs / "state"
    assert cli(state, "new", "Release") == 0
    log = next((state / "runs").glob("*.jsonl"))
    fill(tmpfs)
    before = log.read_bytes()
    capsys.readouterr()
    assert cli(state, "mark", FIRST, "done", "--note", "x" * 60000) == 2  # status and note: all or nothing
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "disk full" in err
    assert log.read_bytes() == before
    assert cli(state, "status") == 0 and cli(state, "export") == 0  # reading needs no space
    assert "# Production Deployment Checklist" in capsys.readouterr().out
    assert cli(state, "export", "-o", str(tmpfs / "record.md")) == 2
    assert "disk full" in capsys.readouterr().err and not [p for p in tmpfs.iterdir() if p.name.startswith(".rec")]


def test_a_torn_line_on_a_full_disk_is_not_set_aside_as_an_empty_file(tmpfs: Path, capsys) -> None:
    state = tmpfs / "state"
    assert cli(state, "new", "Release") == 0
    log = next((state / "runs").glob("*.jsonl"))
    with open(log, "ab") as file:
        file.write(b'{"id":"torn","ts":"20')
    fill(tmpfs)
    capsys.readouterr()
    assert cli(state, "mark", FIRST, "done", "--note", "x" * 60000) == 2  # a writer tries to set the line aside
    err = capsys.readouterr().err
    assert not list((state / "runs").glob("*.torn-*")) and not list((state / "runs").glob(".*"))
    assert ":2: incomplete last line at byte" in err and "could not be set aside in " in err and "(disk full" in err


def test_a_read_only_state_dir_can_be_read(tmpfs: Path, capsys) -> None:
    state = tmpfs / "state"
    assert cli(state, "new", "Release") == 0
    assert cli(state, "mark", FIRST, "done") == 0
    subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], check=True)
    capsys.readouterr()
    assert cli(state, "status") == 0
    assert "1/83 complete" in capsys.readouterr().out
    assert cli(state, "export", "--format", "json") == 0 and cli(state, "runs") == 0
    capsys.readouterr()
    assert cli(state, "mark", "Final code review", "done") == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "read-only file system" in err
    assert os.statvfs(tmpfs).f_flag & os.ST_RDONLY


def test_a_run_that_cannot_be_made_current_is_not_left_behind(tmp_path: Path, capsys) -> None:
    """Out of inodes: the log fits, the new `current` pointer does not. No half-made run stays."""
    with mounted_tmpfs(tmp_path / "inodes", "size=2m,nr_inodes=5") as mount_point:
        state = mount_point / "state"
        assert cli(state, "new", "Release") == 2
        err = capsys.readouterr().err
        assert err == f"heypeter-tui: {state / 'current'}: disk full: free some space and try again\n"
        assert list((state / "runs").iterdir()) == []


def test_a_witness_that_cannot_be_kept_is_said_and_the_change_is_kept(tmp_path: Path, capsys) -> None:
    """This host's witness on a full file system of its own (the log has room): the mark is recorded, and stderr
    says the witness was not kept, rather than letting it silently stop advancing. Once there is room it is kept."""
    state = tmp_path / "state"
    state.mkdir(mode=0o700)
    with mounted_tmpfs(state / "witness", "size=1m,mode=0700") as witness:
        fill(witness)
        assert cli(state, "new", "Release") == 0
        run_id = next((state / "runs").glob("*.jsonl")).stem
        capsys.readouterr()
        assert cli(state, "mark", FIRST, "done") == 0
        out, err = capsys.readouterr()
        assert "done" in out and err.count("\n") == 1
        assert err == (f"heypeter-tui: warning: {witness / run_id}.json: this host's witness of the chain was not kept "
                       "(disk full: free some space and try again): until it is, `verify` here cannot tell an edit of "
                       "the run's latest lines\n")
        assert cli(state, "status") == 0 and "warning" not in capsys.readouterr().err  # a reader writes nothing
        (witness / "filler").unlink()
        assert cli(state, "mark", "Final code review", "done") == 0
        assert capsys.readouterr().err == ""
        assert json.loads((witness / f"{run_id}.json").read_text())["line"] == 3
