"""Sign-offs signed with SSH keys, the way git signs commits: OpenSSH's `ssh-keygen -Y` does the cryptography.

A signature covers a canonical payload (`payload`): the run, the role, the signer's name, the readiness digest
they saw, the head of the log's chain and the time. It is made in a namespace of the product's own, so a
signature made for git (or anything else) with the same key is never taken for a sign-off, nor the reverse.

Who may sign is an `allowed_signers` file, as for git's `gpg.ssh.allowedSignersFile`
(`principal [namespaces="..."] ssh-ed25519 AAAA...`); `verify` names the principal whose key signed.

ssh-keygen never reaches a terminal here: it runs in a session of its own, with no tty, stdin from /dev/null
and askpass refused. Without that, a key that needs its passphrase makes ssh-keygen open /dev/tty and wait on
a prompt the dashboard hides. It fails at once instead, and the user is told to add the key to ssh-agent.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import re
import shutil
import signal
import struct
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from heypeter_tui.core.clock import to_iso
from heypeter_tui.core.errors import UserError
from heypeter_tui.core.paths import write_private_file
from heypeter_tui.core.text import clean_line, shorten

NAMESPACE = "heypeter-tui-signoff@heypeter.example"
"""`ssh-keygen -Y sign -n`: ours, in the `name@domain` form OpenSSH asks of namespaces that are not its own."""

TIMEOUT = 60.0
"""Seconds ssh-keygen may take: a hardware key waits for a touch; anything else takes milliseconds."""

MINIMUM = (8, 9)
"""`-Y sign` and `-Y verify` came in OpenSSH 8.1, `-Y find-principals` in 8.2, and `verify-time` (a key's validity
judged when it signed) in 8.9."""

MAX_SIGNATURE_TEXT = 64 * 1024
"""An armored RSA-16384 signature is under 6 KB: anything longer is not one of ours."""

_BEGIN, _END = "-----BEGIN SSH SIGNATURE-----", "-----END SSH SIGNATURE-----"
_SHOWN = 160  # characters of a path or a detail in a message: a line stays a line


@dataclass(frozen=True)
class Signed:
    signature: str
    """The armored `-----BEGIN SSH SIGNATURE-----` text, as ssh-keygen wrote it."""
    key_type: str
    """`ssh-ed25519`, `ssh-rsa`, `ecdsa-sha2-nistp256`, `sk-ssh-ed25519@openssh.com`..."""
    fingerprint: str
    """`SHA256:...`, as `ssh-keygen -l` and `ssh-add -l` show it."""


@dataclass(frozen=True)
class Verified:
    ok: bool
    principal: str | None
    """Who signed, as the allowed signers file names them (only when ok)."""
    fingerprint: str | None
    """The signing key's `SHA256:...`, whenever the signature can be read, valid or not."""
    reason: str
    """One line: who signed, or why the signature does not count."""


def payload(run_id: str, role: str, name: str, readiness: str, chain_head: str | None, time: datetime | str) -> bytes:
    """The bytes a sign-off's signature covers. Same fields, same bytes: a verifier rebuilds them from the log.

    `time` is a timezone-aware datetime (written as the log writes times) or that text already.
    """
    if isinstance(time, datetime):
        if time.tzinfo is None:
            raise ValueError("a sign-off's time needs a timezone")
        time = to_iso(time)
    fields = {
        "what": "heypeter-tui sign-off",
        "v": 1,
        "run": run_id,
        "role": role,
        "name": name,
        "readiness": readiness,
        "chain_head": chain_head,
        "time": time,
    }
    text = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    # A lone surrogate (JSON in the log can carry one) is kept as it is rather than replaced: two different
    # names must never give the same bytes.
    return text.encode("utf-8", "surrogatepass")


# --- ssh-keygen -------------------------------------------------------------------------------------------

_checked: dict[str, str | UserError] = {}  # ssh-keygen's path -> that path, or why it will not do


def check_ssh_keygen() -> str:
    """The path of an ssh-keygen that can sign and verify (OpenSSH 8.2 or later); UserError otherwise."""
    found = shutil.which("ssh-keygen")
    if found is None:
        raise UserError(f"ssh-keygen is not on PATH: SSH-signed sign-offs need OpenSSH {_minimum()} or later")
    if found not in _checked:
        _checked[found] = _check(found)
    result = _checked[found]
    if isinstance(result, UserError):
        raise result
    return result


def _minimum() -> str:
    return ".".join(map(str, MINIMUM))


