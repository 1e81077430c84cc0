"""One verdict for the whole team (issue 24): the keys that may sign travel with the run's checklist, so two people
with different local files always see the same gate and record; a key signature vouches for one place in the chain,
so a replayed sign line never counts; validity is judged at signing time; a revoked key never verifies; the
fingerprint shown is the one ssh-keygen verified. Real `ssh-keygen`, the real command line."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from heypeter_tui.core import ssh_signatures as ssh
from heypeter_tui.core.signer_lines import key_fingerprint
from tests.unit.test_chain_attacks import append_linked, guarded_run
from tests.unit.test_signed_signoffs import CHECKLIST, cli, keygen, with_keys


def own_config(tmp_path: Path, monkeypatch, name: str, allowed: str | None) -> None:
    """This reader's own config dir: an allowed_signers file of their own (or none)."""
    home = tmp_path / f"config-{name}"
    (home / "heypeter-tui").mkdir(parents=True)
    if allowed is not None:
        (home / "allowed_signers").write_text(allowed)
        (home / "heypeter-tui" / "config.yaml").write_text(f"allowed_signers: {home / 'allowed_signers'}\n")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))


def signed_run(capsys, tmp_path: Path):
    state, log, keys = guarded_run(capsys, tmp_path)
    assert cli(capsys, state, "sign", "QA Lead", "--name", "Quinn", "--ssh-key", str(keys["qa"]))[0] == 0
    assert cli(capsys, state, "sign", "Security Officer", "--name", "Sam", "--ssh-key", str(keys["sec"]))[0] == 0
    return state, log, keys


def summary(capsys, state: Path) -> dict:
    code, out = cli(capsys, state, "export", "--format", "json")
    assert code == 0
    return json.loads(out)["summary"]


def test_two_readers_with_different_local_allowed_signers_see_one_verdict(capsys, tmp_path, monkeypatch) -> None:
    state, _, keys = signed_run(capsys, tmp_path)
    qa_only = "qa@heypeter.example " + " ".join(keys["qa"].with_suffix(".pub").read_text().split()[:2]) + "\n"
    seen = []
    for name, allowed in (("release-engineer", None), ("qa-lead", qa_only), ("stranger", "")):
        own_config(tmp_path, monkeypatch, name, allowed)
        gate = cli(capsys, state, "status", "--gate")
        seen.append((gate, {k: v for k, v in summary(capsys, state).items() if k != "as_of"}))
    assert seen[0][0][0] == 0 and "verdict: GO" in seen[0][0][1]
    assert seen[0] == seen[1] == seen[2]  # the gate, its words and the record's summary: one for everyone
    own_config(tmp_path, monkeypatch, "qa-lead-again", qa_only)
    code, out = cli(capsys, state, "verify")  # the local file is a second opinion, said beside, never the verdict
    assert code == 0 and "Security Officer: Sam: signed by sec@heypeter.example" in out
    assert "verified (your own allowed_signers does not know this key)" in out


def test_a_key_signature_replayed_after_its_revoke_never_counts(capsys, tmp_path, monkeypatch) -> None:
    state, log, _ = signed_run(capsys, tmp_path)
    signed = json.loads(log.read_bytes().splitlines()[-1])
    assert cli(capsys, state, "revoke", "Security Officer", "--reason", "pentest finding open")[0] == 0
    replay = {key: value for key, value in signed.items() if key != "prev"}
    replay["id"] = "r" * 32  # a fresh id and a right link: only the place its signature vouches for tells
    append_linked(log, replay)
    code, out = cli(capsys, state, "status", "--gate")
    assert code == 1 and "not signed: Security Officer" in out
    code, out = cli(capsys, state, "verify")
    line = len(log.read_bytes().splitlines())
    assert code == 1 and f"line {line}: a key-signed sign-off of Security Officer (Sam) not at the place it" in out
    assert "Security Officer: Sam: signed by" not in out  # nothing said verified
    code, record = cli(capsys, state, "export")
    assert "Signed again: Security Officer" not in record and "after a revoke" not in record
    assert "Sign-off not counted: Security Officer by Sam" in record and "(a sign line replayed or moved)" in record


def test_a_sign_off_moved_to_another_place_does_not_stand(capsys, tmp_path) -> None:
    state, log, _ = signed_run(capsys, tmp_path)
    lines = log.read_bytes().splitlines(keepends=True)
    moved = json.loads(lines[-1])
    assert cli(capsys, state, "mark", "ready/tested", "blocked", "--reason", "found a bug")[0] == 0
    log.write_bytes(b"".join(lines[:-1]) + b"".join(log.read_bytes().splitlines(keepends=True)[len(lines):]))
    moved.pop("prev")
    append_linked(log, moved)  # after a change it never saw: relinked, yet it signed the head before the change
    code, out = cli(capsys, state, "status", "--gate")
    assert code == 1 and "not signed: Security Officer" in out


def key_line(key: Path, principal: str, options: str = "") -> str:
    public = key.with_suffix(".pub").read_text().split()[:2]
    return " ".join([principal, *([options] if options else []), *public])


