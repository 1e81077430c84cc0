"""The run log at its edges: refused when planted or shared, pinned runs, a log replaced under a reader."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

from heypeter_tui.cli import main
from heypeter_tui.core.errors import UserError
from heypeter_tui.core.events import Actor, new_event
from heypeter_tui.core.store import RunStore
from tests.conftest import REPO, created_event

ACTOR = Actor("alice", "alice", "host")
NOW = datetime(2026, 12, 3, 12, 0, tzinfo=timezone.utc)
FIRST = "code-readiness/all-features-tested-and-approved"


def cli(state_dir: Path, *args: str) -> int:
    return main(["--state-dir", str(state_dir), *args])


def new_run(state_dir: Path, title: str = "Release") -> str:
    assert cli(state_dir, "new", title) == 0
    return (state_dir / "current").read_text().strip()


def one_line_error(capsys, *expected: str) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    for text in expected:
        assert text in err, err
    return err


# -- refused logs --------------------------------------------------------------------------------


def test_a_log_that_is_a_symlink_is_refused_for_reading_and_appending(tmp_path: Path) -> None:
    real = tmp_path / "elsewhere.jsonl"
    RunStore.create(real, created_event(ACTOR, NOW))
    link = tmp_path / "run.jsonl"
    link.symlink_to(real)
    before = real.read_bytes()
    with pytest.raises(UserError, match="symbolic link"):
        RunStore(link).load()
    with pytest.raises(UserError, match="symbolic link"):
        RunStore(link).append(new_event("item.note", ACTOR, NOW, item="a/b", text="x"))
    assert real.read_bytes() == before


def test_a_log_others_may_write_or_that_is_not_a_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "run.jsonl"
    RunStore.create(path, created_event(ACTOR, NOW))
    path.chmod(0o666)
    with pytest.raises(UserError, match="may be written by others"):
        RunStore(path).load()
    fifo = tmp_path / "fifo.jsonl"
    os.mkfifo(fifo, 0o600)
    with pytest.raises(UserError, match="not a regular file"):
        RunStore(fifo).load()  # and it does not hang


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another user needs root")
def test_a_log_of_another_user_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "run.jsonl"
    RunStore.create(path, created_event(ACTOR, NOW))
    os.chown(path, 65534, 65534)
    with pytest.raises(UserError, match="belongs to another user"):
        RunStore(path).append(new_event("item.note", ACTOR, NOW, item="a/b", text="x"))


def test_a_current_pointer_out_of_the_state_dir_is_never_followed(tmp_path: Path, capsys) -> None:
    state, other = tmp_path / "state", tmp_path / "other"
    new_run(state)
    other_id = new_run(other, "Other team")
    (state / "current").write_text(f"../../other/runs/{other_id}\n")
    capsys.readouterr()
    assert cli(state, "mark", FIRST, "done") == 2
    one_line_error(capsys, "does not name a run")
    assert "item.status" not in next((other / "runs").glob("*.jsonl")).read_text()


# -- pinned runs and missing logs ----------------------------------------------------------------


def test_a_missing_current_log_is_an_error_never_a_new_run(tmp_path: Path, capsys) -> None:
    state = tmp_path / "state"
    run_id = new_run(state)
    (state / "runs" / f"{run_id}.jsonl").unlink()
    capsys.readouterr()
    for args in (("mark", FIRST, "done"), ("status", "--gate"), ("export",), ("sign", "QA Lead", "--name", "Q")):
        assert cli(state, *args) == 2
        one_line_error(capsys, "has no log", run_id)
    assert not list((state / "runs").glob("*.jsonl"))


def test_commands_never_start_a_run_of_their_own(tmp_path: Path, capsys) -> None:
    state = tmp_path / "state"
    assert cli(state, "mark", FIRST, "done") == 2
    one_line_error(capsys, "no runs yet")
    assert not (state / "runs").exists() or not list((state / "runs").iterdir())


def test_run_and_the_environment_pin_the_run_whatever_is_current(tmp_path: Path, capsys, monkeypatch) -> None:
    state = tmp_path / "state"
    pinned = new_run(state, "Release 2.4.0")
    new_run(state, "Someone else's run")  # now current
    assert cli(state, "--run", "Release 2.4.0", "mark", FIRST, "done") == 0
    monkeypatch.setenv("HEYPETER_TUI_RUN", pinned)
    assert cli(state, "mark", "Final code review", "done") == 0
    capsys.readouterr()
    assert cli(state, "status", "--json") == 0
    assert '"title": "Release 2.4.0"' in capsys.readouterr().out
    monkeypatch.delenv("HEYPETER_TUI_RUN")
    log = (state / "runs" / f"{pinned}.jsonl").read_text()
    assert FIRST in log and "final-code-review" in log
    current = (state / "current").read_text().strip()
    assert current != pinned and "item.status" not in (state / "runs" / f"{current}.jsonl").read_text()
    assert cli(state, "--run", "no such run", "status") == 2
    one_line_error(capsys, "no run 'no such run'")


def test_six_new_runs_of_one_title_at_once_all_succeed(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "heypeter_tui", "--state-dir", str(tmp_path / "s"), "new", "Same title"]
    processes = [subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True) for _ in range(6)]
    errors = [process.communicate(timeout=60)[1] for process in processes]
    assert [process.returncode for process in processes] == [0] * 6, errors
    assert len(list((tmp_path / "s" / "runs").glob("*.jsonl"))) == 6


# -- following truthfully ------------------------------------------------------------------------


def test_a_log_replaced_or_truncated_under_a_reader_is_read_again_from_the_top(tmp_path: Path) -> None:
    path = tmp_path / "run.jsonl"
    writer = RunStore.create(path, created_event(ACTOR, NOW))
    backup = path.read_bytes()
    for n in range(3):
        writer.append(new_event("item.note", ACTOR, NOW, item="a/b", text=f"note {n}"))
    reader = RunStore(path)
    assert len(reader.load()) == 4
    # A backup restored over it (a new file, renamed into place), with one event of its own.
    restored = tmp_path / "restored"
    restored.write_bytes(backup)
    restored.chmod(0o600)
    RunStore(restored).append(new_event("item.status", ACTOR, NOW, item="a/b", status="done"))
    os.replace(restored, path)
    events = reader.read_new()
    assert reader.restarted and [e.type for e in events] == ["run.created", "item.status"]
    # Truncated in place, then rewritten longer than before: same file, same size or more.
    with open(path, "r+b") as file:
        file.truncate(len(backup))
    writer.append(new_event("item.note", ACTOR, NOW, item="a/b", text="x" * 300))
    events = reader.read_new()
    assert reader.restarted and [e.type for e in events] == ["run.created", "item.note"]
    assert reader.read_new() == [] and not reader.restarted


def test_an_edit_in_place_that_keeps_the_size_and_the_last_bytes_is_read_again(tmp_path: Path) -> None:
    path = tmp_path / "run.jsonl"
    writer = RunStore.create(path, created_event(ACTOR, NOW))
    for text in ("first", "second"):
        writer.append(new_event("item.note", ACTOR, NOW, item="a/b", text=text))
    reader = RunStore(path)
    assert [e.get("text") for e in reader.load()] == [None, "first", "second"]
    os.chmod(path, 0o600)  # the ctime moves, the bytes do not: nothing to read again
    assert reader.read_new() == [] and not reader.restarted
    with open(path, "r+b") as file:  # "first" becomes "FIRST" where it lies: same size, same last bytes
        data = file.read()
        file.seek(data.index(b'"first"'))
        file.write(b'"FIRST"')
    events = reader.read_new()
    assert reader.restarted and [e.get("text") for e in events] == [None, "FIRST", "second"]
    assert "replaced or cut short" in reader.restart_why
    assert reader.read_new() == [] and not reader.restarted


def log_ending_in_a_torn_line(directory: Path, torn: bytes) -> tuple[Path, int]:
    """A run's log whose last line a killed writer cut off: the log, and the byte offset the torn line starts at."""
    path = directory / "run.jsonl"
    RunStore.create(path, created_event(ACTOR, NOW))
    offset = path.stat().st_size
    with open(path, "ab") as file:
        file.write(torn)
    return path, offset


