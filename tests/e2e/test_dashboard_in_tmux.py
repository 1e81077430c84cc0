"""The installed heypeter-tui in a real terminal, as a person uses it."""

from __future__ import annotations

import json
import re
import stat
from datetime import datetime, timedelta, timezone
from pathlib import Path

from heypeter_tui.core.loader import load_checklist
from tests.conftest import BUILTIN_CHECKLIST

SECTIONS = [s.title for s in load_checklist(BUILTIN_CHECKLIST).sections]
PHASES = ["Pre-Deployment", "During Deployment", "Post-Deployment Validation", "Final Steps"]


def test_first_screen_tick_quit_restart(open_pane, home: Path) -> None:
    pane = open_pane()
    pane.wait_for("HeyPeter Academy LMS", *SECTIONS, *PHASES, "Sign-offs", "Emergency contacts",
                  "[ ] All features tested and approved")

    pane.send("1", "l", "Space")
    pane.wait_for("[x] All features tested and approved", "1/6")
    pane.send("q")
    assert pane.wait_exit() == 0

    pane.restart()
    screen = pane.wait_for("[x] All features tested and approved")
    assert "1/83" in screen

    state = home / "state" / "heypeter-tui"
    for path in [state, *state.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode & 0o077 == 0, f"{path} is readable by others ({oct(mode)})"


def test_small_terminal_and_resizes(open_pane) -> None:
    pane = open_pane(width=80, height=24)
    pane.wait_for("Code Readiness", "Emergency contacts", "Final Steps")
    for width, height in [(120, 40), (100, 30), (81, 24), (200, 60), (80, 24)]:
        pane.resize(width, height)
    pane.send("s")
    pane.wait_for("Role", "Signature", "Operations Manager")
    pane.send("q")
    assert pane.wait_exit() == 0


def test_bad_checklist_exits_2_with_one_line(open_pane, home: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema: 1\nid: x\ntitle: T\nsections:\n  - title: S\n    itemz: []\n")
    pane = open_pane("--checklist", str(bad))
    assert pane.wait_exit() == 2
    output = [line for line in pane.screen().splitlines() if line.strip() and not line.startswith("Pane is dead")]
    assert len(output) == 1 and "Traceback" not in output[0]
    assert output[0].startswith(f"heypeter-tui: {bad}:6:5: section 'S': unknown key 'itemz'; did you mean 'items'?")
    assert not (home / "state" / "heypeter-tui" / "runs").exists()


def test_installed_wheel_carries_the_checklist(installed, home: Path) -> None:
    listed = installed.run(home, "checklists")
    assert listed.returncode == 0
    assert str(installed.site / "heypeter_tui" / "data" / "checklists" / "heypeter-production.yaml") in listed.stdout
    assert installed.run(home, "new", "Release").returncode == 0
    exported = installed.run(home, "export", "--format", "json")
    record = json.loads(exported.stdout)
    assert sum(len(group["items"]) for group in record["sections"] + record["phases"]) == 83


def test_two_dashboards_and_a_pipeline_see_each_others_changes(open_pane, installed, home: Path) -> None:
    first = open_pane(width=120, height=40)
    first.wait_for("Emergency contacts")
    second = open_pane(width=100, height=30)
    second.wait_for("Emergency contacts")

    first.send("1", "l", "Space")
    first.wait_for("[x] All features tested and approved")
    second.wait_for("[x] All features tested and approved", "1/83")

    second.send("1", "l", "Down", "Space")
    second.wait_for("[x] Code review completed for all changes")
    first.wait_for("[x] Code review completed for all changes", "2/83")

    marked = installed.run(home, "--operator", "pipeline", "mark", "Final code review", "done")
    assert marked.returncode == 0, marked.stderr
    first.wait_for("3/83")
    second.wait_for("3/83")
    runs = list((home / "state" / "heypeter-tui" / "runs").glob("*.jsonl"))
    assert len(runs) == 1  # both dashboards hold the same run


def test_a_run_three_hours_ahead_counts_down(open_pane, installed, home: Path) -> None:
    created = installed.run(home, "new", "Release 2.4.0", "--t0", "+3h")
    assert created.returncode == 0, created.stderr
    t0 = json.loads(installed.run(home, "status", "--json").stdout)["t0"]
    pane = open_pane()
    screen = pane.wait_for("Release 2.4.0", "Pre-Deploy", "T-0")  # its title cut where its due carries a date
    before = datetime.now(timezone.utc)
    screen = pane.wait_for("Release 2.4.0", "Pre-Deploy", "T-0")  # a second look: the clock has drawn since
    after = datetime.now(timezone.utc)
    shown = re.search(r"T-(\d\d):(\d\d):(\d\d)", screen)
    assert shown, screen
    left = timedelta(hours=int(shown[1]), minutes=int(shown[2]), seconds=int(shown[3]))
    moment = datetime.fromisoformat(t0.replace("Z", "+00:00"))
    # What the pane showed lies between T-0 less the time after the look and T-0 less the time before it:
    # the real clock, bracketed by our own readings of it, with a second for the once-a-second redraw.
    assert moment - after - timedelta(seconds=2) <= left <= moment - before + timedelta(seconds=1)
    due = next(line for line in screen.splitlines() if "Pre-Deploy" in line)
    due_at = moment - timedelta(hours=2)  # due at T-0 minus two hours, in local time (UTC here)
    # With its date when that is not today (run after 22:00 it is tomorrow's): never a bare time that looks like today.
    shown_due = f" {due_at:%H:%M} " if due_at.date() == after.date() else f" {due_at:%b %d %H:%M} "
    assert shown_due in due, due


def type_fields(pane, *values: str) -> None:
    """A form typed ahead in one burst, as a fast typist or a paste does: each field, tab to the next, enter."""
    keys: list[str] = []
    for value in values:
        keys += [value, "Tab"]
    pane.send(*keys[:-1], "Enter")


def test_every_pane_by_key_sign_and_edit_a_contact(open_pane) -> None:
    pane = open_pane()
    pane.wait_for("Emergency contacts")
    firsts = ["All features tested and approved", "Production servers provisioned", "Production database created",
              "Production environment variables set", "Application monitoring configured", "HTTPS enforced",
              "Database backup automated", "API documentation updated", "Smoke tests on production",
              "Support team trained"]
    for key, first in zip("1234567890", firsts):
        pane.send(key)
        pane.wait_for(f"[ ] {first}")
    for first in [
        "Final code review",
        "Enable maintenance mode",
        "Application loads correctly",
        "Disable maintenance mode",
    ]:
        pane.send("d")
        pane.wait_for(f"[ ] {first}")
    pane.send("g")
    pane.wait_for("Standing in the way (64):")
    pane.send("s")
    pane.wait_for("Signature")
    pane.send("Enter")
    pane.wait_for("Sign off as Tech Lead", "Sign anyway")
    type_fields(pane, "Dana Lee", "DL")
    pane.wait_for("[x] Tech Lead", "Dana Lee")
    pane.send("c")
    pane.wait_for("Phone", "Email")
    pane.send("Down", "Enter")
    pane.wait_for("Emergency contact: DevOps")
    type_fields(pane, "Sam Ortiz", "+1 555 0142", "sam@example.com")
    pane.wait_for("Sam Ortiz", "+1 555 0142", "sam@example.com")
