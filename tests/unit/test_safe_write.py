"""The one safe-write helper and the bounded reader, attacked the ways the issue lists."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from heypeter_tui.cli import main
from heypeter_tui.core.errors import UserError
from heypeter_tui.core.paths import ReadRefused, read_limited, write_private_file
from tests.conftest import REPO


def test_a_new_file_is_whole_and_private_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "record.md"
    write_private_file(target, b"hello")
    assert target.read_bytes() == b"hello"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert stat.S_IMODE(target.parent.stat().st_mode) == 0o700
    assert os.listdir(target.parent) == ["record.md"]


def test_an_existing_wide_file_is_replaced_by_a_private_one(tmp_path: Path) -> None:
    target = tmp_path / "record.md"
    target.write_text("old")
    target.chmod(0o644)
    write_private_file(target, b"new")
    assert target.read_bytes() == b"new" and stat.S_IMODE(target.stat().st_mode) == 0o600


def test_symlinks_planted_at_every_predictable_name_redirect_nothing(tmp_path: Path) -> None:
    """The old helper wrote through `.NAME.PID.tmp`; a link there sent the record into the victim."""
    victim = tmp_path / "victim"
    victim.write_text("precious")
    victim.chmod(0o644)
    target = tmp_path / "record.md"
    for pid in range(max(os.getpid() - 50, 1), os.getpid() + 50):
        (tmp_path / f".record.md.{pid}.tmp").symlink_to(victim)
    write_private_file(target, b"record with contacts")
    assert victim.read_text() == "precious" and stat.S_IMODE(victim.stat().st_mode) == 0o644
    assert target.read_bytes() == b"record with contacts" and not target.is_symlink()


def test_a_link_at_the_target_is_refused_and_its_file_untouched(tmp_path: Path) -> None:
    victim = tmp_path / "authorized_keys"
    victim.write_text("ssh-ed25519 AAAA")
    link = tmp_path / "record.md"
    link.symlink_to(victim)
    for stream in (True, False):
        with pytest.raises(UserError, match="symbolic link"):
            write_private_file(link, b"record", stream=stream)
    assert victim.read_text() == "ssh-ed25519 AAAA" and link.is_symlink()
    dangling = tmp_path / "dangling.md"
    dangling.symlink_to(tmp_path / "nowhere")
    with pytest.raises(UserError, match="symbolic link to nothing"):
        write_private_file(dangling, b"record", stream=True)
    assert not (tmp_path / "nowhere").exists()


def test_a_read_only_target_is_refused_even_for_root(tmp_path: Path) -> None:
    target = tmp_path / "record.md"
    target.write_text("signed copy")
    target.chmod(0o444)
    with pytest.raises(UserError, match="read-only"):
        write_private_file(target, b"new")
    assert target.read_text() == "signed copy"


@pytest.fixture
def null_device(tmp_path: Path) -> Path:
    """A device that swallows what is written to it. Our own /dev/null where we may make one (root): a
    mutant of the safe writer (`make mutate`) that renames over its target must not take the system's."""
    node = tmp_path / "devices" / "null"
    node.parent.mkdir()
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except PermissionError:
        return Path("/dev/null")  # not root: the system's, which we could not replace anyway
    return node


def test_the_programs_own_files_are_never_written_through_a_link_a_fifo_or_a_device(
    tmp_path: Path, null_device: Path
) -> None:
    """`current` planted as a link to a device, or as a FIFO (which hung `new` holding the lock)."""
    device = tmp_path / "current"
    device.symlink_to(null_device)
    with pytest.raises(UserError, match="a symbolic link; refused"):
        write_private_file(device, b"run-id\n")
    fifo = tmp_path / "config.yaml"
    os.mkfifo(fifo)
    with pytest.raises(UserError, match="not a regular file; refused"):
        write_private_file(fifo, b"theme: x\n")
    assert stat.S_ISCHR(os.stat(null_device).st_mode) and stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_new_with_a_planted_current_pointer_makes_nothing(tmp_path: Path, capsys) -> None:
    state = tmp_path / "state"
    assert main(["--state-dir", str(state), "new", "Base"]) == 0
    (state / "current").unlink()
    os.mkfifo(state / "current")
    capsys.readouterr()
    assert main(["--state-dir", str(state), "new", "Second"]) == 2  # at once: no writer is waited for
    assert "not a regular file; refused" in capsys.readouterr().err
    assert len(list((state / "runs").glob("*.jsonl"))) == 1
    (state / "current").unlink()
    (state / "current").symlink_to(next((state / "runs").glob("*.jsonl")).stem)
    assert main(["--state-dir", str(state), "status"]) == 2  # readers never follow it either
    assert "a symbolic link; refused" in capsys.readouterr().err


