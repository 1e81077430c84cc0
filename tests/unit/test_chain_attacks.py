"""What an attacker who can append to (or rewrite) a run's log tried, found by an attacker's pass: each now fails."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from tests.unit.test_signed_signoffs import CHECKLIST, cli, keygen, with_keys

FIRST = "ready/tested"


def append_linked(log: Path, event: dict) -> None:
    """An event appended as a writer would, its link right: only what it says can give it away."""
    event["prev"] = hashlib.sha256(log.read_bytes().splitlines()[-1]).hexdigest()
    with log.open("ab") as file:
        file.write(json.dumps(event, separators=(",", ":")).encode() + b"\n")


def guarded_run(capsys, tmp_path: Path) -> tuple[Path, Path, dict[str, Path]]:
    """Both roles must be key-signed by their own principal; the checklist names the allowed signers."""
    keys = {name: keygen(tmp_path / name, name) for name in ("qa", "sec")}
    allowed = [f"{name}@heypeter.example {' '.join((tmp_path / f'{name}.pub').read_text().split()[:2])}"
               for name in keys]
    both = CHECKLIST.replace("  - QA Lead\n", "  - role: QA Lead\n    principals: [qa@heypeter.example]\n"
                                              "    require_signature: true\n")
    (tmp_path / "guarded.yaml").write_text(with_keys(both, *allowed))
    state = tmp_path / "s"
    assert cli(capsys, state, "new", "Guarded", "--checklist", str(tmp_path / "guarded.yaml"))[0] == 0
    assert cli(capsys, state, "mark", FIRST, "done")[0] == 0
    return state, next((state / "runs").glob("*.jsonl")), keys


def test_a_verified_signature_lends_nothing_to_another_role_sharing_its_event_id(capsys, tmp_path: Path) -> None:
    state, log, keys = guarded_run(capsys, tmp_path)
    assert cli(capsys, state, "sign", "QA Lead", "--name", "Quinn", "--ssh-key", str(keys["qa"]))[0] == 0
    genuine = json.loads(log.read_bytes().splitlines()[-1])
    forged = {key: value for key, value in genuine.items() if key != "prev"}
    forged.update(role="Security Officer", name="Sam Reyes")  # QA's signature, QA's event id
    # Placed as a signature must be (its signed head the link of its own line): only the signature can tell.
    forged["signed_head"] = hashlib.sha256(log.read_bytes().splitlines()[-1]).hexdigest()
    append_linked(log, forged)
    code, out = cli(capsys, state, "status", "--gate")
    assert code == 1 and "unverified: Security Officer" in out


def test_a_revoked_key_signature_does_not_come_back_with_an_undo(capsys, tmp_path: Path) -> None:
    state, log, keys = guarded_run(capsys, tmp_path)
    cli(capsys, state, "sign", "QA Lead", "--name", "Quinn", "--ssh-key", str(keys["qa"]))
    cli(capsys, state, "sign", "Security Officer", "--name", "Sam", "--ssh-key", str(keys["sec"]))
    assert cli(capsys, state, "status", "--gate")[0] == 0
    assert cli(capsys, state, "revoke", "Security Officer", "--reason", "pentest finding open")[0] == 0
    revoke = json.loads(log.read_bytes().splitlines()[-1])
    append_linked(log, {"id": "u" * 32, "ts": revoke["ts"], "actor": revoke["actor"], "type": "undo",
                        "target": revoke["id"]})
    code, out = cli(capsys, state, "status", "--gate")
    assert code == 1 and "unverified: Security Officer" in out
    code, out = cli(capsys, state, "verify")
    assert code == 1 and "revoked after" in out


def test_a_broken_chain_holds_the_gate(capsys, tmp_path: Path) -> None:
    state, log, keys = guarded_run(capsys, tmp_path)
    cli(capsys, state, "sign", "QA Lead", "--name", "Quinn", "--ssh-key", str(keys["qa"]))
    cli(capsys, state, "sign", "Security Officer", "--name", "Sam", "--ssh-key", str(keys["sec"]))
    lines = log.read_bytes().splitlines(keepends=True)
    lines[1] = lines[1].replace(b'"done"', b'"na","reason":"x"')
    log.write_bytes(b"".join(lines))
    code, out = cli(capsys, state, "status", "--gate")
    assert code == 1 and "log: hash chain broken at line 3" in out


def test_line_one_renamed_to_another_run_is_said_and_holds_the_gate(capsys, tmp_path: Path) -> None:
    state, log, _ = guarded_run(capsys, tmp_path)
    lines = log.read_bytes().splitlines(keepends=True)
    first = json.loads(lines[0])
    first["run"] += "-x"  # to look up another witness, or none
    rewritten = [json.dumps(first, separators=(",", ":")).encode() + b"\n"]
    for line in lines[1:]:  # every link made right again
        event = json.loads(line)
        event["prev"] = hashlib.sha256(rewritten[-1][:-1]).hexdigest()
        rewritten.append(json.dumps(event, separators=(",", ":")).encode() + b"\n")
    log.write_bytes(b"".join(rewritten))
    code, out = cli(capsys, state, "verify")
    assert code == 1 and "line 1 names another run" in out
    code, out = cli(capsys, state, "status", "--gate")
    assert code == 1 and "its first line names another run" in out


def test_the_first_line_is_witnessed_from_the_start(capsys, tmp_path: Path) -> None:
    state = tmp_path / "s"
    sec = keygen(tmp_path / "sec", "sec")
    line = "sec@heypeter.example " + " ".join(sec.with_suffix(".pub").read_text().split()[:2])
    (tmp_path / "c.yaml").write_text(with_keys(CHECKLIST, line))
    assert cli(capsys, state, "new", "Fresh", "--checklist", str(tmp_path / "c.yaml"))[0] == 0
    log = next((state / "runs").glob("*.jsonl"))
    log.write_bytes(log.read_bytes().replace(b',"require_signature":true', b""))  # the rule dropped before any change
    code, out = cli(capsys, state, "verify")
    assert code == 1 and "line 1 is not what this host saw there" in out
