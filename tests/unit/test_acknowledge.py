"""A break in the chain can be acknowledged, never hidden (issue 24): `verify --acknowledge LINE --reason R` records
who looked and why; the gate may pass; `verify` and the record's first screen still show the break, with its
acknowledgement; the line changed again, or another break, holds the gate again."""

from __future__ import annotations

from pathlib import Path

from tests.unit.test_signed_signoffs import cli

PLAIN = """\
schema: 1
id: plain
title: Plain release
sections:
  - id: ready
    title: Ready
    items:
      - id: tested
        text: Tested
      - id: docs
        text: Documented
"""


def broken_run(capsys, tmp_path: Path) -> tuple[Path, Path]:
    """A run at GO whose second line was edited afterwards (the note's text): its link at line 3 breaks."""
    (tmp_path / "plain.yaml").write_text(PLAIN)
    state = tmp_path / "s"
    assert cli(capsys, state, "new", "Plain", "--checklist", str(tmp_path / "plain.yaml"))[0] == 0
    assert cli(capsys, state, "mark", "ready/tested", "done", "--note", "by hand")[0] == 0
    assert cli(capsys, state, "mark", "ready/docs", "done")[0] == 0
    assert cli(capsys, state, "status", "--gate")[0] == 0
    log = next((state / "runs").glob("*.jsonl"))
    lines = log.read_bytes().splitlines(keepends=True)
    assert b'"by hand"' in lines[2]
    lines[1] = lines[1].replace(b'"done"', b'"done","reason":"restored"')
    log.write_bytes(b"".join(lines))
    return state, log


def test_a_break_acknowledged_lets_the_gate_pass_and_stays_on_the_first_screen(capsys, tmp_path) -> None:
    state, _ = broken_run(capsys, tmp_path)
    code, out = cli(capsys, state, "status", "--gate")
    assert code == 1 and "log: hash chain broken at line 3" in out
    code, out = cli(capsys, state, "--operator", "Dana", "verify", "--acknowledge", "3", "--reason",
                    "restored from the nightly backup; compared with ticket CHG-42")
    assert code == 0 and "the break at line 3 acknowledged by Dana" in out
    code, out = cli(capsys, state, "status", "--gate")
    assert code == 0 and "verdict: GO" in out
    code, out = cli(capsys, state, "verify")  # never hidden: still broken, now with who looked and why
    assert code == 1 and "chain broken at line 3:" in out and "acknowledged by Dana" in out
    assert "restored from the nightly backup" in out and "every break acknowledged" in out
    code, record = cli(capsys, state, "export")
    first_screen = "\n".join(record.splitlines()[:40])
    assert "Log:" in first_screen and "chain broken at line 3" in first_screen
    assert "acknowledged by Dana" in first_screen and "compared with ticket CHG-42" in first_screen


def test_an_acknowledgement_covers_the_line_as_it_was_seen_and_no_other_break(capsys, tmp_path) -> None:
    state, log = broken_run(capsys, tmp_path)
    assert cli(capsys, state, "verify", "--acknowledge", "3", "--reason", "looked")[0] == 0
    lines = log.read_bytes().splitlines(keepends=True)
    lines[2] = lines[2].replace(b'"by hand"', b'"by someone else"')  # line 3 changed again: line 4's link breaks
    log.write_bytes(b"".join(lines))
    code, out = cli(capsys, state, "status", "--gate")
    assert code == 1 and "log: hash chain broken at line" in out
    assert cli(capsys, state, "verify", "--acknowledge", "4", "--reason", "looked again")[0] == 0
    assert cli(capsys, state, "status", "--gate")[0] == 1  # line 3 is not what was acknowledged any more


def test_acknowledging_what_is_no_break_or_without_a_reason_is_refused(capsys, tmp_path) -> None:
    state, log = broken_run(capsys, tmp_path)
    before = log.read_bytes()
    code, out = cli(capsys, state, "verify", "--acknowledge", "2", "--reason", "x")
    assert code == 2 and out.count("\n") == 1 and "line 2 is no broken link of this run; the chain breaks at line 3" \
        in out
    code, out = cli(capsys, state, "verify", "--acknowledge", "3")
    assert code == 2 and out.count("\n") == 1 and "needs --reason" in out
    code, out = cli(capsys, state, "verify", "--acknowledge", "3", "--reason", "   ")
    assert code == 2 and "needs a reason" in out
    assert log.read_bytes() == before  # nothing written


def test_a_database_row_the_server_never_linked_can_be_acknowledged(pg_store: str, tmp_path: Path, capsys) -> None:
    """A plain INSERT (a role with the README's grants, not heypeter_append) leaves its link a placeholder: the
    run is NO-GO until someone looks, and then may pass, the row named on the record's first screen."""
    import json

    import psycopg

    (tmp_path / "plain.yaml").write_text(PLAIN)
    state = tmp_path / "s"
    store = ["--store", pg_store]
    assert cli(capsys, state, *store, "new", "Plain", "--checklist", str(tmp_path / "plain.yaml"))[0] == 0
    for key in ("ready/tested", "ready/docs"):
        assert cli(capsys, state, *store, "mark", key, "done")[0] == 0
    with psycopg.connect(pg_store, autocommit=True) as conn:
        run_id = conn.execute("SELECT id FROM runs").fetchone()[0]
        note = {"id": "n" * 32, "ts": "2026-12-03T09:30:00Z", "actor": {"operator": "x", "user": "x", "host": "h"},
                "type": "item.note", "item": "ready/docs", "text": "unlinked", "prev": "0" * 64}
        conn.execute("INSERT INTO events (run, seq, ts, line) VALUES (%s, 1, now(), %s)", (run_id, json.dumps(note)))
        seq = conn.execute("SELECT max(seq) FROM events WHERE run = %s", (run_id,)).fetchone()[0]
    code, out = cli(capsys, state, *store, "status", "--gate")
    assert code == 1 and f"hash chain broken at line {seq}: the server never linked it" in out
    code, out = cli(capsys, state, *store, "verify", "--acknowledge", str(seq), "--reason", "a DBA's test row")
    assert code == 0
    code, out = cli(capsys, state, *store, "status", "--gate")
    assert code == 0 and "verdict: GO" in out
    code, record = cli(capsys, state, *store, "export")
    assert "the server never linked it; acknowledged by" in "\n".join(record.splitlines()[:40])


def test_an_acknowledgement_names_the_line_before_too_so_editing_it_again_holds_the_gate(capsys, tmp_path) -> None:
    """The edit is most often on the line before the broken link: acknowledged once, that line edited again (now
    an N/A) must hold the gate again (found by the walkthrough: the acknowledgement named only the later line)."""
    state, log = broken_run(capsys, tmp_path)
    assert cli(capsys, state, "verify", "--acknowledge", "3", "--reason", "only a reason was added")[0] == 0
    assert cli(capsys, state, "status", "--gate")[0] == 0
    lines = log.read_bytes().splitlines(keepends=True)
    lines[1] = lines[1].replace(b'"status":"done"', b'"status":"na"')
    log.write_bytes(b"".join(lines))
    code, out = cli(capsys, state, "status", "--gate")
    assert code == 1 and "log: hash chain broken at line 3" in out