def test_missing_parents_of_an_export_are_all_private(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "c" / "record.md"
    write_private_file(target, b"x", stream=True)
    for level in (tmp_path / "a", tmp_path / "a" / "b", tmp_path / "a" / "b" / "c"):
        assert stat.S_IMODE(level.stat().st_mode) == 0o700, level


def test_a_directory_target_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="is a directory"):
        write_private_file(tmp_path, b"x")


def test_a_fifo_is_written_into_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # a reader there before the write, whatever the load
    try:
        write_private_file(fifo, b"streamed record", stream=True)
        assert os.read(reader, 100) == b"streamed record"
    finally:
        os.close(reader)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_a_record_in_pieces_reaches_a_fifo_whole(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    expected = b"".join(b"%d," % n for n in range(50_000))
    received = bytearray()
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        thread = threading.Thread(target=lambda: write_private_file(fifo, (b"%d," % n for n in range(50_000)),
                                                                    stream=True))
        thread.start()
        os.set_blocking(reader, True)
        while len(received) < len(expected):  # before the writer opens, a read finds no one: nothing yet
            received += os.read(reader, 1 << 16)
        thread.join()
    finally:
        os.close(reader)
    assert bytes(received) == expected


def test_dev_null_stays_a_device(null_device: Path) -> None:
    write_private_file(null_device, b"nothing", stream=True)
    assert stat.S_ISCHR(os.lstat(null_device).st_mode)
    assert not [name for name in os.listdir(null_device.parent) if name.startswith(".null.")]


def test_export_to_dev_stdout_and_dash_go_to_standard_output(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    state = str(tmp_path / "state")
    base = [sys.executable, "-m", "heypeter_tui", "--state-dir", state]
    subprocess.run([*base, "new", "R"], check=True, capture_output=True, env=env)
    for output in ("/dev/stdout", "-"):
        result = subprocess.run([*base, "export", "-o", output], capture_output=True, text=True, env=env)
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("# Production Deployment Checklist")
        with open(tmp_path / "out.md", "w") as redirected:  # `-o /dev/stdout > out.md`: a link to a file then
            result = subprocess.run([*base, "export", "-o", output], stdout=redirected, env=env)
        assert result.returncode == 0 and (tmp_path / "out.md").read_text().startswith("# Production")
    assert stat.S_ISCHR(os.lstat("/dev/null").st_mode)


def test_export_over_a_planted_link_exits_2_with_one_line(tmp_path: Path, capsys) -> None:
    state = tmp_path / "state"
    assert main(["--state-dir", str(state), "new", "R"]) == 0
    victim = tmp_path / "victim"
    victim.write_text("precious")
    (tmp_path / "record.md").symlink_to(victim)
    capsys.readouterr()
    assert main(["--state-dir", str(state), "export", "-o", str(tmp_path / "record.md")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "symbolic link" in err and victim.read_text() == "precious"


# -- reading ---------------------------------------------------------------------------------------


def test_reading_refuses_a_fifo_at_once_instead_of_hanging(tmp_path: Path) -> None:
    fifo = tmp_path / "checklist.yaml"
    os.mkfifo(fifo)
    with pytest.raises(ReadRefused, match="not a regular file"):
        read_limited(fifo, 100)


def test_reading_stops_at_the_limit_by_reading(tmp_path: Path) -> None:
    with pytest.raises(ReadRefused):
        read_limited(Path("/dev/zero"), 1000)  # stat says 0 bytes; it never ends
    big = tmp_path / "big"
    big.write_bytes(b"x" * 1001)
    with pytest.raises(ReadRefused, match="larger than 1,000 bytes"):
        read_limited(big, 1000)
    assert read_limited(big, 1001) == b"x" * 1001


@pytest.mark.parametrize("command", ["import-md", "validate"])
def test_import_and_validate_of_endless_or_blocking_inputs_exit_2(tmp_path: Path, command: str) -> None:
    fifo = tmp_path / "fifo.md"
    os.mkfifo(fifo)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    for source in ("/dev/zero", str(fifo)):
        result = subprocess.run([sys.executable, "-m", "heypeter_tui", command, source],
                                capture_output=True, text=True, env=env, timeout=30)
        assert result.returncode == 2, result.stderr
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
        assert "not a regular file" in result.stderr


def test_new_with_a_fifo_checklist_exits_2_and_creates_nothing(tmp_path: Path) -> None:
    fifo = tmp_path / "c.yaml"
    os.mkfifo(fifo)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    state = tmp_path / "state"
    result = subprocess.run([sys.executable, "-m", "heypeter_tui", "--state-dir", str(state), "new", "R",
                             "--checklist", str(fifo)], capture_output=True, text=True, env=env, timeout=30)
    assert result.returncode == 2 and "not a regular file" in result.stderr
    assert not list(state.glob("runs/*.jsonl"))


def test_checklists_lists_a_fifo_among_the_users_own_as_invalid_without_hanging(tmp_path: Path) -> None:
    own = tmp_path / "config" / "heypeter-tui" / "checklists"
    own.mkdir(parents=True)
    os.mkfifo(own / "stuck.yaml")
    env = {**os.environ, "PYTHONPATH": str(REPO), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    result = subprocess.run([sys.executable, "-m", "heypeter_tui", "checklists"], capture_output=True, text=True,
                            env=env, timeout=30)
    assert result.returncode == 0
    assert "stuck\t(invalid: " in result.stdout and "not a regular file" in result.stdout
    assert "heypeter-production\t" in result.stdout


def test_each_refusal_of_the_safe_writer_is_said_whole(tmp_path: Path) -> None:
    real = tmp_path / "real.md"
    real.write_text("signed copy")
    planted, dangling, folder = tmp_path / "planted.md", tmp_path / "dangling.md", tmp_path / "folder"
    planted.symlink_to(real)
    dangling.symlink_to(tmp_path / "nowhere")
    folder.mkdir()
    (tmp_path / "to-folder").symlink_to(folder)
    read_only = tmp_path / "read-only.md"
    read_only.write_text("x")
    read_only.chmod(0o444)
    expected = {
        planted: f"{planted}: a symbolic link to {real}; refused (a planted link must not redirect the record): "
                 "give the file's own path",
        dangling: f"{dangling}: a symbolic link to nothing; refused",
        folder: f"{folder}: is a directory",
        tmp_path / "to-folder": f"{tmp_path / 'to-folder'}: is a directory",
        read_only: f"{read_only}: read-only; not replaced (make it writable or choose another file)",
    }
    for path, message in expected.items():
        with pytest.raises(UserError) as raised:
            write_private_file(path, b"new", stream=True)
        assert str(raised.value) == message
    with pytest.raises(UserError) as raised:
        write_private_file(planted, b"new")
    assert str(raised.value) == f"{planted}: a symbolic link; refused (remove it, and this file is made anew)"
    assert real.read_text() == "signed copy" and read_only.read_text() == "x"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["real.md", "planted.md", "dangling.md", "folder", "to-folder", "read-only.md"])  # no temporary left


def test_a_long_name_is_written_through_a_temporary_of_a_bounded_name(tmp_path: Path) -> None:
    target = tmp_path / ("r" * 240 + ".md")
    write_private_file(target, b"whole")
    assert target.read_bytes() == b"whole" and stat.S_IMODE(target.stat().st_mode) == 0o600
    assert list(tmp_path.iterdir()) == [target]
