"""Files another user planted decide nothing: config.yaml, the allowed signers file it names, themes and checklists
of the config dir are read only when they are the user's own and no one else may write them (the rule trust files
follow, core/paths.py `not_yours`); `-o` into a FIFO only when it is the user's own, and never a hang without a
reader. "Another user" is uid 65534 (nobody), given by chown, which only root may do: those tests need root."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from heypeter_tui.cli import main

needs_root = pytest.mark.skipif(os.getuid() != 0, reason="only root can hand a file to another user")
NOBODY = 65534


@pytest.fixture
def config_dir() -> Path:
    path = Path(os.environ["XDG_CONFIG_HOME"]) / "heypeter-tui"
    path.mkdir(parents=True, exist_ok=True)
    return path


def run(state: Path, *args: str) -> int:
    return main(["--state-dir", str(state), *args])


def planted(path: Path, text: str) -> Path:
    path.write_text(text)
    os.chown(path, NOBODY, NOBODY)
    return path


def one_line(capsys) -> str:
    out, err = capsys.readouterr()
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err


@needs_root
def test_a_config_another_user_planted_chooses_nothing_and_stops_the_command(config_dir: Path, tmp_path: Path,
                                                                             capsys) -> None:
    elsewhere = tmp_path / "their-store"
    config_dir.chmod(0o777)  # a world-writable config dir: anyone could put a config.yaml there
    planted(config_dir / "config.yaml", f"operator: mallory\nstore: {elsewhere}\n")
    for args in (("new", "Release"), ("status",), ("paths",)):
        assert run(tmp_path / "state", *args) == 2
        said = one_line(capsys)
        assert "config.yaml: owned by another user (uid 65534); refused" in said
    assert not elsewhere.exists()  # its store was never chosen, nor anything written there


def test_a_config_others_may_write_is_refused_and_an_own_private_one_is_read(config_dir: Path, tmp_path: Path,
                                                                            capsys) -> None:
    config = config_dir / "config.yaml"
    config.write_text("operator: mallory\n")
    config.chmod(0o666)
    assert run(tmp_path, "new", "Release") == 2
    assert "config.yaml: writable by group or others (chmod go-w); refused" in one_line(capsys)
    config.chmod(0o644)  # readable by others is no harm
    assert run(tmp_path, "new", "Release") == 0
    capsys.readouterr()
    assert run(tmp_path, "export", "--format", "json") == 0
    assert "mallory" in capsys.readouterr().out


@needs_root
def test_an_allowed_signers_file_another_user_owns_is_said_and_not_used(config_dir: Path, tmp_path: Path,
                                                                        capsys) -> None:
    signers = planted(tmp_path / "allowed_signers", "sec@heypeter.example ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA\n")
    (config_dir / "config.yaml").write_text(f"allowed_signers: {signers}\n")
    assert run(tmp_path / "state", "new", "Release") == 0
    capsys.readouterr()
    assert run(tmp_path / "state", "status") == 0
    out, err = capsys.readouterr()
    assert err == (f"heypeter-tui: warning: {signers}: owned by another user (uid 65534); not used as the allowed "
                   "signers file\n")
    assert run(tmp_path / "state", "verify") == 0
    out, err = capsys.readouterr()
    assert "owned by another user" in err


@needs_root
def test_a_checklist_another_user_planted_in_the_config_dir_is_never_read(config_dir: Path, tmp_path: Path,
                                                                          capsys) -> None:
    checklists = config_dir / "checklists"
    checklists.mkdir()
    theirs = planted(checklists / "heypeter-production.yaml",  # it would shadow the built-in one of that name
                     "schema: 1\nid: heypeter-production\ntitle: Planted\nsections:\n  - title: S\n    items: [x]\n")
    assert run(tmp_path, "new", "Release") == 0
    said = capsys.readouterr().err
    assert said == (f"heypeter-tui: warning: {theirs}: owned by another user (uid 65534); refused: a checklist of the "
                    "config dir is read only when it is your own; the built-in heypeter-production is used\n")
    assert run(tmp_path, "status") == 0
    assert "Production Deployment Checklist" in capsys.readouterr().out
    os.rename(theirs, checklists / "ours.yaml")
    assert run(tmp_path, "new", "Other", "--checklist", "ours") == 2
    assert "ours.yaml: owned by another user (uid 65534); refused" in one_line(capsys)
    assert run(tmp_path, "checklists") == 0
    listed = capsys.readouterr().out
    assert f"ours\t(refused: owned by another user (uid 65534))\t{checklists / 'ours.yaml'}" in listed
    assert "Planted" not in listed


@needs_root
def test_a_theme_another_user_planted_is_skipped_with_a_warning(config_dir: Path) -> None:
    from heypeter_tui.ui.themes import load_themes

    themes = config_dir / "themes"
    themes.mkdir()
    planted(themes / "evil.yaml", "name: evil\nprimary: '#ff0000'\n")
    (themes / "mine.yaml").write_text("name: mine\nprimary: '#00ff00'\n")
    loaded, problems = load_themes(config_dir)
    names = {theme.name for theme in loaded}
    assert "mine" in names and "evil" not in names
    assert problems == [f"{themes / 'evil.yaml'}: cannot read theme: owned by another user (uid 65534); refused: "
                        "only your own file, which no one else can change, is read"]


@pytest.fixture
def a_run(tmp_path: Path, capsys) -> Path:
    assert run(tmp_path, "new", "Release") == 0
    capsys.readouterr()
    return tmp_path


def test_export_into_a_fifo_nobody_reads_is_one_line_and_exit_2_at_once(a_run: Path, capsys) -> None:
    fifo = a_run / "record.md"
    os.mkfifo(fifo, 0o600)
    done = subprocess.run([sys.executable, "-m", "heypeter_tui", "--state-dir", str(a_run), "export", "-o", str(fifo)],
                          capture_output=True, text=True, timeout=30)  # it hung here for ever
    assert done.returncode == 2
    assert done.stderr == f"heypeter-tui: {fifo}: a FIFO no process is reading; nothing written\n"


@needs_root
def test_a_fifo_another_user_planted_receives_nothing_even_with_a_reader(a_run: Path, capsys) -> None:
    fifo = a_run / "record.md"
    os.mkfifo(fifo, 0o666)
    os.chown(fifo, NOBODY, NOBODY)
    received: list[bytes] = []
    fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # their reader, waiting
    try:
        assert run(a_run, "export", "-o", str(fifo)) == 2
        assert "a FIFO owned by another user (uid 65534); refused, nothing written" in one_line(capsys)
        with contextlib.suppress(BlockingIOError):  # nothing there to read: the pipe was never written to
            received.append(os.read(fd, 1 << 20))
    finally:
        os.close(fd)
    assert received in ([], [b""])


def test_a_fifo_of_ones_own_with_a_slow_reader_gets_the_whole_record(a_run: Path, capsys) -> None:
    fifo = a_run / "record.md"
    os.mkfifo(fifo, 0o600)
    received: list[bytes] = []

    def slow_reader() -> None:
        with open(fifo, "rb") as stream:
            time.sleep(0.3)  # the writer fills the pipe and must wait, blocking, not fail with EAGAIN
            received.append(stream.read())

    reader = threading.Thread(target=slow_reader)
    reader.start()
    time.sleep(0.2)
    assert run(a_run, "export", "--format", "json", "-o", str(fifo)) == 0
    reader.join(10)
    assert received and len(received[0]) > 65536 and received[0].rstrip().endswith(b"}")