def test_only_a_writer_sets_a_torn_line_aside_named_by_its_byte_offset(tmp_path: Path) -> None:
    path, offset = log_ending_in_a_torn_line(tmp_path, b'{"id":"torn","ts":"2026-12-0')
    reader = RunStore(path)
    reader.load()
    assert "skipped (only a writer sets it aside)" in str(reader.problems[0])
    assert list(tmp_path.iterdir()) == [path]  # reading wrote nothing
    writer = RunStore(path, writer=True)
    writer.load()
    side = tmp_path / f"run.jsonl.torn-{offset}"
    assert side.read_bytes() == b'{"id":"torn","ts":"2026-12-0'
    assert f"set aside in {side.name}" in str(writer.problems[0]) and f"byte {offset}" in str(writer.problems[0])


def test_export_of_a_damaged_log_warns_and_the_record_says_so(tmp_path: Path, capsys) -> None:
    state = tmp_path / "state"
    run_id = new_run(state)
    with open(state / "runs" / f"{run_id}.jsonl", "ab") as file:
        file.write(b"not json\n")
    assert cli(state, "mark", FIRST, "done") == 0
    capsys.readouterr()
    assert cli(state, "export") == 0
    out, err = capsys.readouterr()
    assert ":2: not a valid event" in err and err.startswith("heypeter-tui: warning: ")
    assert "- **Integrity:** 2 events read; 1 line skipped (2)" in out
    assert cli(state, "export", "--format", "json") == 0
    assert '"skipped_lines": [\n      2\n    ]' in capsys.readouterr().out


