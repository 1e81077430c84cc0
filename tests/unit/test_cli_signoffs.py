"""What the command line says about sign-offs as it changes them: what went stale, what a re-sign replaced."""

from __future__ import annotations

from pathlib import Path

import pytest

from heypeter_tui.cli import main

FIRST = "code-readiness/all-features-tested-and-approved"


def run(state_dir: Path, *args: str) -> int:
    return main(["--state-dir", str(state_dir), "--operator", "ci-bot", *args])


@pytest.fixture
def signed(state_dir: Path, capsys) -> list[str]:
    assert run(state_dir, "new", "Release 2.4.0") == 0
    roles = ["Tech Lead", "QA Lead", "Security Officer"]
    for role in roles:
        assert run(state_dir, "sign", role, "--name", "Dana") == 0
    capsys.readouterr()
    return roles


def test_a_mark_that_makes_sign_offs_stale_says_which_and_one_that_puts_them_back_says_nothing(
    state_dir: Path, capsys, signed
) -> None:
    assert run(state_dir, "mark", FIRST, "done") == 0
    out, err = capsys.readouterr()
    assert out == f"{FIRST}: done\n"
    assert err == ("heypeter-tui: this made 3 sign-offs stale (Tech Lead, QA Lead, Security Officer); "
                   "they must sign again for GO\n")
    assert run(state_dir, "mark", FIRST, "done") == 0
    assert capsys.readouterr().err == ""  # already stale: nothing new to say
    assert run(state_dir, "mark", FIRST, "pending") == 0
    assert capsys.readouterr().err == ""  # back to what they signed: fresh again
    assert run(state_dir, "status") == 0
    assert "stale" not in capsys.readouterr().out
    assert run(state_dir, "revoke", "QA Lead", "--reason", "away") == 0
    assert run(state_dir, "sign", "QA Lead", "--name", "Quinn") == 0
    capsys.readouterr()
    assert run(state_dir, "mark", "testing/load-testing-completed", "na", "--reason", "soak") == 0
    assert "this made 3 sign-offs stale" in capsys.readouterr().err


def test_one_sign_off_made_stale_is_said_in_the_singular(state_dir: Path, capsys) -> None:
    assert run(state_dir, "new", "R") == 0
    assert run(state_dir, "sign", "QA Lead", "--name", "Quinn") == 0
    capsys.readouterr()
    assert run(state_dir, "mark", FIRST, "blocked", "--reason", "regression") == 0
    assert "this made 1 sign-off stale (QA Lead);" in capsys.readouterr().err


def test_signing_a_signed_role_says_whose_sign_off_it_replaces(state_dir: Path, capsys, signed) -> None:
    assert run(state_dir, "sign", "Tech Lead", "--name", "Bob\x1b[31m") == 0
    out = capsys.readouterr().out
    assert out.startswith("Tech Lead signed by Bob")
    assert "(60 readiness items still open); replaces Dana's sign-off of " in out
    assert "\x1b" not in out and out.count("\n") == 1


def test_status_all_lists_every_reason_and_without_it_says_how_to(state_dir: Path, capsys, signed) -> None:
    assert run(state_dir, "status") == 0
    short = capsys.readouterr().out
    reasons = [line for line in short.splitlines() if line.startswith("  - ")]
    assert len(reasons) == 10
    assert short.splitlines()[-1] == "  … and 51 more reasons (--all lists every one)"
    assert run(state_dir, "status", "--all") == 0
    every = [line for line in capsys.readouterr().out.splitlines() if line.startswith("  - ")]
    assert len(every) == 61 and every[:10] == reasons
    assert every[-1] == "  - not signed: Operations Manager"