def signed_by_hand(capsys, tmp_path: Path, checklist: str, key: Path, at: str, claim: str = "") -> tuple[Path, Path]:
    """A run whose Security Officer sign-off was signed at `at` (as its event says and its signature covers), placed
    as a signature must be: what a signer whose clock said `at` would have written."""
    (tmp_path / "c.yaml").write_text(checklist)
    state = tmp_path / "s"
    assert cli(capsys, state, "new", "Timed", "--checklist", str(tmp_path / "c.yaml"))[0] == 0
    assert cli(capsys, state, "mark", "ready/tested", "done")[0] == 0
    log = next((state / "runs").glob("*.jsonl"))
    lines = log.read_bytes().splitlines()
    first = json.loads(lines[0])
    head = hashlib.sha256(lines[-1]).hexdigest()
    readiness = json.loads(lines[-1])
    from heypeter_tui.core.run import fold
    from heypeter_tui.core.staleness import readiness_digest
    from heypeter_tui.core.store import RunStore

    state_now = fold(RunStore(log).load())
    body = ssh.payload(first["run"], "Security Officer", "Sam", readiness_digest(state_now), head, at)
    signed = ssh.sign(body, key)
    event = {"id": "s" * 32, "ts": at, "actor": readiness["actor"], "type": "signoff.sign",
             "role": "Security Officer", "name": "Sam", "signature": "Sam", "open_items": 0,
             "readiness": readiness_digest(state_now), "ssh_signature": signed.signature,
             "ssh_key_type": signed.key_type, "ssh_fingerprint": claim or signed.fingerprint, "signed_head": head,
             "signed_at": at}
    append_linked(log, event)
    return state, log


def test_a_keys_validity_is_judged_when_it_signed(capsys, tmp_path) -> None:
    sec = keygen(tmp_path / "sec", "sec")
    expired = with_keys(CHECKLIST, key_line(sec, "sec@heypeter.example", 'valid-before="20210101"'))
    state, _ = signed_by_hand(capsys, tmp_path, expired, sec, "2020-06-01T12:00:00Z")
    code, out = cli(capsys, state, "verify")  # signed while the key was valid: it counts, years later too
    assert code == 0 and "Security Officer: Sam: signed by sec@heypeter.example" in out and ": verified" in out
    later = tmp_path / "later"
    later.mkdir()
    not_yet = with_keys(CHECKLIST, key_line(sec, "sec@heypeter.example", 'valid-after="20300101"'))
    state, _ = signed_by_hand(capsys, later, not_yet, sec, "2026-06-01T12:00:00Z")
    code, out = cli(capsys, state, "verify")
    assert code == 1 and "NOT VERIFIED" in out


def test_a_revoked_key_never_verifies(capsys, tmp_path) -> None:
    sec = keygen(tmp_path / "sec", "sec")
    fingerprint = key_fingerprint(__import__("base64").b64decode(sec.with_suffix(".pub").read_text().split()[1]))
    for entry in (fingerprint, " ".join(sec.with_suffix(".pub").read_text().split()[:2])):
        folder = tmp_path / hashlib.sha256(entry.encode()).hexdigest()[:8]
        folder.mkdir()
        revoked = with_keys(CHECKLIST, key_line(sec, "sec@heypeter.example")) + f"revoked_keys:\n  - {entry}\n"
        (folder / "c.yaml").write_text(revoked)
        state = folder / "s"
        assert cli(capsys, state, "new", "R", "--checklist", str(folder / "c.yaml"))[0] == 0
        assert cli(capsys, state, "sign", "Security Officer", "--name", "Sam", "--ssh-key", str(sec))[0] == 0
        code, out = cli(capsys, state, "verify")
        assert code == 1 and f"the key {fingerprint} is revoked (the checklist's revoked_keys): NOT VERIFIED" in out
        assert cli(capsys, state, "status", "--gate")[0] == 1


def test_the_fingerprint_said_is_the_verified_one_never_the_events_claim(capsys, tmp_path) -> None:
    sec = keygen(tmp_path / "sec", "sec")
    claimed = "SHA256:" + "A" * 43  # a genuine signature, its event claiming another key
    checklist = with_keys(CHECKLIST, key_line(sec, "sec@heypeter.example"))
    state, _ = signed_by_hand(capsys, tmp_path, checklist, sec, "2026-06-01T12:00:00Z", claim=claimed)
    real = key_fingerprint(__import__("base64").b64decode(sec.with_suffix(".pub").read_text().split()[1]))
    code, out = cli(capsys, state, "verify")
    assert code == 0 and f"signed by sec@heypeter.example ({real}): verified" in out and claimed not in out
    code, record = cli(capsys, state, "export")
    assert f"ssh-ed25519 key {real}, verified" in record and claimed not in record
    code, out = cli(capsys, state, "export", "--format", "json")
    signoffs = json.dumps(json.loads(out)["signoffs"])  # the timeline keeps each event whole, as written
    assert claimed not in signoffs and real in signoffs