def test_a_whole_log_says_so_in_the_record(tmp_path: Path, capsys) -> None:
    state = tmp_path / "state"
    new_run(state)
    capsys.readouterr()
    assert cli(state, "export") == 0
    out, err = capsys.readouterr()
    assert "- **Integrity:** 1 event read; every line of the log is part of this record" in out and not err


# -- one line, never a traceback -----------------------------------------------------------------


def test_a_state_dir_that_is_a_file_is_one_line(tmp_path: Path, capsys) -> None:
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("x")
    for args in (("new", "R"), ("status",), ("runs",), ("mark", FIRST, "done")):
        assert cli(not_a_dir, *args) == 2, args
        one_line_error(capsys, "the state dir is not a directory")
    assert not_a_dir.read_text() == "x"


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ("keymap: " + "[" * 5000 + "]" * 5000 + "\n", "config.yaml"),
        ("a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
         "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
         "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\nh: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\ni: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n",
         "config.yaml"),
        ("operator: " + "x" * 200 + "\n", "the operator's name is 200 characters"),
        ("operator: [a, b]\n", "config.yaml:1:11: operator must be text"),
        ("operator: a\x07\n", "config.yaml: YAML syntax: unacceptable character #x0007: special characters are not "
         'allowed in "<unicode string>", position 11'),
    ],
    ids=["5000-deep", "billion-laughs", "long-operator", "operator-list", "control-character"],
)
def test_a_hostile_config_is_one_line(tmp_path: Path, capsys, monkeypatch, config: str, expected: str) -> None:
    home = tmp_path / "cfg"
    (home / "heypeter-tui").mkdir(parents=True)
    (home / "heypeter-tui" / "config.yaml").write_text(config)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    assert cli(tmp_path / "state", "new", "R") == 2
    one_line_error(capsys, expected)


@pytest.mark.parametrize(
    ("t0", "expected"),
    [
        ("0999-01-01T00:00:00Z", "more than ten years from now"),
        ("+999999999999h", "is not a time"),
        ("9999-12-31T23:59:59-12:00", "is not a time"),
        ("--t0=-99999999d", "is not a time"),
    ],
)
def test_a_t0_out_of_range_is_refused_at_entry(tmp_path: Path, capsys, t0: str, expected: str) -> None:
    assert cli(tmp_path / "state", "new", "R", *([t0] if t0.startswith("--") else ["--t0", t0])) == 2
    one_line_error(capsys, expected)
    assert not (tmp_path / "state" / "runs").exists() or not list((tmp_path / "state" / "runs").iterdir())