def _check(path: str) -> str | UserError:
    shown = _show(path)
    # Only the ssh beside this ssh-keygen tells its version: another one on PATH may be another install.
    ssh = Path(path).with_name("ssh")
    version = None
    if ssh.is_file() and os.access(ssh, os.X_OK):
        try:
            result = _run([str(ssh), "-V"], "telling its version", timeout=10)
            said = (result.stderr + result.stdout).decode(errors="replace")
            version = re.search(r"OpenSSH\D{0,20}?(\d+)\.(\d+)", said)
        except UserError:
            version = None
    if version is not None:
        numbers = (int(version[1]), int(version[2]))
        if numbers < MINIMUM:
            return UserError(
                f"ssh-keygen at {shown} is OpenSSH {numbers[0]}.{numbers[1]}; "
                f"SSH-signed sign-offs need OpenSSH {_minimum()} or later"
            )
        return path
    # No ssh to ask (or not OpenSSH's): ask ssh-keygen itself. `-Y` with no argument prints the usage, whose
    # lines name each -Y operation this build knows.
    try:
        result = _run([path, "-Y"], "telling what it can do", timeout=10)
    except UserError as error:
        return error
    if b"find-principals" not in result.stderr + result.stdout:
        return UserError(
            f"ssh-keygen at {shown} cannot find who signed (no -Y find-principals); "
            f"SSH-signed sign-offs need OpenSSH {_minimum()} or later"
        )
    return path


def _environment() -> dict[str, str]:
    environment = dict(os.environ)
    # Never a graphical passphrase prompt either: it would wait as long as a terminal one. `never` is
    # OpenSSH 8.4's word for it; before that, askpass is tried only with a display, so the display goes too.
    environment["SSH_ASKPASS_REQUIRE"] = "never"
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "SSH_ASKPASS"):
        environment.pop(name, None)
    return environment


def _run(
    args: list[str], doing: str, data: bytes | None = None, timeout: float | None = None, hint: str = ""
) -> _Result:
    """Run without a controlling terminal: in a session of its own ssh-keygen cannot open /dev/tty, so a
    passphrase or PIN prompt reads stdin (/dev/null, or the data) and fails at once instead of waiting."""
    limit = TIMEOUT if timeout is None else timeout
    try:
        process = subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL if data is None else subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=_environment(),
            start_new_session=True,
        )
    except OSError as error:
        raise UserError(f"cannot run {_show(args[0])}: {_show(error.strerror or str(error))}") from None
    with process:
        try:
            out, err = process.communicate(data, timeout=limit)
        except subprocess.TimeoutExpired:
            # The whole group: ssh-keygen runs ssh-sk-helper for a hardware key.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise UserError(f"{Path(args[0]).name} did not finish {doing} within {limit:g} s{hint}") from None
    return _Result(process.returncode, out, err)


@dataclass(frozen=True)
class _Result:
    returncode: int
    stdout: bytes
    stderr: bytes


_NOISE = re.compile(
    r"^(?:Signing file .*|Write signature to .*|No principal matched\.|Could not verify signature\.|sig_\w+: .*)$"
)
_PROMPT = re.compile(r"Enter (?:passphrase|PIN)[^:]*: ")


def _detail(stderr: bytes) -> str:
    """ssh-keygen's complaint as one clean line, without its chatter and prompts."""
    # `strip("@ ")`: the frame ssh-keygen draws around a warning.
    lines = (_PROMPT.sub("", line).strip("@ \t") for line in stderr.decode(errors="replace").splitlines())
    return _show("; ".join(line for line in lines if line and not _NOISE.match(line)))


def _show(text: str) -> str:
    return shorten(clean_line(text).strip(), _SHOWN)


# --- signing ----------------------------------------------------------------------------------------------


def sign(payload: bytes, key: Path) -> Signed:
    """Sign `payload` with `key`: a private key file, or a public key (`.pub`) whose private half ssh-agent
    holds (hardware `sk-` keys too). UserError, one line, when it cannot be done."""
    program = check_ssh_keygen()
    key = Path(key)
    shown = _show(str(key))
    _check_readable(key, "the key file")
    listed = _run([program, "-l", "-E", "sha256", "-f", str(key)], f"reading the key {shown}")
    fields = listed.stdout.decode(errors="replace").split()
    if listed.returncode != 0 or len(fields) < 2 or not fields[1].startswith("SHA256:"):
        raise UserError(f"{shown} is not an SSH key: {_detail(listed.stderr) or 'ssh-keygen cannot read it'}")
    fingerprint = fields[1]
    with tempfile.TemporaryDirectory(prefix="heypeter-sign-") as folder:
        # The payload goes in a file, not on stdin: ssh-keygen reads a passphrase or a hardware key's PIN
        # from stdin when there is no terminal, and would take the payload for one (a wrong PIN counts
        # against the token's retries).
        data = Path(folder, "payload")
        write_private_file(data, payload)
        command = [program, "-Y", "sign", "-n", NAMESPACE, "-f", str(key), str(data)]
        result = _run(command, f"signing with {shown}", hint=" (a hardware key waiting for a touch?)")
        signature_file = data.with_name("payload.sig")
        if result.returncode != 0 or not signature_file.is_file():
            raise UserError(_sign_refusal(shown, result.stderr))
        signature = signature_file.read_text(encoding="ascii", errors="replace")
    parsed = _parse(signature)
    if parsed is None:
        raise UserError(f"ssh-keygen wrote no SSH signature for {shown}")
    return Signed(signature=signature, key_type=parsed[0], fingerprint=fingerprint)


