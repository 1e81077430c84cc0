"""SSH-signed sign-offs against the real ssh-keygen and ssh-agent, with keys made for each module."""

from __future__ import annotations

import json
import os
import pty
import select
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from heypeter_tui.core import ssh_signatures as sigs
from heypeter_tui.core.errors import UserError

pytestmark = pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="needs OpenSSH's ssh-keygen")

PASSPHRASE = "correct horse battery staple"
WHEN = "2026-12-03T12:02:11.381Z"


def run_payload(run_id: str = "run-a", name: str = "Alice Example") -> bytes:
    return sigs.payload(run_id, "Release manager", name, "9f" * 32, "c0ffee", WHEN)


def keygen(path: Path, kind: str, passphrase: str = "") -> Path:
    subprocess.run(["ssh-keygen", "-q", "-t", kind, "-N", passphrase, "-C", path.name, "-f", str(path)], check=True)
    return path


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("keys")
    made = {
        "alice": keygen(folder / "alice", "ed25519"),
        "bob": keygen(folder / "bob", "ecdsa"),
        "locked": keygen(folder / "locked", "ed25519", PASSPHRASE),
    }
    # A public key alone: ssh-keygen would otherwise find the private half beside it and never ask the agent.
    alone = folder / "public-only"
    alone.mkdir()
    made["alice.pub alone"] = Path(shutil.copy(folder / "alice.pub", alone / "alice.pub"))
    return made


@pytest.fixture(autouse=True)
def no_agent(monkeypatch: pytest.MonkeyPatch) -> None:
    """The developer's own agent must never sign here: each test starts the one it needs."""
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)


