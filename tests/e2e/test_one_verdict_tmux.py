"""One verdict for the whole team (issue 24), as two people see it: two "hosts" (homes of their own) on one PostgreSQL
run, the release engineer with no allowed_signers of their own and the QA lead with a file that knows only their own
key. The run's checklist names both keys, so both dashboards' headers say GO, both `status --gate` exit 0, and both
records' summaries are one."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.e2e.test_postgres_tmux import cli, host

CHECKLIST = """\
schema: 1
id: two-keys
title: Two keys
sections:
  - id: ready
    title: Ready
    items:
      - id: tested
        text: Tested
signoffs:
  - role: QA Lead
    principals: [qa@x.example]
    require_signature: true
  - role: Security Officer
    principals: [sec@x.example]
    require_signature: true
"""


def keygen(path: Path) -> str:
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(path)], check=True)
    return " ".join(path.with_suffix(".pub").read_text().split()[:2])


def test_two_hosts_with_different_local_signers_see_one_verdict(open_pane, installed, tmp_path, pg_url) -> None:
    engineer, qa = host(tmp_path, "release-engineer"), host(tmp_path, "qa-lead")
    keys = {name: tmp_path / name for name in ("qa", "sec")}
    lines = {name: f"{name}@x.example {keygen(key)}" for name, key in keys.items()}
    checklist = tmp_path / "two.yaml"
    checklist.write_text(CHECKLIST + "allowed_signers:\n" + "".join(f"  - {json.dumps(text)}\n"
                                                                    for text in lines.values()))
    (qa / "config" / "heypeter-tui").mkdir(parents=True)
    (qa / "own_signers").write_text(lines["qa"] + "\n")
    (qa / "config" / "heypeter-tui" / "config.yaml").write_text(f"allowed_signers: {qa / 'own_signers'}\n")
    for path in (qa / "config", qa / "config" / "heypeter-tui"):
        path.chmod(0o700)
    (qa / "config" / "heypeter-tui" / "config.yaml").chmod(0o600)
    cli(installed, engineer, pg_url, "store", "init")
    cli(installed, engineer, pg_url, "new", "Release 6", "--checklist", str(checklist))
    run = json.loads(cli(installed, engineer, pg_url, "status", "--json").stdout)["run"]
    cli(installed, engineer, pg_url, "--run", run, "mark", "ready/tested", "done")
    cli(installed, engineer, pg_url, "--run", run, "sign", "Security Officer", "--name", "Sam", "--ssh-key",
        str(keys["sec"]))
    cli(installed, qa, pg_url, "--run", run, "sign", "QA Lead", "--name", "Quinn", "--ssh-key", str(keys["qa"]))

    seen = []
    for home in (engineer, qa):
        gate = installed.run(home, "--store", pg_url, "--run", run, "status", "--gate")
        record = json.loads(cli(installed, home, pg_url, "--run", run, "export", "--format", "json").stdout)
        seen.append((gate.returncode, gate.stdout, {k: v for k, v in record["summary"].items() if k != "as_of"}))
    assert seen[0] == seen[1] and seen[0][0] == 0 and "verdict: GO" in seen[0][1]
    said = cli(installed, qa, pg_url, "--run", run, "verify").stdout  # the QA lead's own file: a second opinion
    assert "Security Officer: Sam: signed by sec@x.example" in said
    assert "verified (your own allowed_signers does not know this key)" in said

    panes = [open_pane("--store", pg_url, "--run", run, width=120, height=30, at=home) for home in (engineer, qa)]
    for pane in panes:
        screen = pane.wait_for(" GO ", "Two keys")
        assert " NO-GO " not in screen.splitlines()[1]
