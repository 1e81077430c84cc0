"""Undo lines any appender may write: cycles, chains, later targets, a re-sign undone. None stops a run."""

from __future__ import annotations

from pathlib import Path

from heypeter_tui.cli import main
from heypeter_tui.core import commands
from heypeter_tui.core.events import new_event
from heypeter_tui.core.report import to_json, to_markdown
from heypeter_tui.core.rules import is_stale
from heypeter_tui.core.run import fold

FIRST = "code-readiness/all-features-tested-and-approved"


def test_undo_cycles_and_chains_change_nothing_and_every_record_is_written(context, clock) -> None:
    session = context.current_session()
    session.record(commands.toggle_done(session.state, FIRST))
    actor, now = session.actor, clock()
    selfish = new_event("undo", actor, now)
    selfish.data["target"] = selfish.id  # an undo of itself
    a, b = new_event("undo", actor, now), new_event("undo", actor, now)
    a.data["target"], b.data["target"] = b.id, a.id  # two undos of each other
    chain = [new_event("undo", actor, now, target="nothing")]
    for _ in range(3000):
        chain.append(new_event("undo", actor, now, target=chain[-1].id))
    session.store.append(selfish, a, b, *chain)
    state = fold(session.store.load())
    assert state.item(FIRST).status == "done"  # an undo of an undo, or of a later line, undoes nothing
    markdown = to_markdown(state)
    assert markdown.count("undid nothing (no earlier change of that id)") == 3 + len(chain)
    assert to_json(state)["events"][-1]["type"] == "undo"


def test_an_undo_of_a_later_line_does_not_undo_it_when_it_comes(context, clock) -> None:
    session = context.current_session()
    later = new_event("item.status", session.actor, clock(), item=FIRST, status="done")
    early_undo = new_event("undo", session.actor, clock(), target=later.id)
    session.store.append(early_undo, later)
    state = fold(session.store.load())
    assert state.item(FIRST).status == "done" and later.id not in state.undone


def test_undoing_a_re_sign_brings_back_the_earlier_signature_as_stale_as_it_was(context, clock) -> None:
    session = context.current_session()
    session.record(commands.sign(session.state, "Tech Lead", "Alice"))
    session.record(commands.toggle_done(session.state, FIRST))  # Alice's signature is stale now
    assert is_stale(session.state, "Tech Lead")
    resign = session.record(commands.sign(session.state, "Tech Lead", "Bob"))
    assert not is_stale(session.state, "Tech Lead")
    session.record(commands.Change("undo", {"target": resign.id}))
    assert session.state.signoffs["Tech Lead"].name == "Alice"
    assert is_stale(session.state, "Tech Lead")  # never fresh again by an undo
    assert is_stale(fold(session.store.load()), "Tech Lead")  # and the same when read from the log


def test_undo_in_one_batch_and_across_batches_agree(context, clock, tmp_path: Path) -> None:
    session = context.current_session()
    for text in ("one", "two", "three"):
        session.record(commands.add_note(session.state, FIRST, text))
    second = session.state.item(FIRST).notes[1]
    note_event = next(e for e in session.state.events if e.get("text") == second.text)
    session.record(commands.Change("undo", {"target": note_event.id}))
    session.record(commands.add_note(session.state, FIRST, "four"))
    incremental = [note.text for note in session.state.item(FIRST).notes]
    assert incremental == ["one", "three", "four"]
    assert [note.text for note in fold(session.store.load()).item(FIRST).notes] == incremental


def test_export_of_a_run_with_an_undo_cycle_is_one_command_that_works(tmp_path: Path, capsys) -> None:
    state_dir = tmp_path / "state"
    assert main(["--state-dir", str(state_dir), "new", "R"]) == 0
    log = next((state_dir / "runs").glob("*.jsonl"))
    with open(log, "a") as file:
        file.write('{"id":"a","ts":"2026-11-27T15:00:00.000Z","actor":{},"type":"undo","target":"a"}\n')
    assert main(["--state-dir", str(state_dir), "export"]) == 0
    assert "undid nothing" in capsys.readouterr().out