@pytest.fixture
def agent(monkeypatch: pytest.MonkeyPatch):
    folder = tempfile.mkdtemp(prefix="hp-agent-")  # short: a socket's path is at most 108 bytes
    socket = os.path.join(folder, "agent.sock")
    process = subprocess.Popen(["ssh-agent", "-D", "-a", socket], stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 5
        while not os.path.exists(socket) and time.monotonic() < deadline:
            time.sleep(0.01)
        monkeypatch.setenv("SSH_AUTH_SOCK", socket)
        yield socket
    finally:
        process.terminate()
        process.wait(5)
        shutil.rmtree(folder, ignore_errors=True)


def public_key(key: Path) -> str:
    return " ".join(Path(f"{key}.pub").read_text().split()[:2])


def allowed(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "allowed_signers"
    path.write_text("".join(f"{line}\n" for line in lines))
    return path


def restricted(principal: str, key: Path, namespaces: str = sigs.NAMESPACE) -> str:
    return f'{principal} namespaces="{namespaces}" {public_key(key)}'


def one_line(error: UserError | str) -> str:
    text = str(error)
    assert text and text.isprintable(), repr(text)  # no newline, no escape: one clean line
    return text


def fingerprint_of(key: Path) -> str:
    return subprocess.run(["ssh-keygen", "-l", "-f", f"{key}.pub"], capture_output=True, text=True).stdout.split()[1]


def test_payload_is_canonical() -> None:
    first = run_payload(name="Zoë")
    assert first == run_payload(name="Zoë")
    assert (
        first
        == (
            '{"chain_head":"c0ffee","name":"Zoë","readiness":"' + "9f" * 32 + '","role":"Release manager",'
            '"run":"run-a","time":"2026-12-03T12:02:11.381Z","v":1,"what":"heypeter-tui sign-off"}'
        ).encode()
    )
    moment = datetime(2026, 12, 3, 12, 2, 11, 381000, tzinfo=timezone.utc)
    assert sigs.payload("run-a", "Release manager", "Zoë", "9f" * 32, "c0ffee", moment) == first
    assert json.loads(sigs.payload("r", "role", "n", "d", None, WHEN))["chain_head"] is None
    assert run_payload("run-b") != first and run_payload(name="Zoe") != first
    with pytest.raises(ValueError):
        sigs.payload("r", "role", "n", "d", None, datetime(2026, 1, 1))


@pytest.mark.parametrize(("who", "key_type"), [("alice", "ssh-ed25519"), ("bob", "ecdsa-sha2-nistp256")])
def test_round_trip_names_the_principal(keys, tmp_path, who, key_type) -> None:
    signed = sigs.sign(run_payload(), keys[who])
    assert signed.signature.startswith("-----BEGIN SSH SIGNATURE-----\n")
    assert signed.key_type == key_type
    assert signed.fingerprint == fingerprint_of(keys[who])
    signers = allowed(
        tmp_path,
        restricted("carol@example.com", keys["bob" if who == "alice" else "alice"]),
        restricted(f"{who}@example.com", keys[who]),
    )
    result = sigs.verify(run_payload(), signed.signature, signers)
    assert (result.ok, result.principal, result.fingerprint) == (True, f"{who}@example.com", signed.fingerprint)
    assert f"{who}@example.com" in one_line(result.reason)


def test_a_line_without_namespaces_counts_too(keys, tmp_path) -> None:
    signed = sigs.sign(run_payload(), keys["alice"])
    result = sigs.verify(
        run_payload(), signed.signature, allowed(tmp_path, f"alice@example.com {public_key(keys['alice'])}")
    )
    assert (result.ok, result.principal) == (True, "alice@example.com")


def test_a_key_not_in_allowed_signers_fails(keys, tmp_path) -> None:
    signed = sigs.sign(run_payload(), keys["bob"])
    result = sigs.verify(
        run_payload(), signed.signature, allowed(tmp_path, restricted("alice@example.com", keys["alice"]))
    )
    assert (result.ok, result.principal, result.fingerprint) == (False, None, fingerprint_of(keys["bob"]))
    assert "not in the allowed signers" in one_line(result.reason)


def test_only_the_given_principals_count(keys, tmp_path) -> None:
    signed = sigs.sign(run_payload(), keys["alice"])
    signers = allowed(
        tmp_path,
        restricted("alice@example.com", keys["alice"]),
        f"carol@example.com {public_key(keys['alice'])}",  # the same key, for another principal
        restricted("bob@example.com", keys["bob"]),
    )
    refused = sigs.verify(run_payload(), signed.signature, signers, principals=["bob@example.com"])
    assert (refused.ok, refused.principal) == (False, None)
    assert one_line(refused.reason) == "signed by alice@example.com, who is not one of: bob@example.com"
    assert not sigs.verify(run_payload(), signed.signature, signers, principals=[]).ok
    # find-principals names only alice (the first line with the key): ssh-keygen still lets carol use it.
    chosen = sigs.verify(run_payload(), signed.signature, signers, principals=["bob@example.com", "carol@example.com"])
    assert (chosen.ok, chosen.principal) == (True, "carol@example.com")


def test_a_signature_made_in_another_namespace_fails(keys, tmp_path) -> None:
    data = tmp_path / "payload"
    data.write_bytes(run_payload())
    subprocess.run(["ssh-keygen", "-q", "-Y", "sign", "-n", "git", "-f", str(keys["alice"]), str(data)], check=True)
    signature = Path(f"{data}.sig").read_text()
    signers = allowed(tmp_path, f"alice@example.com {public_key(keys['alice'])}")
    result = sigs.verify(run_payload(), signature, signers)
    assert (result.ok, result.principal) == (False, None)
    assert one_line(result.reason).startswith("the signature was made for 'git', not for a sign-off")


def test_a_key_allowed_only_for_another_namespace_fails(keys, tmp_path) -> None:
    signed = sigs.sign(run_payload(), keys["alice"])
    result = sigs.verify(
        run_payload(), signed.signature, allowed(tmp_path, restricted("alice@x", keys["alice"], "git"))
    )
    assert not result.ok
    assert "not permitted for use in signature namespace" in one_line(result.reason)


def test_a_changed_field_or_another_run_fails(keys, tmp_path) -> None:
    signed = sigs.sign(run_payload("run-a"), keys["alice"])
    signers = allowed(tmp_path, restricted("alice@example.com", keys["alice"]))
    assert sigs.verify(run_payload("run-a"), signed.signature, signers).ok
    for other in (run_payload("run-a", name="Mallory"), run_payload("run-b")):
        result = sigs.verify(other, signed.signature, signers)
        assert (result.ok, result.principal) == (False, None)
        assert one_line(result.reason).startswith("the signature does not match this sign-off")


def test_garbage_is_not_a_signature(keys, tmp_path) -> None:
    signed = sigs.sign(run_payload(), keys["alice"])
    signers = allowed(tmp_path, restricted("alice@example.com", keys["alice"]))
    lines = signed.signature.splitlines()
    flipped = lines[3][:10] + ("A" if lines[3][10] != "A" else "B") + lines[3][11:]  # inside the signature bytes
    for text in (
        "",
        "Alice Example",
        "-----BEGIN SSH SIGNATURE-----\nnot base64!\n-----END SSH SIGNATURE-----\n",
        "\n".join(lines[:2] + lines[-1:]),  # cut short
        "\n".join(lines[:3] + [flipped] + lines[4:]),
        signed.signature * 400,
    ):
        result = sigs.verify(run_payload(), text, signers)
        assert (result.ok, result.principal) == (False, None), text[:80]
        one_line(result.reason)


def test_a_public_key_signs_through_the_agent(keys, tmp_path, agent) -> None:
    subprocess.run(["ssh-add", "-q", str(keys["alice"])], check=True, stdin=subprocess.DEVNULL, capture_output=True)
    signed = sigs.sign(run_payload(), keys["alice.pub alone"])
    assert (signed.key_type, signed.fingerprint) == ("ssh-ed25519", fingerprint_of(keys["alice"]))
    result = sigs.verify(run_payload(), signed.signature, allowed(tmp_path, restricted("alice@x", keys["alice"])))
    assert (result.ok, result.principal) == (True, "alice@x")


def test_a_public_key_with_no_agent_holding_it_is_refused(keys, monkeypatch, agent) -> None:
    with pytest.raises(UserError) as empty_agent:
        sigs.sign(run_payload(), keys["alice.pub alone"])
    assert one_line(empty_agent.value).endswith("whose private half the ssh-agent does not hold: add it with ssh-add")
    monkeypatch.delenv("SSH_AUTH_SOCK")
    with pytest.raises(UserError) as no_agent:
        sigs.sign(run_payload(), keys["alice.pub alone"])
    assert "no ssh-agent is running (SSH_AUTH_SOCK is not set)" in one_line(no_agent.value)


def test_a_locked_key_with_no_agent_is_refused_at_once(keys, monkeypatch, tmp_path) -> None:
    # A graphical askpass is refused as well: this one would answer, and leave a mark.
    answer = tmp_path / "askpass"
    answer.write_text(f"#!/bin/sh\ntouch '{tmp_path}/asked'\necho '{PASSPHRASE}'\n")
    answer.chmod(0o755)
    monkeypatch.setenv("SSH_ASKPASS", str(answer))
    monkeypatch.setenv("SSH_ASKPASS_REQUIRE", "force")
    monkeypatch.setenv("DISPLAY", ":0")
    started = time.monotonic()
    with pytest.raises(UserError) as refused:
        sigs.sign(run_payload(), keys["locked"])
    assert time.monotonic() - started < 5
    assert one_line(refused.value) == (
        f"the key {keys['locked']} needs its passphrase and no ssh-agent holds it: add it with ssh-add first"
    )
    assert not (tmp_path / "asked").exists()


def test_a_locked_key_never_prompts_on_the_terminal(keys) -> None:
    """From a terminal (as the dashboard runs), ssh-keygen would prompt on /dev/tty and wait there."""
    script = (
        "import sys, pathlib\nfrom heypeter_tui.core import ssh_signatures as s\ns.TIMEOUT = 5\n"
        "try:\n    s.sign(b'x', pathlib.Path(sys.argv[1]))\nexcept Exception as e:\n    print('REFUSED:', e)\n"
    )
    started = time.monotonic()
    child, terminal = pty.fork()  # the child's controlling terminal is this pty
    if child == 0:
        os.execv(sys.executable, [sys.executable, "-c", script, str(keys["locked"])])
    seen = b""
    while time.monotonic() - started < 15 and select.select([terminal], [], [], 1)[0]:
        try:
            chunk = os.read(terminal, 4096)
        except OSError:  # the child has gone: Linux reports EIO
            break
        if not chunk:
            break
        seen += chunk
    os.close(terminal)
    os.waitpid(child, 0)
    assert b"needs its passphrase and no ssh-agent holds it" in seen, seen
    assert b"Enter passphrase" not in seen
    assert time.monotonic() - started < 5


def test_a_key_file_that_is_no_key_is_refused(keys, tmp_path) -> None:
    with pytest.raises(UserError) as missing:
        sigs.sign(run_payload(), tmp_path / "nope")
    assert one_line(missing.value) == f"the key file {tmp_path / 'nope'} does not exist"
    with pytest.raises(UserError) as folder:
        sigs.sign(run_payload(), tmp_path)
    assert one_line(folder.value) == f"the key file {tmp_path} is not a file"
    (tmp_path / "notes").write_text("not a key\n")
    with pytest.raises(UserError) as not_a_key:
        sigs.sign(run_payload(), tmp_path / "notes")
    assert one_line(not_a_key.value).startswith(f"{tmp_path / 'notes'} is not an SSH key: ")


def test_a_private_key_others_can_read_is_refused(keys, tmp_path) -> None:
    exposed = Path(shutil.copy(keys["alice"], tmp_path / "alice"))
    exposed.chmod(0o644)
    with pytest.raises(UserError) as refused:
        sigs.sign(run_payload(), exposed)
    assert one_line(refused.value) == (
        f"the key file {exposed} can be read by others, so ssh-keygen will not use it: chmod 600 it"
    )


def test_an_allowed_signers_file_that_cannot_be_read_is_refused(keys, tmp_path) -> None:
    signed = sigs.sign(run_payload(), keys["alice"])
    with pytest.raises(UserError) as missing:
        sigs.verify(run_payload(), signed.signature, tmp_path / "allowed")
    assert one_line(missing.value) == f"the allowed signers file {tmp_path / 'allowed'} does not exist"
    with pytest.raises(UserError) as folder:
        sigs.verify(run_payload(), signed.signature, tmp_path)
    assert one_line(folder.value).endswith("is not a file")


def fake_openssh(folder: Path, version: str | None, keygen_body: str) -> Path:
    """A directory holding a scripted ssh-keygen, and an ssh saying `version` (none when None)."""
    folder.mkdir()
    (folder / "ssh-keygen").write_text(f"#!/bin/sh\necho run >> '{folder}/runs'\n{keygen_body}\n")
    if version is not None:
        (folder / "ssh").write_text(f"#!/bin/sh\necho '{version}, OpenSSL 3.0.0' >&2\n")
    for program in folder.iterdir():
        program.chmod(0o755)
    return folder


def runs(folder: Path) -> int:
    return (folder / "runs").read_text().count("run") if (folder / "runs").exists() else 0


def test_ssh_keygen_missing_or_too_old_is_refused(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(UserError) as missing:
        sigs.check_ssh_keygen()
    assert one_line(missing.value) == "ssh-keygen is not on PATH: SSH-signed sign-offs need OpenSSH 8.9 or later"

    old = fake_openssh(tmp_path / "old", "OpenSSH_8.8p1 Debian-1", "exit 1")
    monkeypatch.setenv("PATH", str(old))
    with pytest.raises(UserError) as too_old:
        sigs.check_ssh_keygen()
    assert (
        one_line(too_old.value)
        == f"ssh-keygen at {old}/ssh-keygen is OpenSSH 8.8; SSH-signed sign-offs need OpenSSH 8.9 or later"
    )

    # No ssh beside it: its usage text tells what it can do.
    usage = "echo 'usage: ssh-keygen -Y sign -f key_file -n namespace file' >&2; exit 1"
    unknown = fake_openssh(tmp_path / "unknown", None, usage)
    monkeypatch.setenv("PATH", str(unknown))
    with pytest.raises(UserError) as cannot:
        sigs.check_ssh_keygen()
    assert "cannot find who signed (no -Y find-principals)" in one_line(cannot.value)
    with pytest.raises(UserError):
        sigs.check_ssh_keygen()
    assert runs(unknown) == 1  # asked once per process


@pytest.mark.parametrize("version", ["OpenSSH_8.9p1", "OpenSSH_10.0p2", None])
def test_a_new_enough_ssh_keygen_is_found_once(tmp_path, monkeypatch, version) -> None:
    usage = "echo '  ssh-keygen -Y find-principals -s signature_file -f allowed_signers_file' >&2; exit 1"
    new = fake_openssh(tmp_path / "new", version, usage)
    monkeypatch.setenv("PATH", str(new))
    assert sigs.check_ssh_keygen() == f"{new}/ssh-keygen"
    assert sigs.check_ssh_keygen() == f"{new}/ssh-keygen"
    assert runs(new) == (0 if version else 1)


def test_what_ssh_keygen_says_is_one_clean_line(keys, tmp_path, monkeypatch) -> None:
    body = (
        'case "$1" in -l) echo "256 SHA256:fake alice (ED25519)";;\n'
        "*) printf 'Signing file x\\nfirst \\033[31mtrouble\\033[0m\\nsecond\\n' >&2; exit 255;; esac"
    )
    monkeypatch.setenv("PATH", str(fake_openssh(tmp_path / "bin", "OpenSSH_9.9p1", body)))
    with pytest.raises(UserError) as refused:
        sigs.sign(run_payload(), keys["alice"])
    assert one_line(refused.value) == f"ssh-keygen could not sign with {keys['alice']}: first trouble; second"


def test_a_signing_that_hangs_is_stopped(keys, tmp_path, monkeypatch) -> None:
    # A helper of its own (ssh-sk-helper in life) holds the pipes too: the whole group must go.
    body = 'case "$1" in -l) echo "256 SHA256:fake alice (ED25519)";; *) /bin/sleep 30; /bin/sleep 30;; esac'
    monkeypatch.setenv("PATH", str(fake_openssh(tmp_path / "bin", "OpenSSH_9.9p1", body)))
    monkeypatch.setattr(sigs, "TIMEOUT", 0.5)
    started = time.monotonic()
    with pytest.raises(UserError) as stopped:
        sigs.sign(run_payload(), keys["alice"])
    assert time.monotonic() - started < 5
    assert one_line(stopped.value) == (
        f"ssh-keygen did not finish signing with {keys['alice']} within 0.5 s (a hardware key waiting for a touch?)"
    )