def test_allowed_signers_in_a_checklist_are_checked_where_it_is_read(capsys, tmp_path) -> None:
    sec = keygen(tmp_path / "sec", "sec")
    good = key_line(sec, "sec@heypeter.example")
    for bad, said in ((good.replace("ssh-ed25519", "ssh-rsa", 1), "its key is not an ssh-rsa key"),
                      ('sec@x nonsense="1" ' + good.split(" ", 1)[1], "option 'nonsense' is not one of"),
                      (good + "\u202e", "one line of plain ASCII"),
                      ("# a comment", "not a comment"),
                      ('sec@x valid-after="soon" ' + good.split(" ", 1)[1], "valid-after= is a date")):
        (tmp_path / "bad.yaml").write_text(with_keys(CHECKLIST, bad))
        code, out = cli(capsys, tmp_path, "validate", str(tmp_path / "bad.yaml"))
        assert code == 2 and said in out, (bad, out)
    (tmp_path / "ok.yaml").write_text(with_keys(CHECKLIST, good))
    assert cli(capsys, tmp_path, "validate", str(tmp_path / "ok.yaml"))[0] == 0


def test_a_role_named_in_a_run_without_roles_says_there_are_none(capsys, tmp_path) -> None:
    (tmp_path / "bare.yaml").write_text("schema: 1\nid: bare\ntitle: Bare\nsections:\n  - id: s\n    title: S\n"
                                        "    items:\n      - id: i\n        text: I\n")
    assert cli(capsys, tmp_path / "s", "new", "Bare", "--checklist", str(tmp_path / "bare.yaml"))[0] == 0
    code, out = cli(capsys, tmp_path / "s", "sign", "QA Lead", "--name", "Quinn")
    assert code == 2 and "no sign-off role 'QA Lead'; this run's checklist has no sign-off roles" in out
    assert "the roles are: \n" not in out


def placed_sign_off_on(capsys, tmp_path: Path, store: list[str]) -> tuple[Path, list[str]]:
    """A key-signed sign-off on a run of `store` whose log moved on between the signer's read and the append."""
    sec = keygen(tmp_path / "sec", "sec")
    (tmp_path / "c.yaml").write_text(with_keys(CHECKLIST, key_line(sec, "sec@heypeter.example")))
    state = tmp_path / "s"
    assert cli(capsys, state, *store, "new", "Placed", "--checklist", str(tmp_path / "c.yaml"))[0] == 0
    return state, [str(sec)]


def test_an_append_bound_to_a_head_writes_nothing_once_the_log_moved_on(capsys, tmp_path, pg_store) -> None:
    from heypeter_tui.context import Context
    from heypeter_tui.core import commands
    from heypeter_tui.core.store import HeadMoved

    for store in ([], ["--store", pg_store]):
        folder = tmp_path / ("pg" if store else "file")
        folder.mkdir()
        state, _ = placed_sign_off_on(capsys, folder, store)
        context = Context(state_dir=state, store=store[1] if store else None)
        signer, other = context.existing_session(writer=True), context.existing_session(writer=True)
        head = signer.store.chain.head
        other.record(commands.set_status(other.state, "ready/tested", "done", "", ""))  # came first
        before = len(signer.store.load())
        try:
            signer.record(commands.sign(signer.state, "QA Lead", "Quinn"), after=head)
            raise AssertionError("recorded after a head the log had left")
        except HeadMoved as error:
            assert "sign again" in str(error)
        assert len(signer.store.load()) == before  # nothing written
        signer.refresh()
        signer.record(commands.sign(signer.state, "QA Lead", "Quinn"), after=signer.store.chain.head)
        assert "QA Lead" in signer.state.signoffs


def test_a_replay_keeping_its_original_link_never_counts_even_once_its_break_is_acknowledged(capsys, tmp_path) -> None:
    """The copy keeps the `prev` its original had: its signed head equals its claimed link, but the line before it is
    another, so its link breaks where it sits (found by the walkthrough: it verified, and an acknowledgement of the
    break let it stand)."""
    state, log, _ = signed_run(capsys, tmp_path)
    signed = json.loads(log.read_bytes().splitlines()[-1])
    assert cli(capsys, state, "revoke", "Security Officer", "--reason", "key compromised")[0] == 0
    replay = dict(signed, id="k" * 32)  # its own original prev and signed head, untouched
    with log.open("ab") as file:
        file.write(json.dumps(replay, separators=(",", ":")).encode() + b"\n")
    line = len(log.read_bytes().splitlines())
    code, out = cli(capsys, state, "status", "--gate")
    assert code == 1 and "not signed: Security Officer" in out
    code, out = cli(capsys, state, "verify")
    assert code == 1 and f"line {line}: a key-signed sign-off of Security Officer (Sam) not at the place it" in out
    assert "Security Officer: Sam: signed by" not in out
    assert cli(capsys, state, "verify", "--acknowledge", str(line), "--reason", "looked at it")[0] == 0
    code, out = cli(capsys, state, "status", "--gate")
    assert code == 1 and "not signed: Security Officer" in out  # the break acknowledged: the copy still counts nothing
    code, record = cli(capsys, state, "export")
    assert "Sign-off not counted: Security Officer by Sam" in record and "Signed again" not in record
