"""Sign-offs signed with SSH keys, through the command line: verified against the keys the run's own checklist names
(`allowed_signers:`), with the principal named; another key, an edited sign-off, and a sign-off copied onto another
run do not verify. Real `ssh-keygen`."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from heypeter_tui.cli import main


def keygen(path: Path, comment: str) -> Path:
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", str(path)], check=True)
    return path


BUILT_IN = Path(__file__).resolve().parents[2] / "checklists" / "heypeter-production.yaml"


def with_keys(checklist: str, *lines: str) -> str:
    """A checklist's text with `allowed_signers:` naming these lines: the keys that decide travel in the run."""
    return checklist + "allowed_signers:\n" + "".join(f"  - {json.dumps(line)}\n" for line in lines)


@pytest.fixture
def keys(tmp_path: Path) -> dict[str, Path]:
    made = {name: keygen(tmp_path / name, name) for name in ("qa", "intruder")}
    public = (tmp_path / "qa.pub").read_text().split()
    line = f"qa@heypeter.example {public[0]} {public[1]}"
    (tmp_path / "allowed_signers").write_text(line + "\n")
    (tmp_path / "keyed.yaml").write_text(with_keys(BUILT_IN.read_text(), line))
    return made


def cli(capsys, state: Path, *args: str) -> tuple[int, str]:
    code = main(["--state-dir", str(state), "--operator", "qa", *args])
    out, err = capsys.readouterr()
    return code, out + err


def a_run(capsys, state: Path, title: str = "Release") -> Path:
    """A run of the built-in checklist with qa@'s key among its allowed signers (written by the `keys` fixture)."""
    keyed = state.parent / "keyed.yaml"
    assert cli(capsys, state, "new", title, *(["--checklist", str(keyed)] if keyed.exists() else []))[0] == 0
    return max((state / "runs").glob("*.jsonl"))


def test_a_key_signed_sign_off_verifies_and_names_its_principal(capsys, tmp_path: Path, keys) -> None:
    a_run(capsys, tmp_path / "s")
    code, out = cli(capsys, tmp_path / "s", "sign", "QA Lead", "--name", "Quinn", "--ssh-key", str(keys["qa"]))
    assert code == 0 and "QA Lead signed by Quinn with ssh-ed25519 SHA256:" in out
    code, out = cli(capsys, tmp_path / "s", "verify")
    assert code == 0 and "QA Lead: Quinn: signed by qa@heypeter.example (SHA256:" in out and ": verified" in out


def test_another_key_does_not_verify(capsys, tmp_path: Path, keys) -> None:
    a_run(capsys, tmp_path / "s")
    cli(capsys, tmp_path / "s", "sign", "QA Lead", "--name", "Quinn", "--ssh-key", str(keys["intruder"]))
    code, out = cli(capsys, tmp_path / "s", "verify")
    assert code == 1 and "is not in the allowed signers: NOT VERIFIED" in out


def test_an_edited_sign_off_does_not_verify(capsys, tmp_path: Path, keys) -> None:
    log = a_run(capsys, tmp_path / "s")
    cli(capsys, tmp_path / "s", "sign", "QA Lead", "--name", "Quinn", "--ssh-key", str(keys["qa"]))
    log.write_bytes(log.read_bytes().replace(b'"name":"Quinn"', b'"name":"Mallory"'))
    code, out = cli(capsys, tmp_path / "s", "verify")
    assert code == 1 and "QA Lead: Mallory:" in out and "does not match this sign-off" in out and "NOT VERIFIED" in out


def test_a_sign_off_copied_onto_another_run_does_not_verify(capsys, tmp_path: Path, keys) -> None:
    signed_log = a_run(capsys, tmp_path / "a")  # both runs of one checklist: the same keys decide
    cli(capsys, tmp_path / "a", "sign", "QA Lead", "--name", "Quinn", "--ssh-key", str(keys["qa"]))
    signed = json.loads(signed_log.read_bytes().splitlines()[-1])
    other = a_run(capsys, tmp_path / "b", "Other")
    assert cli(capsys, tmp_path / "b", "mark", "code-readiness/all-features-tested-and-approved", "done")[0] == 0
    # Copied with its link made right for the new log, so only the signature can tell.
    last = other.read_bytes().splitlines()[-1]
    import hashlib

    signed["prev"] = signed["signed_head"] = hashlib.sha256(last).hexdigest()  # placed right: only the run id tells
    with other.open("ab") as file:
        file.write(json.dumps(signed, separators=(",", ":")).encode() + b"\n")
    code, out = cli(capsys, tmp_path / "b", "verify")
    assert code == 1 and "chain intact" in out and "QA Lead: Quinn:" in out and "NOT VERIFIED" in out
    signed_head_too = dict(signed, signed_head=None)  # and with no chain head to give it away: the run id does
    with other.open("ab") as file:
        signed_head_too["id"] = "c" * 32
        signed_head_too["prev"] = signed_head_too["signed_head"] = \
            hashlib.sha256(other.read_bytes().splitlines()[-1]).hexdigest()
        file.write(json.dumps(signed_head_too, separators=(",", ":")).encode() + b"\n")
    code, out = cli(capsys, tmp_path / "b", "verify")
    assert code == 1 and "does not match this sign-off" in out


