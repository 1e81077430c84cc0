"""Sign-offs that mean something (issue 25, case 4): a revoke of a key signature is undone only by a new signature;
the record's exceptions keep every revoke's reason, an undone one too; the timeline tells key signatures apart by
key and verdict; a sign-off's history says who signed, with which key, verified or not, who revoked it and why.
Real ssh-keygen keys, the real command line."""

from __future__ import annotations

import re

import pytest

from heypeter_tui.context import Context
from heypeter_tui.core import commands
from heypeter_tui.core.errors import UserError
from heypeter_tui.core.events import Actor
from heypeter_tui.core.signoff_history import signoff_history
from tests.unit.test_chain_attacks import guarded_run
from tests.unit.test_signed_signoffs import cli


def session_of(state_dir, operator: str = "rel"):
    return Context(state_dir=state_dir, operator=operator).current_session()


def test_the_revoke_of_a_key_signature_cannot_be_undone_only_signed_again(capsys, tmp_path) -> None:
    state, _, keys = guarded_run(capsys, tmp_path)
    assert cli(capsys, state, "sign", "Security Officer", "--name", "Sam", "--ssh-key", str(keys["sec"]))[0] == 0
    session = session_of(state)
    session.record(commands.revoke(session.state, "Security Officer", "pentest finding open"))
    with pytest.raises(UserError, match=r"the revoke of Security Officer's key signature \(by Sam\) cannot be undone: "
                                        r"a revoke is undone only by a new signature; sign again"):
        session.undo_change()
    assert "Security Officer" not in session.state.signoffs  # nothing was written
    session.record(commands.sign(session.state, "QA Lead", "Quinn"))  # by name: its revoke may be undone
    session.record(commands.revoke(session.state, "QA Lead", "signed the wrong run"))
    session.record(session.undo_change())
    assert session.state.signoffs["QA Lead"].name == "Quinn"


def test_the_record_keeps_every_revokes_reason_and_tells_key_signatures_apart(capsys, tmp_path) -> None:
    state, _, keys = guarded_run(capsys, tmp_path)
    sign = ("sign", "Security Officer", "--name", "Sam Reyes", "--ssh-key")
    assert cli(capsys, state, *sign, str(keys["sec"]))[0] == 0
    assert cli(capsys, state, *sign, str(keys["qa"]))[0] == 0  # QA's key: not one of the role's principals
    session = session_of(state)
    session.record(commands.sign(session.state, "QA Lead", "Quinn"))
    session.record(commands.revoke(session.state, "QA Lead", "signed before the soak test"))
    session.record(session.undo_change())  # the revoke undone: its reason stays in the record
    code, record = cli(capsys, state, "export")
    assert code == 0
    assert re.search(r"^- Sign-off revoked: QA Lead \(signed by Quinn\), by rel \([^)]*\), [\d: -]+ UTC: signed "
                     r"before the soak test; the revoke undone since, by rel \(", record, re.M)
    timeline = [line for line in record.splitlines() if "Security Officer signed by Sam Reyes" in line]
    assert len(timeline) == 2
    first = re.search(r"with key (SHA256:\S+), verified \|$", timeline[0])
    second = re.search(r"with key (SHA256:\S+), NOT verified: signed by qa@heypeter\.example, who is not one of: "
                       r"sec@heypeter\.example \|$", timeline[1])
    assert first and second and first[1] != second[1]  # which key, and whether it stands


def test_a_sign_offs_history_says_who_signed_with_which_key_verified_or_not_and_who_revoked_why(capsys,
                                                                                                 tmp_path) -> None:
    state, _, keys = guarded_run(capsys, tmp_path)
    assert cli(capsys, state, "sign", "Security Officer", "--name", "Sam", "--ssh-key", str(keys["sec"]))[0] == 0
    assert cli(capsys, state, "revoke", "Security Officer", "--reason", "pentest finding open")[0] == 0
    session = session_of(state, "dana")
    session.record(commands.sign(session.state, "Security Officer", "Dana"))
    history = signoff_history(session.state, "Security Officer", session.line_checks())
    texts = [entry.text for entry in history]
    assert len(texts) == 3
    assert re.fullmatch(r"signed by Sam with ssh-ed25519 key SHA256:\S+: verified, signed by sec@heypeter\.example "
                        r"\(SHA256:\S+\)", texts[0])
    assert texts[1] == "revoked: pentest finding open"
    assert texts[2] == "signed by Dana, by name (no key)"
    assert history[2].actor == Actor("dana", session.actor.user, session.actor.host)
    assert [entry.undone for entry in history] == [None, None, None]
    unchecked = signoff_history(session.state, "Security Officer")
    assert unchecked[0].text.endswith(": not checked yet")