def _sign_refusal(shown: str, stderr: bytes) -> str:
    text = stderr.decode(errors="replace")
    if "No private key found for public key" in text:
        if not os.environ.get("SSH_AUTH_SOCK"):
            return (
                f"the key {shown} is a public key and no ssh-agent is running (SSH_AUTH_SOCK is not set) "
                "to sign with its private half: start one and add the key with ssh-add"
            )
        return f"the key {shown} is a public key whose private half the ssh-agent does not hold: add it with ssh-add"
    if "are too open" in text:
        return f"the key file {shown} can be read by others, so ssh-keygen will not use it: chmod 600 it"
    if "Enter PIN" in text:
        return f"the key {shown} needs its PIN and no ssh-agent holds it: add it with ssh-add first"
    if "Enter passphrase" in text or "incorrect passphrase" in text:
        return f"the key {shown} needs its passphrase and no ssh-agent holds it: add it with ssh-add first"
    return f"ssh-keygen could not sign with {shown}: {_detail(stderr) or 'it gave no reason'}"


def _check_readable(path: Path, what: str) -> None:
    shown = _show(str(path))
    if not path.exists():
        raise UserError(f"{what} {shown} does not exist")
    if not path.is_file():
        raise UserError(f"{what} {shown} is not a file")
    try:
        with path.open("rb") as stream:
            stream.read(1)
    except OSError as error:
        raise UserError(f"{what} {shown} cannot be read: {_show(error.strerror or str(error))}") from None


# --- verifying --------------------------------------------------------------------------------------------


def verify(payload: bytes, signature: str, allowed_signers: Path, principals: list[str] | None = None,
           signed_at: str | None = None, revoked: tuple[str, ...] = ()) -> Verified:
    """Whether `signature` is a valid sign-off signature of `payload` by a key in `allowed_signers` (by one
    of `principals`, when given). A bad signature is ok=False with the reason; UserError only when the
    allowed signers file or ssh-keygen cannot be used.

    `signed_at` (the time the signature carries, ISO 8601): a key's `valid-after`/`valid-before` are judged then,
    not when someone happens to verify. `revoked` (checked `revoked_keys` entries): their signatures never count,
    said as revoked (ssh-keygen is given them as a KRL too)."""
    program = check_ssh_keygen()
    allowed_signers = Path(allowed_signers)
    _check_readable(allowed_signers, "the allowed signers file")
    parsed = _parse(signature) if len(signature) <= MAX_SIGNATURE_TEXT else None
    if parsed is None:
        return Verified(False, None, None, "the signature is not an SSH signature (malformed or cut short)")
    _, fingerprint, namespace = parsed
    if namespace != NAMESPACE:
        # ssh-keygen would refuse it too; this says which namespace it was made for.
        reason = f"the signature was made for {_show(repr(namespace))}, not for a sign-off ({NAMESPACE})"
        return Verified(False, None, fingerprint, reason)
    from heypeter_tui.core.signer_lines import krl_spec, revoked_fingerprint

    if fingerprint in {revoked_fingerprint(entry) for entry in revoked}:
        return Verified(False, None, fingerprint, f"the key {fingerprint} is revoked (the checklist's revoked_keys)")
    allowed = str(allowed_signers)
    timing = [f"-Overify-time={_verify_time(signed_at)}"] if signed_at else []
    revocation: list[str] = []
    with tempfile.TemporaryDirectory(prefix="heypeter-verify-") as folder:
        signature_file = Path(folder, "signature")
        write_private_file(signature_file, signature.encode("utf-8", "replace"))
        if revoked:
            spec, krl = Path(folder, "revoked.spec"), Path(folder, "revoked.krl")
            write_private_file(spec, krl_spec(revoked).encode())
            made = _run([program, "-k", "-f", str(krl), str(spec)], "making the list of revoked keys")
            if made.returncode != 0:
                raise UserError(f"ssh-keygen cannot make a list of the revoked keys: {_detail(made.stderr)}")
            revocation = ["-r", str(krl)]
        command = [program, "-Y", "find-principals", "-s", str(signature_file), "-f", allowed, *timing]
        found = _run(command, "finding who signed")
        signers = [line.strip() for line in found.stdout.decode(errors="replace").splitlines() if line.strip()]
        if found.returncode != 0 or not signers:
            detail = _detail(found.stderr)
            reason = f"the key {fingerprint} is not in the allowed signers" + (f" ({detail})" if detail else "")
            return Verified(False, None, fingerprint, reason)
        if principals is None:
            candidates = signers
        else:
            # ssh-keygen decides whether a principal may use this key (patterns, namespaces, validity):
            # the ones find-principals named are tried first, as the likeliest.
            wanted = list(dict.fromkeys(p for p in principals if p))
            candidates = [p for p in wanted if p in signers] + [p for p in wanted if p not in signers]
        complaints = b""
        for principal in candidates:
            command = [program, "-Y", "verify", "-f", allowed, "-I", principal, "-n", NAMESPACE, *timing, *revocation]
            result = _run([*command, "-s", str(signature_file)], "verifying a signature", data=payload)
            if result.returncode == 0:
                # The fingerprint shown is the one ssh-keygen verified, never the one the event claims.
                good = _GOOD.search(result.stdout.decode(errors="replace"))
                verified = good[1] if good else fingerprint
                return Verified(True, principal, verified, f"signed by {_show(principal)} ({verified})")
            complaints += result.stderr
    return Verified(False, None, fingerprint, _verify_refusal(complaints, signers, principals))


