"""What a check's output may not keep: the values of the environment's secrets, and the store's password.

A check runs with the user's environment (core/check_runner.py), so `env`, `set -x` or a verbose client prints
AWS_SECRET_ACCESS_KEY or PGPASSWORD into its output, which the log keeps for ever and the record hands to a change
ticket. Before any output is kept or shown, each such value is replaced by `[redacted $NAME]`:
- a variable whose name marks it as a secret (`*PASSWORD*`, `*PASSWD*`, `*SECRET*`, `*TOKEN*`, `*PASSPHRASE*`,
  `*CREDENTIAL*`, `*APIKEY*`, `*_KEY`, `*_KEY_*`, `PGPASS`…), whatever its case;
- the password in the user info of a URL held by any variable (`DATABASE_URL=postgresql://app:pw@db/x`);
- the passwords of the store's own connection string.
A value shorter than 4 characters, or a plain word such as `true`, is left alone: replacing every `1` or `yes` in
the output would hide what the check found, and protect nothing.

Replacing is done on the raw bytes, before they are decoded or cut to the kept tail, so a secret split across two
reads, or across the tail's first byte, is still replaced whole.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

MIN_SECRET = 4
_SECRET_NAME = re.compile(
    r"PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|CREDENTIAL|APIKEY|PRIVATE_?KEY|_KEY$|_KEY_|^KEY$|^PGPASS$",
    re.IGNORECASE,
)
_URL_PASSWORD = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s/@:]*:([^\s@]+)@")
_PLAIN_WORDS = frozenset({"true", "false", "null", "none", "unset", "empty", "disabled", "enabled"})


def is_secret_name(name: str) -> bool:
    return bool(_SECRET_NAME.search(name))


class Redactor:
    """Replaces each secret value it knows, on bytes or on text, by a marker naming where it came from."""

    def __init__(self, secrets: Mapping[str, str]) -> None:
        """`secrets`: each value and the marker it becomes. Short and plain values are left out."""
        kept = {value: marker for value, marker in secrets.items()
                if len(value) >= MIN_SECRET and value.strip().casefold() not in _PLAIN_WORDS}
        self._markers = {os.fsencode(value): marker.encode() for value, marker in kept.items()}
        ordered = sorted(self._markers, key=len, reverse=True)  # the longest first: a value inside another
        self._pattern = re.compile(b"|".join(map(re.escape, ordered))) if ordered else None
        self.longest = max(map(len, ordered), default=0)
        """Bytes to keep before a cut so that a secret across it is seen whole."""

    def __bool__(self) -> bool:
        return self._pattern is not None

    @classmethod
    def from_environment(cls, env: Mapping[str, str], store_passwords: tuple[str, ...] = ()) -> Redactor:
        secrets: dict[str, str] = {}
        for password in store_passwords:
            secrets[password] = "[redacted: the store's password]"
        for name in sorted(env):
            value = env[name]
            if is_secret_name(name):
                secrets.setdefault(value, f"[redacted ${name}]")
            for match in _URL_PASSWORD.finditer(value):
                secrets.setdefault(match.group(1), f"[redacted: a password in ${name}]")
        return cls(secrets)

    def bytes_from(self, window: bytes, cut: int = 0) -> bytes:
        """`window[cut:]` with every secret replaced: one that starts before `cut` and ends after it is replaced
        whole (its marker kept), one that ends before `cut` is dropped with what it cut."""
        if self._pattern is None:
            return window[cut:]
        parts, position = [], cut
        for match in self._pattern.finditer(window):
            if match.end() <= cut:
                continue
            if match.start() > position:
                parts.append(window[position:match.start()])
            parts.append(self._markers[match.group(0)])
            position = match.end()
        parts.append(window[position:])
        return b"".join(parts)

    def text(self, text: str) -> str:
        if self._pattern is None:
            return text
        return self.bytes_from(os.fsencode(text)).decode("utf-8", "surrogateescape")


NOTHING = Redactor({})
