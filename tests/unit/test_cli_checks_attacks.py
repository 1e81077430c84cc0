"""`heypeter-tui check` under attack and in bad weather (found by an attacker's pass): a log replaced between two
checks runs nothing new, a lost terminal (SIGHUP) cancels and records, and a reader that goes away (`| head`) stops
neither the checks nor an honest exit status."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from heypeter_tui.cli import main
from tests.conftest import REPO

TWO_STEPS = """schema: 1
id: twosteps
title: Two Steps
sections:
  - id: s
    title: S
    items:
      - id: first
        text: First waits for its go
        check: {{run: "touch '{d}/started'; while [ ! -e '{d}/go' ]; do sleep 0.02; done", timeout: 30s}}
      - id: second
        text: Second
        check: echo {word} >> '{d}/ran'
"""


def cli(state_dir: Path, *args: str) -> int:
    return main(["--state-dir", str(state_dir), *args])


def heypeter(state_dir: Path, *args: str, **options) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "heypeter_tui", "--state-dir", str(state_dir), *args], cwd=REPO,
                            **options)


def wait_for(path: Path, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 20
    while not path.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert path.exists(), "the first check never started"


def run_ids(state_dir: Path) -> list[str]:
    return sorted(path.name.removesuffix(".jsonl") for path in (state_dir / "runs").glob("*.jsonl"))


def test_a_log_replaced_between_two_checks_runs_nothing_that_was_not_trusted(state_dir: Path, tmp_path: Path,
                                                                             capsys) -> None:
    honest, evil = tmp_path / "honest.yaml", tmp_path / "evil.yaml"
    honest.write_text(TWO_STEPS.format(d=tmp_path, word="C"))
    evil.write_text(TWO_STEPS.format(d=tmp_path, word="EVIL"))
    assert cli(state_dir, "--checklist", str(honest), "new", "Honest") == 0
    (trusted_run,) = run_ids(state_dir)
    assert cli(state_dir, "--run", trusted_run, "trust", "--yes") == 0
    assert cli(state_dir, "--checklist", str(evil), "new", "Evil") == 0  # its commands: never trusted
    (other_run,) = set(run_ids(state_dir)) - {trusted_run}
    capsys.readouterr()
    process = heypeter(state_dir, "--run", trusted_run, "check", "--all", stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    try:
        wait_for(tmp_path / "started", process)
        log = state_dir / "runs" / f"{trusted_run}.jsonl"
        forged = log.with_suffix(".forged")
        forged.write_bytes((state_dir / "runs" / f"{other_run}.jsonl").read_bytes())
        os.replace(forged, log)  # another writer swaps the whole log while the first check runs
        (tmp_path / "go").touch()
        out, err = process.communicate(timeout=30)
    finally:
        process.kill()
    assert not (tmp_path / "ran").exists() or "EVIL" not in (tmp_path / "ran").read_text()
    assert process.returncode == 2 and b"checklist changed while its checks ran" in err


def test_a_lost_terminal_cancels_the_check_and_records_the_cancel(state_dir: Path, tmp_path: Path, capsys) -> None:
    steps = tmp_path / "steps.yaml"
    steps.write_text(TWO_STEPS.format(d=tmp_path, word="C"))
    assert cli(state_dir, "--checklist", str(steps), "new", "R") == 0
    assert cli(state_dir, "trust", "--yes") == 0
    process = heypeter(state_dir, "check", "s/first", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(tmp_path / "started", process)
        process.send_signal(signal.SIGHUP)  # the SSH session dropped
        assert process.wait(10) == 130
    finally:
        process.kill()
    capsys.readouterr()
    assert cli(state_dir, "export", "--format", "json") == 0
    events = json.loads(capsys.readouterr().out)["events"]
    assert [e["outcome"] for e in events if e["type"] == "item.check"] == ["cancelled"]


def test_a_reader_gone_stops_neither_the_checks_nor_an_honest_exit(state_dir: Path, tmp_path: Path, capsys) -> None:
    steps = tmp_path / "steps.yaml"
    steps.write_text(TWO_STEPS.format(d=tmp_path, word="C").replace(
        "while [ ! -e", "seq 1 100000; while [ ! -e").replace("echo C >>", "exit 3; echo C >>"))
    (tmp_path / "go").touch()
    assert cli(state_dir, "--checklist", str(steps), "new", "R") == 0
    assert cli(state_dir, "trust", "--yes") == 0
    read, write = os.pipe()
    process = heypeter(state_dir, "check", "--all", stdout=write, stderr=subprocess.DEVNULL)
    os.close(write)
    os.read(read, 100)  # `| head -c 100`: read a little, then go away
    os.close(read)
    assert process.wait(30) == 1  # the second check failed: not the 0 of a broken pipe
    capsys.readouterr()
    assert cli(state_dir, "export", "--format", "json") == 0
    events = json.loads(capsys.readouterr().out)["events"]
    assert [e["outcome"] for e in events if e["type"] == "item.check"] == ["passed", "failed"]
