"""The keys a checklist names: `allowed_signers:` (OpenSSH's allowed_signers lines) and `revoked_keys:`.

They travel in the run's first line with the rest of the checklist, so the chain protects them and every reader
verifies a sign-off against the same keys: the verdict is a function of the run alone, never of a reader's files.

Each line is checked here, strictly and without ssh-keygen (the loader and the fold run where OpenSSH may be
missing): one line, the principals, the options OpenSSH knows, a key type, and a base64 key blob that names that
same type. Whatever passes is written into a file for `ssh-keygen -Y verify` exactly as given: a line that
ssh-keygen would read otherwise than it reads here cannot get in.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import struct

MAX_LINE = 16 * 1024
"""An RSA-16384 key line is about 2.8 KB: a line longer than this is not a key."""
MAX_LINES = 1000
"""Keys a checklist may name: a team, not a directory service."""

KEY_TYPES = frozenset({
    "ssh-ed25519", "ssh-rsa", "ssh-dss", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
    "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com",
})
OPTIONS = frozenset({"cert-authority", "namespaces", "valid-after", "valid-before"})
"""What OpenSSH's allowed_signers format knows (ssh-keygen(1), ALLOWED SIGNERS); anything else is refused."""

_OPTION = r'[A-Za-z-]+(?:="[^"\\\x00-\x1f\x7f]*")?'
_LINE = re.compile(
    rf"(?P<principals>[^\s\"]+)"
    rf"(?:[ \t]+(?P<options>{_OPTION}(?:,{_OPTION})*))?"
    r"[ \t]+(?P<type>[a-z0-9@.-]+)[ \t]+(?P<blob>[A-Za-z0-9+/]+={0,2})"
    r"(?:[ \t]+(?P<comment>[^\x00-\x1f\x7f]*))?"
)
_FINGERPRINT = re.compile(r"SHA256:[A-Za-z0-9+/]{43}")
_VALIDITY = re.compile(r"\d{8}(?:\d{4}(?:\d{2})?)?Z?")


def _printable(line: str) -> bool:
    return line.isascii() and not any(ord(ch) < 0x20 and ch != "\t" or ord(ch) == 0x7F for ch in line)


def key_fingerprint(blob: bytes) -> str:
    """`SHA256:…` of a public key blob, as `ssh-keygen -l` prints it."""
    return "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")


def _key_blob(key_type: str, text: str) -> bytes:
    """The decoded blob of a key, checked to name `key_type` in its first field; ValueError otherwise."""
    if key_type not in KEY_TYPES:
        raise ValueError(f"{key_type[:40]!r} is not an SSH key type ({', '.join(sorted(KEY_TYPES))})")
    try:
        blob = base64.b64decode(text, validate=True)
        (length,) = struct.unpack(">I", blob[:4])
    except (binascii.Error, struct.error):
        raise ValueError("its key is not base64 of an SSH public key") from None
    if blob[4:4 + length] != key_type.encode():
        raise ValueError(f"its key is not an {key_type} key (the key's own type differs)")
    return blob


def allowed_signer(line: object) -> str:
    """One allowed_signers line, checked: the line itself (surrounding blanks dropped); ValueError saying what is
    wrong. Comments and blank lines are no signers: a list names keys, one a line."""
    if not isinstance(line, str):
        raise ValueError("an allowed signer is one line of text")
    line = line.strip()
    if not line:
        raise ValueError("an allowed signer is an empty line")
    if len(line) > MAX_LINE:
        raise ValueError(f"an allowed signer is a line of at most {MAX_LINE:,} characters")
    if not _printable(line):
        raise ValueError("an allowed signer is one line of plain ASCII (no line break, control or other character)")
    if line.startswith("#"):
        raise ValueError("an allowed signer is a key line, not a comment")
    found = _LINE.fullmatch(line)
    if found is None:
        raise ValueError("an allowed signer is `PRINCIPALS [OPTIONS] KEYTYPE BASE64 [COMMENT]`, as OpenSSH writes it")
    for option in (found["options"] or "").split(",") if found["options"] else ():
        name, _, value = option.partition("=")
        if name.lower() not in OPTIONS:
            raise ValueError(f"an allowed signer's option {name[:40]!r} is not one of {', '.join(sorted(OPTIONS))}")
        if name.lower() in ("valid-after", "valid-before") and not _VALIDITY.fullmatch(value.strip('"')):
            raise ValueError(f"{name}= is a date as OpenSSH writes it: YYYYMMDD[HHMM[SS]][Z]")
    _key_blob(found["type"], found["blob"])
    return line


def principals_of(line: str) -> tuple[str, ...]:
    """The principal patterns an allowed_signers line names (comma-separated, as OpenSSH reads them)."""
    return tuple(found["principals"].split(",")) if (found := _LINE.fullmatch(line)) else ()


def revoked_key(entry: object) -> str:
    """One revoked key, checked: a `SHA256:…` fingerprint or a public key line (`ssh-ed25519 AAAA… [comment]`),
    returned as given (stripped); ValueError saying what is wrong."""
    if not isinstance(entry, str) or not entry.strip():
        raise ValueError("a revoked key is a SHA256: fingerprint or a public key line")
    entry = entry.strip()
    if len(entry) > MAX_LINE or not _printable(entry):
        raise ValueError("a revoked key is one line of plain ASCII")
    if entry.startswith("SHA256:"):
        if not _FINGERPRINT.fullmatch(entry):
            raise ValueError("a revoked fingerprint is SHA256: and 43 base64 characters, as ssh-keygen -l prints it")
        return entry
    fields = entry.split()
    if len(fields) < 2:
        raise ValueError("a revoked key is a SHA256: fingerprint or a public key line (KEYTYPE BASE64 [COMMENT])")
    _key_blob(fields[0], fields[1])
    return entry


def revoked_fingerprint(entry: str) -> str:
    """The fingerprint an entry of `revoked_keys` names (a checked entry)."""
    if entry.startswith("SHA256:"):
        return entry
    return key_fingerprint(base64.b64decode(entry.split()[1]))


def krl_spec(entries: tuple[str, ...]) -> str:
    """`ssh-keygen -k`'s specification of a KRL revoking every entry (by fingerprint: one form for both kinds)."""
    return "".join(f"hash: {revoked_fingerprint(entry)}\n" for entry in entries)


def checked_lines(values: object, what: str, check) -> tuple[str, ...]:
    """A list (or one block of text, a line each) of checked lines; ValueError naming the first that is wrong."""
    if isinstance(values, str):
        values = [line for line in values.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    if not isinstance(values, list):
        raise ValueError(f"{what} is a list of lines")
    if len(values) > MAX_LINES:
        raise ValueError(f"{what} holds at most {MAX_LINES:,} lines")
    lines: list[str] = []
    for number, value in enumerate(values, 1):
        try:
            lines.append(check(value))
        except ValueError as error:
            raise ValueError(f"{what} line {number}: {error}") from None
    return tuple(lines)