_GOOD = re.compile(r"^Good \S+ signature for .* with \S+ key (SHA256:[A-Za-z0-9+/]+)\s*$", re.MULTILINE)


def _verify_time(signed_at: str) -> str:
    """ssh-keygen's `verify-time` (YYYYMMDDHHMMSSZ, in UTC) for the ISO time a sign-off carries."""
    from datetime import timezone

    from heypeter_tui.core.clock import parse_iso

    return parse_iso(signed_at).astimezone(timezone.utc).strftime("%Y%m%d%H%M%SZ")


def signature_key(signature: object) -> tuple[str, str] | None:
    """(key type, fingerprint) of the key a signature was made with, read from the signature itself (never from what
    an event claims of it: ssh-keygen verifies with that very key); None when it is not an SSH signature."""
    parsed = _parse(signature) if isinstance(signature, str) and len(signature) <= MAX_SIGNATURE_TEXT else None
    return (parsed[0], parsed[1]) if parsed else None


def signature_fingerprint(signature: object) -> str | None:
    """The fingerprint of the key a signature was made with (`signature_key`)."""
    key = signature_key(signature)
    return key[1] if key else None


def _verify_refusal(complaints: bytes, signers: list[str], principals: list[str] | None) -> str:
    if b"incorrect signature" in complaints:
        return "the signature does not match this sign-off: it was made for other content, or the content changed"
    named, detail = _show(", ".join(signers)), _detail(complaints)
    if principals is not None and not any(principals):
        return f"signed by {named}, but no principal may sign here"
    if principals is not None and not detail:
        # ssh-keygen says nothing when the key is not one the principal may use.
        return f"signed by {named}, who is not one of: {_show(', '.join(principals))}"
    return f"ssh-keygen does not accept the signature by {named}: {detail or 'it gave no reason'}"


def _parse(signature: str) -> tuple[str, str, str] | None:
    """(key type, fingerprint, namespace) from an armored SSH signature; None when it is not one.

    Only reads the envelope (PROTOCOL.sshsig): whether the signature is valid is ssh-keygen's to say.
    """
    start, end = signature.find(_BEGIN), signature.find(_END)
    if start < 0 or end < start:
        return None
    body = "".join(signature[start + len(_BEGIN) : end].split())
    try:
        blob = base64.b64decode(body, validate=True)
        if blob[:6] != b"SSHSIG" or struct.unpack(">I", blob[6:10])[0] != 1:
            return None
        public_key, offset = _string(blob, 10)
        namespace, _ = _string(blob, offset)
        key_type, _ = _string(public_key, 0)
        names = key_type.decode("ascii"), namespace.decode("utf-8", "replace")
    except (ValueError, struct.error, UnicodeDecodeError):
        return None
    digest = base64.b64encode(hashlib.sha256(public_key).digest()).decode().rstrip("=")
    return names[0], f"SHA256:{digest}", names[1]


def _string(blob: bytes, offset: int) -> tuple[bytes, int]:
    """An SSH wire `string` (uint32 length, then that many bytes) at `offset`, and the offset after it."""
    (length,) = struct.unpack(">I", blob[offset : offset + 4])
    end = offset + 4 + length
    if end > len(blob):
        raise ValueError("cut short")
    return blob[offset + 4 : end], end
