"""A run read again resumes from this user's checkpoint of its fold, and says exactly what a read from the first line
says: the same record, the same problems, the same chain; a checkpoint that no longer matches the log, or was
tampered with, is ignored, never trusted; a reader writes nothing of the run."""

from __future__ import annotations

import json
import os
from datetime import datetime, timezone
from pathlib import Path

import pytest

from heypeter_tui.core import checkpoint, commands
from heypeter_tui.core.report import to_json, to_markdown

AS_OF = datetime(2026, 12, 4, 12, 0, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def small_checkpoints(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(checkpoint, "CHECKPOINT_AFTER", 20)  # a small run stands for a long one


def _busy_run(context) -> str:
    """A run with ticks, notes (more than an item keeps), a sign-off, a contact, T-0, a timer and an undo."""
    session = context.current_session()
    keys = list(session.state.checklist.items_by_key)
    for n in range(30):
        session.record(commands.set_status(session.state, keys[n % 7], "done" if n % 3 else "pending"))
        session.record(commands.add_note(session.state, keys[0], f"note {n}"))
    session.record(commands.sign(session.state, session.state.checklist.signoffs[0], "Ana"))
    session.record(commands.set_contact(session.state, session.state.checklist.contacts[0].role, "Bo", "+1 555", ""))
    session.record(commands.undo(session.state, session.state.events[3].id))
    return session.state.run_id


def _seen(session) -> tuple:
    """What a reader is told: the record both ways, the problems, the chain."""
    state, integrity = session.state, session.integrity()
    return (to_markdown(state, integrity, now=AS_OF), json.dumps(to_json(state, integrity, now=AS_OF)),
            session.problems, integrity, state.doubt)


def _fresh(context, run_id):
    session = context.session(run_id, writer=False)
    return session


def _from_zero(context, run_id):
    """The run read as before checkpoints: every event folded and held."""
    from heypeter_tui.context import READER
    from heypeter_tui.core.session import RunSession

    session = RunSession(context.workspace.store(run_id), READER, context.clock, context.allowed_signers,
                         context.witness_path(run_id))
    assert session.state.events.prefix is None
    return session


def _checkpoint_file(context) -> Path:
    (found,) = (context.cache_dir / "checkpoints").glob("*.json")
    return found


def test_a_run_read_again_resumes_and_says_the_same_as_a_read_from_the_first_line(context) -> None:
    run_id = _busy_run(context)
    first = _fresh(context, run_id)
    assert first.resumed == 0  # the first read folded every line, and left a checkpoint
    assert _checkpoint_file(context).stat().st_mode & 0o777 == 0o600
    again = _fresh(context, run_id)
    assert again.resumed == len(first.state.events)
    assert (again.problems, again.integrity()) == (first.problems, first.integrity())
    from heypeter_tui.core.rules import gate

    assert gate(again.state) == gate(first.state)
    assert again.state.events.prefix.loads == 0  # the verdict, progress and problems needed none of the old lines
    assert _seen(again) == _seen(first) == _seen(_from_zero(context, run_id))


def test_changes_after_the_checkpoint_and_an_undo_into_it_fold_as_from_zero(context) -> None:
    run_id = _busy_run(context)
    _fresh(context, run_id)
    writer = context.session(run_id)
    assert writer.resumed
    early = writer.state.events[5]  # a tick folded into the checkpoint
    writer.record(commands.undo(writer.state, early.id))
    writer.record(commands.add_note(writer.state, early.get("item"), "after the checkpoint"))
    assert _seen(writer) == _seen(_from_zero(context, run_id)) == _seen(_fresh(context, run_id))


def test_a_line_edited_before_the_checkpoint_is_found_as_a_first_read_finds_it(context) -> None:
    run_id = _busy_run(context)
    _fresh(context, run_id)
    log = context.workspace.log_path(run_id)
    data = log.read_bytes()
    edited = data.replace(b'"text":"note 4"', b'"text":"note 9"', 1)  # same size, in place
    assert edited != data
    with open(log, "r+b") as file:
        file.write(edited)
    again = _fresh(context, run_id)
    assert again.resumed == 0  # not resumed: those are not the bytes it was made of
    assert "hash chain broken" in again.state.doubt
    assert _seen(again) == _seen(_from_zero(context, run_id))


def test_a_log_cut_short_or_replaced_is_read_from_its_first_line(context) -> None:
    run_id = _busy_run(context)
    _fresh(context, run_id)
    log = context.workspace.log_path(run_id)
    lines = log.read_bytes().splitlines(keepends=True)
    log.write_bytes(b"".join(lines[:10]))
    again = _fresh(context, run_id)
    assert again.resumed == 0 and len(again.state.events) == 10
    assert _seen(again) == _seen(_from_zero(context, run_id))


def _reseal(path: Path, change) -> None:
    """An edit by someone who knows the format: the seal made again over the changed body."""
    raw = json.loads(path.read_bytes())
    change(raw["body"])
    body = json.dumps(raw["body"], ensure_ascii=True, separators=(",", ":"), sort_keys=True)
    import hashlib

    seal = hashlib.sha256(body.encode()).hexdigest()
    path.write_bytes(f'{{"seal":"{seal}","body":{body}}}'.encode())
    assert json.loads(path.read_bytes())["body"] == raw["body"]


@pytest.mark.parametrize("tamper", ["unsealed", "foreign item", "bad status", "other version", "other run"])
def test_a_tampered_or_foreign_checkpoint_is_ignored(context, tamper: str) -> None:
    run_id = _busy_run(context)
    truth = _seen(_fresh(context, run_id))
    path = _checkpoint_file(context)
    if tamper == "unsealed":
        path.write_bytes(path.read_bytes().replace(b'"status":"done"', b'"status":"na"', 1))
    elif tamper == "foreign item":
        _reseal(path, lambda body: body["state"]["items"][0].__setitem__(0, "no/such-item"))
    elif tamper == "bad status":
        _reseal(path, lambda body: body["state"]["items"][0][1].__setitem__("status", "[red]done"))
    elif tamper == "other version":
        _reseal(path, lambda body: body.__setitem__("format", checkpoint.FORMAT + 1))
    else:
        _reseal(path, lambda body: body.__setitem__("run", "another-run"))
    again = _fresh(context, run_id)
    assert again.resumed == 0
    assert _seen(again) == truth


def test_a_checkpoint_others_may_write_is_not_read(context) -> None:
    run_id = _busy_run(context)
    _fresh(context, run_id)
    os.chmod(_checkpoint_file(context), 0o666)
    assert _fresh(context, run_id).resumed == 0


def test_a_reader_on_a_read_only_state_dir_keeps_its_checkpoint_in_its_cache_alone(context, state_dir: Path) -> None:
    run_id = _busy_run(context)
    before = {path: path.read_bytes() for path in state_dir.rglob("*") if path.is_file()}
    for folder in (state_dir, *state_dir.rglob("*")):
        if folder.is_dir():
            folder.chmod(0o500)
    try:
        first = _fresh(context, run_id)
        again = _fresh(context, run_id)
    finally:
        for folder in (state_dir, *state_dir.rglob("*")):
            if folder.is_dir():
                folder.chmod(0o700)
    assert again.resumed and _seen(again) == _seen(first)
    assert {path: path.read_bytes() for path in state_dir.rglob("*") if path.is_file()} == before


def test_no_checkpoint_for_a_small_run(context, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(checkpoint, "CHECKPOINT_AFTER", 10_000)
    run_id = _busy_run(context)
    _fresh(context, run_id)
    assert not list((context.cache_dir / "checkpoints").glob("*.json"))


def test_an_event_read_alone_is_the_one_a_walk_reads_with_its_broken_link_marked(context) -> None:
    """Blank lines, lines that are no event, a second run.created and a link broken by an appender: one event read
    by its position (no line parsed to find it) is the same event, marked the same, as a read from the first line."""
    run_id = _busy_run(context)
    log = context.workspace.log_path(run_id)
    first = log.read_bytes().splitlines(keepends=True)[0]
    session = context.session(run_id)
    keys = list(session.state.checklist.items_by_key)
    with open(log, "ab") as file:
        file.write(b"\n   \nnot json at all\n" + first)
        file.write(commands.set_status(session.state, keys[0], "done").type.encode() + b"\n")
    from heypeter_tui.core.events import new_event

    forged = new_event("item.note", session.actor, AS_OF, item=keys[1], text="appended without a link", prev="0" * 64)
    with open(log, "ab") as file:
        file.write(forged.to_line())
    for n in range(25):
        session.record(commands.add_note(session.state, keys[2], f"after {n}"))
    truth = _from_zero(context, run_id)
    assert truth.store.chain.broken is not None and truth.problems

    def marked(events):
        return [(event.to_dict(), event.link_broken) for event in events]

    alone = _fresh(context, run_id)  # folded block by block: its events held apart
    assert alone.state.events.prefix is not None
    by_position = [alone.state.events[at] for at in range(len(alone.state.events))]
    assert alone.state.events.prefix.loads == 0  # found by their lines: none walked
    assert marked(by_position) == marked(truth.state.events) == marked(alone.state.events)
    assert any(event.link_broken for event in by_position)
    assert _seen(alone) == _seen(truth)


def test_a_log_edited_in_place_while_its_record_is_written_stops_the_record(context, tmp_path: Path) -> None:
    from heypeter_tui.core.errors import UserError
    from heypeter_tui.core.paths import write_private_file
    from heypeter_tui.core.report import markdown_lines

    run_id = _busy_run(context)
    session = _fresh(context, run_id)
    assert session.state.events.prefix is not None  # held apart: the timeline reads them as it writes them
    log = context.workspace.log_path(run_id)
    data = log.read_bytes()
    lines = markdown_lines(session.state, session.integrity(), now=AS_OF)

    def pieces():
        for number, line in enumerate(lines):
            if number == 5:  # the record begun: an edit in place of an early line, the log's size unchanged
                with open(log, "r+b") as file:
                    file.write(data.replace(b'"text":"note 1"', b'"text":"note 7"', 1))
            yield (line + "\n").encode()

    target = tmp_path / "record.md"
    with pytest.raises(UserError, match="changed (while it was being read|in place since it was read)"):
        write_private_file(target, pieces())
    assert not target.exists() and not list(tmp_path.glob(".record.md*"))  # nothing half-written


def test_no_checkpoint_ends_in_a_torn_line_which_a_later_write_makes_another_line(context) -> None:
    """A writer killed mid-line leaves a torn last line; the next writer ends it with a newline, and a read from the
    first line then sees one whole (invalid) line there. A checkpoint that had read the torn bytes would say other
    problems, at other line numbers, than that read: none is left there."""
    run_id = _busy_run(context)
    log = context.workspace.log_path(run_id)
    with open(log, "ab") as file:
        file.write(b'{"id":"torn","ts":"2026')
    reader = _fresh(context, run_id)
    assert any("incomplete last line" in problem for problem in reader.problems)
    assert not list((context.cache_dir / "checkpoints").glob("*.json"))
    writer = context.session(run_id)
    for n in range(25):
        writer.record(commands.add_note(writer.state, list(writer.state.checklist.items_by_key)[3], f"later {n}"))
    first = _fresh(context, run_id)  # leaves one now, at a whole line
    again = _fresh(context, run_id)
    assert again.resumed and _seen(again) == _seen(first) == _seen(_from_zero(context, run_id))


def test_an_old_line_edited_in_place_under_a_session_is_never_shown_as_the_runs(context) -> None:
    """A session holds a long run's events apart and reads old ones again when shown: a line edited in place since
    (the log's size unchanged, then grown by an append) is refused in one line, never shown as the run's."""
    from heypeter_tui.core.errors import UserError
    from heypeter_tui.core.item_log import all_notes

    run_id = _busy_run(context)
    writer = context.session(run_id)
    key = list(writer.state.checklist.items_by_key)[0]
    assert writer.state.events.prefix is not None
    assert "note 0" in [note.text for note in all_notes(writer.state, key)]
    log = context.workspace.log_path(run_id)
    data = log.read_bytes()
    with open(log, "r+b") as file:
        file.write(data.replace(b'"text":"note 0"', b'"text":"NOTE 0"', 1))
    writer.record(commands.add_note(writer.state, key, "after the edit"))
    with pytest.raises(UserError, match="changed in place since it was read"):
        all_notes(writer.state, key)


def test_a_record_stopped_halfway_sends_nothing_to_standard_output(capsys) -> None:
    """`export` to standard output (`> record.md`) holds the record back until all of it was read and checked: a log
    changed while it is read sends not one line, as `-o FILE` writes none."""
    from heypeter_tui.cli.commands import _spooled_to_stdout
    from heypeter_tui.core.errors import UserError

    def pieces():
        yield "# Production Deployment Checklist\n"
        yield "- **Verdict:** GO\n"
        raise UserError("the run's log was changed while it was being read")

    with pytest.raises(UserError):
        _spooled_to_stdout(pieces())
    assert capsys.readouterr().out == ""
    _spooled_to_stdout(iter(["whole\n", "record\n"]))
    assert capsys.readouterr().out == "whole\nrecord\n"