def test_escape_sequences_from_flags_never_reach_the_output_or_the_log(tmp_path: Path) -> None:
    """`--operator $'op\\e]0;TITLE\\a'` retitled every watching pane; now the name is cleaned where it enters."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    base = [sys.executable, "-m", "heypeter_tui", "--state-dir", str(tmp_path / "s")]
    subprocess.run([*base, "new", "R\x1b]0;TITLE\x07"], check=True, env=env, capture_output=True)
    hostile = "op\x1b]0;TITLE\x07\x1b]52;c;cHduZWQ=\x07\nsecond"
    result = subprocess.run([*base, "--operator", hostile, "mark", "no\x1b[2J such item", "done"],
                            env=env, capture_output=True)
    assert result.returncode == 2 and b"\x1b" not in result.stderr and b"\x07" not in result.stderr
    result = subprocess.run([*base, "--operator", hostile, "mark", FIRST, "done"], env=env, capture_output=True)
    assert result.returncode == 0, result.stderr
    log = next((tmp_path / "s" / "runs").glob("*.jsonl")).read_text()
    assert "\\u001b" not in log and "\\u0007" not in log and '"operator":"op second"' in log
    for command in (["status"], ["runs"], ["export"], ["export", "--format", "json"], ["status", "--json"]):
        result = subprocess.run([*base, *command], env=env, capture_output=True)
        assert result.returncode == 0 and b"\x1b" not in result.stdout + result.stderr, command
        assert b"\x07" not in result.stdout + result.stderr


def test_a_log_written_by_anyone_cannot_reach_the_terminal_through_the_cli(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    base = [sys.executable, "-m", "heypeter_tui", "--state-dir", str(tmp_path / "s")]
    subprocess.run([*base, "new", "R"], check=True, env=env, capture_output=True)
    path = next((tmp_path / "s" / "runs").glob("*.jsonl"))
    hostile = {"operator": "op\x1b]0;T\x07\u202e\x9b2J", "user": "u\x1b[2J", "host": "h\x9d0;x\x9c"}
    line = {"id": "h1", "ts": "2026-12-03T12:00:00.000Z", "actor": hostile, "type": "item.note",
            "item": FIRST, "text": "note\x1b]52;c;cHduZWQ=\x07 \u2066x\u2069"}
    import json

    with open(path, "a") as file:
        file.write(json.dumps(line, ensure_ascii=False) + "\n")
    for command in (["status"], ["export"], ["export", "--format", "json"], ["status", "--json"]):
        result = subprocess.run([*base, *command], env=env, capture_output=True)
        output = result.stdout + result.stderr
        assert result.returncode == 0, result.stderr
        for forbidden in (b"\x1b", b"\x07", "\u202e".encode(), "\x9b".encode(), "\x9d".encode(), "\u2066".encode()):
            assert forbidden not in output, (command, forbidden)
    shutil.rmtree(tmp_path / "s")


def test_a_second_writer_finds_the_torn_line_already_set_aside_or_something_else_there(tmp_path: Path) -> None:
    path, offset = log_ending_in_a_torn_line(tmp_path, b'{"id":"torn"')
    RunStore(path, writer=True).load()
    side = tmp_path / f"run.jsonl.torn-{offset}"
    again = RunStore(path, writer=True)
    again.load()  # the same bytes already there: said as set aside, nothing written twice
    assert [str(p).endswith(f"set aside in {side.name}") for p in again.problems] == [True]
    side.write_bytes(b"something else")
    other = RunStore(path, writer=True)
    other.load()
    assert str(other.problems[0]).endswith(f"could not be set aside in {side.name} (something else is already at "
                                           f"{side.name})")
    assert side.read_bytes() == b"something else"  # never overwritten
    side.unlink()
    side.symlink_to(tmp_path / "elsewhere")
    linked = RunStore(path, writer=True)
    linked.load()
    assert "could not be set aside" in str(linked.problems[0]) and not (tmp_path / "elsewhere").exists()


def test_a_log_replaced_by_a_longer_one_is_read_again_and_a_set_aside_line_is_counted_as_such(tmp_path: Path) -> None:
    path = tmp_path / "run.jsonl"
    writer = RunStore.create(path, created_event(ACTOR, NOW))
    reader = RunStore(path)
    reader.load()
    longer = tmp_path / "longer"  # a new file, longer than what was read: only its inode tells
    longer.write_bytes(path.read_bytes())
    longer.chmod(0o600)
    for n in range(3):
        RunStore(longer).append(new_event("item.note", ACTOR, NOW, item="a/b", text=f"note {n}"))
    os.replace(longer, path)
    assert len(reader.read_new()) == 4 and reader.restarted
    with open(path, "ab") as file:
        file.write(b'{"id": "torn')
    writer = RunStore(path, writer=True)
    writer.load()
    reader.load()
    assert [(p.line, p.set_aside) for p in writer.problems] == [(5, True)]  # the record says "set aside (5)"
    assert [(p.line, p.set_aside) for p in reader.problems] == [(5, False)]  # a reader only skips it


@pytest.mark.parametrize(("field", "value"), [("run", "x\nverdict: GO"), ("checklist", "c\nverdict: GO"),
                                              ("run", "r 1")])
def test_a_run_or_checklist_id_forged_with_a_line_break_prints_no_line_of_its_own(
    tmp_path: Path, capsys, field: str, value: str
) -> None:
    """`status` prints both ids as they are; a run id holding `\\nverdict: GO` once printed a GO under a NO-GO."""
    import json

    run_id = new_run(tmp_path / "s")
    path = tmp_path / "s" / "runs" / f"{run_id}.jsonl"
    created = json.loads(path.read_text())
    created[field] = value
    path.write_text(json.dumps(created) + "\n")
    capsys.readouterr()
    assert cli(tmp_path / "s", "status") == 2
    out, err = capsys.readouterr()
    assert "verdict" not in out and err.count("\n") == 1 and "not a readable run" in err, err
