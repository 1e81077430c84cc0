"""A check's output keeps no secret: a real trusted check running `env` prints the environment, and neither the
terminal, the log nor the record keeps a value of a variable named as a secret, a URL's password, or the store's
password. Short and plain values are left alone, so that what the check found still reads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from heypeter_tui.cli import main
from heypeter_tui.core.check_runner import Tail
from heypeter_tui.core.redaction import Redactor

CHECKLIST = """schema: 1
id: envcheck
title: Env Check
sections:
  - id: ready
    title: Ready
    items:
      - id: env
        text: Environment is set
        check: |
          env; printf 'split= %s|%s\\n' "$PGPASSWORD" "$FEATURE_TOKEN_ENABLED"
signoffs: [Tech Lead]
"""

SECRETS = {
    "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCY",
    "PGPASSWORD": "pg-Pa55word-value",
    "GITHUB_TOKEN": "ghp_16C7e42F292c6912E7710c838347Ae178B4a",
    "deploy_key": "dk-0123456789abcdef",
    "SIGNING_PASSPHRASE": "correct horse battery staple",
    "AZURE_CREDENTIALS": "azure-cred-98765",
    "SMTP_PASSWD": "smtp-pw-4567",
    "STRIPE_APIKEY": "sk_live_abcdef123456",
    "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
}


def run(state: Path, *args: str) -> int:
    return main(["--state-dir", str(state), "--operator", "ci-bot", *args])


def checked(tmp_path: Path, capsys, *store: str) -> tuple[str, dict]:
    """`check` of the `env` item, trusted first: what the terminal showed, and the JSON record."""
    checklist = tmp_path / "envcheck.yaml"
    checklist.write_text(CHECKLIST)
    state = tmp_path / "state"
    assert run(state, *store, "--checklist", str(checklist), "new", "Release") == 0
    assert run(state, *store, "trust", "--yes") == 0
    capsys.readouterr()
    assert run(state, *store, "check", "ready/env") == 0
    shown = "".join(capsys.readouterr())
    assert run(state, *store, "export", "--format", "json") == 0
    return shown, json.loads(capsys.readouterr().out)


@pytest.fixture
def secret_environment(monkeypatch) -> None:
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("DATABASE_URL", "postgresql://app:Url-Pw-9876@db.example/app")
    monkeypatch.setenv("SHORT_TOKEN", "abc")
    monkeypatch.setenv("FEATURE_TOKEN_ENABLED", "true")


def test_a_check_running_env_keeps_no_secret_in_the_terminal_the_log_or_the_record(
        secret_environment, tmp_path: Path, capsys) -> None:
    shown, record = checked(tmp_path, capsys)
    kept = record["sections"][0]["items"][0]["checks"][-1]["output"]
    logs = "".join(path.read_text() for path in (tmp_path / "state").rglob("*.jsonl"))
    for where in (shown, kept, logs):
        for value in (*SECRETS.values(), "Url-Pw-9876"):
            assert value not in where
    for name in SECRETS:
        assert f"{name}=[redacted ${name}]" in kept
    assert "split= [redacted $PGPASSWORD]|true" in kept and "split= [redacted $PGPASSWORD]|true" in shown
    assert "DATABASE_URL=postgresql://app:[redacted: a password in $DATABASE_URL]@db.example/app" in kept
    assert "SHORT_TOKEN=abc" in kept  # too short to be told from noise: left as it is


def test_the_store_password_is_kept_out_of_check_output(pg_store: str, tmp_path: Path, capsys, monkeypatch) -> None:
    store = f"{pg_store} password=Store-Pa55-4321"  # trust authentication: the server never asks for it
    monkeypatch.setenv("HEYPETER_TUI_STORE", store)  # and `env` prints it, under a name that says nothing
    shown, record = checked(tmp_path, capsys)
    kept = record["sections"][0]["items"][0]["checks"][-1]["output"]
    assert "Store-Pa55-4321" not in shown + kept
    assert "password=[redacted: the store's password]" in kept


def test_a_secret_across_reads_and_across_the_kept_tails_first_byte_is_replaced_whole() -> None:
    hidden = Redactor({"SECRETVALUE": "[r]"})
    tail = Tail(limit=16, hidden=hidden)
    for chunk in (b"x" * 40, b"aaSECR", b"ETVAL", b"UEbbbbbbbbbbbb", b"cc"):
        tail.add(chunk)  # the first chunks are trimmed away; the secret's last two bytes are in the kept 16
    assert tail.text() == "[r]bbbbbbbbbbbbcc"  # the secret began before the kept 16 bytes: replaced whole
    assert tail.text(4) == "bbcc"
    assert hidden.text("a SECRETVALUE and SECRETVALUE") == "a [r] and [r]"
