"""The safe writer's and the bounded reader's rarer refusals, each said whole: what a person reads when a
path is odd, a disk read-only, or a temporary name already taken by someone else."""

from __future__ import annotations

import errno
import os
import stat
import subprocess
from pathlib import Path

import pytest

from heypeter_tui.core import paths
from heypeter_tui.core.errors import UserError
from heypeter_tui.core.paths import ReadRefused, describe_os_error, ensure_private_dir, read_limited, write_private_file
from tests.unit.test_full_disk import fill, mounted_tmpfs


def refusal(path: Path, **options: bool) -> str:
    with pytest.raises(ReadRefused) as raised:
        read_limited(path, 100, **options)
    return str(raised.value)


def test_the_reader_says_which_kind_of_path_it_refuses(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "real").write_text("x")
    (tmp_path / "link").symlink_to(tmp_path / "real")
    assert refusal(tmp_path) == "is a directory"
    assert refusal(tmp_path / "fifo") == "not a regular file (a FIFO, device or socket); refused"
    assert refusal(tmp_path / "link", follow=False) == "a symbolic link; refused"
    assert read_limited(tmp_path / "link", 100) == b"x"  # followed where the caller allows it


def test_a_file_larger_than_one_read_is_read_whole(tmp_path: Path) -> None:
    data = os.urandom(3 << 20) + b"end"
    (tmp_path / "big").write_bytes(data)
    assert read_limited(tmp_path / "big", len(data)) == data
    with pytest.raises(ReadRefused, match=f"larger than {len(data) - 1:,} bytes"):
        read_limited(tmp_path / "big", len(data) - 1)


def test_a_path_that_is_not_a_directory_is_said_so(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    for path in (tmp_path / "file", tmp_path / "file" / "below"):
        with pytest.raises(UserError) as raised:
            ensure_private_dir(path)
        assert str(raised.value) == f"{path}: not a directory"


def test_our_directory_with_any_right_for_others_is_narrowed_and_anothers_left_alone(tmp_path: Path) -> None:
    ours = tmp_path / "ours"
    ours.mkdir()
    ours.chmod(0o677)  # no search right for the owner, every right for the group and the rest
    assert stat.S_IMODE(ensure_private_dir(ours).stat().st_mode) == 0o700
    theirs = tmp_path / "theirs"
    theirs.mkdir(mode=0o755)
    theirs.chmod(0o755)
    os.chown(theirs, 65534, 65534)  # root may narrow it, and must not: a shared folder named by a person
    if theirs.stat().st_uid != 65534:
        pytest.fail("cannot give a folder to another user here (the tests run as root)")
    ensure_private_dir(theirs)
    assert stat.S_IMODE(theirs.stat().st_mode) == 0o755


def test_a_read_only_file_on_a_read_only_disk_is_said_as_the_disk(tmp_path: Path) -> None:
    with mounted_tmpfs(tmp_path / "disk", "size=1m,mode=0700") as disk:
        (disk / "record.md").write_text("signed")
        (disk / "record.md").chmod(0o444)
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        with pytest.raises(OSError) as raised:
            write_private_file(disk / "record.md", b"new")
        assert raised.value.errno == errno.EROFS
        assert describe_os_error(raised.value) == f"{disk / 'record.md'}: read-only file system"


@pytest.mark.parametrize("mode", [0o444, 0o400, 0o551])
def test_a_file_without_write_rights_is_not_replaced_even_by_root(tmp_path: Path, mode: int) -> None:
    target = tmp_path / "record.md"
    target.write_text("signed")
    target.chmod(mode)
    with pytest.raises(UserError, match="read-only; not replaced"):
        write_private_file(target, b"new")
    assert target.read_text() == "signed"


def test_a_write_that_fails_names_the_file_asked_for_not_its_temporary(tmp_path: Path) -> None:
    with mounted_tmpfs(tmp_path / "disk", "size=1m,mode=0700") as disk:
        fill(disk)
        with pytest.raises(OSError) as raised:
            write_private_file(disk / "record.md", b"x" * 200_000)
        assert raised.value.errno == errno.ENOSPC and raised.value.filename == str(disk / "record.md")
        assert sorted(p.name for p in disk.iterdir()) == ["filler"]


def test_a_temporary_name_taken_by_a_planted_link_is_never_followed(tmp_path: Path, monkeypatch) -> None:
    """The temporary's name is random; were it guessed, the link planted there is refused, not written through,
    and after a hundred tries the write fails and says where."""
    victim = tmp_path / "victim"
    victim.write_text("untouched")
    target = tmp_path / ("r" * 150)
    planted = tmp_path / f".{'r' * 100}.{'00' * 6}.tmp"
    planted.symlink_to(victim)
    tries: list[int] = []
    monkeypatch.setattr(paths.os, "urandom", lambda n: tries.append(n) or bytes(n))
    with pytest.raises(OSError) as raised:
        write_private_file(target, b"new")
    assert victim.read_text() == "untouched" and not target.exists() and len(tries) == 100
    assert (raised.value.errno, raised.value.strerror) == (errno.EEXIST, "could not create a temporary file")
    assert raised.value.filename == str(target)