def test_a_key_without_its_private_half_is_refused_in_one_line(capsys, tmp_path: Path, keys, monkeypatch) -> None:
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    lonely = tmp_path / "lonely"
    lonely.mkdir()
    (lonely / "qa.pub").write_bytes((tmp_path / "qa.pub").read_bytes())
    log = a_run(capsys, tmp_path / "s")
    before = log.read_bytes()
    code, out = cli(capsys, tmp_path / "s", "sign", "QA Lead", "--name", "Quinn", "--ssh-key", str(lonely / "qa.pub"))
    assert code == 2 and out.count("\n") == 1 and "no ssh-agent is running" in out
    assert log.read_bytes() == before  # nothing recorded


CHECKLIST = """\
schema: 1
id: guarded
title: Guarded release
sections:
  - id: ready
    title: Ready
    items:
      - id: tested
        text: Tested
signoffs:
  - QA Lead
  - role: Security Officer
    principals: [sec@heypeter.example]
    require_signature: true
"""


def gated(capsys, tmp_path: Path, keys) -> tuple[Path, list[str]]:
    """A run of a checklist whose Security Officer must sign with sec@'s key; the checklist names the signers."""
    sec = keygen(tmp_path / "sec", "sec")
    public = (tmp_path / "sec.pub").read_text().split()
    qa = (tmp_path / "qa.pub").read_text().split()
    (tmp_path / "guarded.yaml").write_text(with_keys(CHECKLIST, f"sec@heypeter.example {public[0]} {public[1]}",
                                                     f"qa@heypeter.example {qa[0]} {qa[1]}"))
    state = tmp_path / "s"
    assert cli(capsys, state, "new", "Guarded", "--checklist", str(tmp_path / "guarded.yaml"))[0] == 0
    assert cli(capsys, state, "mark", "ready/tested", "done")[0] == 0
    assert cli(capsys, state, "sign", "QA Lead", "--name", "Quinn")[0] == 0
    return state, [str(sec)]


def test_a_role_that_requires_a_signature_holds_the_gate_until_its_principal_signs(capsys, tmp_path, keys) -> None:
    state, sec = gated(capsys, tmp_path, keys)
    code, out = cli(capsys, state, "sign", "Security Officer", "--name", "Sam")  # by name only: said at once
    assert code == 0 and "warning: Security Officer counts only signed with a key of sec@heypeter.example" in out
    code, out = cli(capsys, state, "status", "--gate")
    assert code == 1 and "unverified: Security Officer must be signed with an SSH key of sec@heypeter.example" in out
    cli(capsys, state, "sign", "Security Officer", "--name", "Sam", "--ssh-key", str(keys["qa"]))  # another principal
    code, out = cli(capsys, state, "status", "--gate")
    assert code == 1 and "unverified: Security Officer" in out
    cli(capsys, state, "sign", "Security Officer", "--name", "Sam", "--ssh-key", sec[0])
    code, out = cli(capsys, state, "status", "--gate")
    assert code == 0 and "verdict: GO" in out
    code, out = cli(capsys, state, "verify")
    assert code == 0 and "Security Officer: Sam: signed by sec@heypeter.example" in out
    code, record = cli(capsys, state, "export")
    assert "| Security Officer | all readiness | Sam | ssh-ed25519 key SHA256:" in record and ", verified |" in record


def test_principals_are_checked_where_the_checklist_is_read(capsys, tmp_path: Path) -> None:
    bad = CHECKLIST.replace("principals: [sec@heypeter.example]", "principals: [two words]")
    (tmp_path / "bad.yaml").write_text(bad)
    code, out = cli(capsys, tmp_path, "validate", str(tmp_path / "bad.yaml"))
    assert code == 2 and "a principal is one word" in out
    (tmp_path / "none.yaml").write_text(CHECKLIST.replace("    principals: [sec@heypeter.example]\n", ""))
    code, out = cli(capsys, tmp_path, "validate", str(tmp_path / "none.yaml"))
    assert code == 2 and "require_signature needs principals" in out
    (tmp_path / "keyless.yaml").write_text(CHECKLIST)  # the keys that decide must travel with the run
    code, out = cli(capsys, tmp_path, "validate", str(tmp_path / "keyless.yaml"))
    assert code == 2 and "require_signature needs the keys that may sign in the checklist's `allowed_signers:`" in out


def test_an_allowed_signers_that_is_not_a_file_is_one_line_before_anything_else(capsys, tmp_path: Path) -> None:
    a_run(capsys, tmp_path / "s")
    code, out = cli(capsys, tmp_path / "s", "verify", "--allowed-signers", str(tmp_path / "missing"))
    assert code == 2 and out.count("\n") == 1 and "is not a file" in out
