"""Keys typed without a pause, as one burst into the real terminal: each lands where it was meant to."""

from __future__ import annotations

import json
from pathlib import Path


def record(installed, home: Path) -> dict:
    exported = installed.run(home, "export", "--format", "json")
    assert exported.returncode == 0, exported.stderr
    return json.loads(exported.stdout)


def test_a_burst_through_dialogs_fills_each_field_in_order(open_pane, installed, home: Path) -> None:
    pane = open_pane()
    pane.wait_for("[ ] All features tested and approved")
    # The sign dialog opens a moment after enter: the name, tab and the signature are typed before it is up.
    pane.send("s", "l", "Enter", "Dana Tech", "Tab", "DT", "Enter")
    pane.wait_for("[x] Tech Lead")
    # A note typed straight after `n` (its first letters would otherwise tick or move the list)...
    pane.send("1", "l", "j", "n", "hello world", "C-s")
    pane.wait_for("✎ 1 note")
    # ...an N/A with its reason, `y` to the question it raises (Dana's sign-off goes stale), and T-0: one burst.
    pane.send("j", "x", "not in this release", "Enter", "y", "T", "+2h", "Enter")
    pane.wait_for("[-] No critical bugs in issue tracker", "T-01:59")
    run = record(installed, home)
    signed = {s["role"]: s for s in run["signoffs"]}["Tech Lead"]
    assert (signed["name"], signed["signature"]) == ("Dana Tech", "DT")
    items = {item["id"]: item for section in run["sections"] for item in section["items"]}
    assert [n["text"] for n in items["code-review-completed-for-all-changes"]["notes"]] == ["hello world"]
    na = items["no-critical-bugs-in-issue-tracker"]
    assert (na["status"], na["reason"]) == ("na", "not in this release")
    assert items["all-features-tested-and-approved"]["status"] == "pending"  # nothing typed landed on the list


def test_a_bad_t0_keeps_its_dialog_and_the_keys_after_it(open_pane, installed, home: Path) -> None:
    pane = open_pane()
    pane.wait_for("no T-0 (T)")
    pane.send("T", "soon", "Enter", "x")  # refused in place: the `x` after it is typed into the field
    pane.wait_for("'soonx' is not a time")  # said as typed, under the field
    # An editing key is the field's own binding, which Textual runs after the letters already queued for the
    # field: a burst of ctrl+u and letters is not kept in order (typed by a person, each key lands first).
    pane.send("C-u")
    pane.wait_for("e.g. 14:00")
    pane.send("+1h", "Enter")
    pane.wait_for("T-00:59")
    assert record(installed, home)["run"]["t0"] is not None


def test_a_search_typed_in_one_burst_goes_to_the_item_and_ticks_it(open_pane, installed, home: Path) -> None:
    pane = open_pane()
    pane.wait_for("[ ] All features tested and approved")
    # The search opens a moment after `/`: the word, enter and the space after it are typed before it is up.
    pane.send("/", "firewall", "Enter", "Space")
    pane.wait_for("[x] Firewall rules configured")
    items = {item["id"]: item for section in record(installed, home)["sections"] for item in section["items"]}
    assert items["firewall-rules-configured"]["status"] == "done"
    assert items["all-features-tested-and-approved"]["status"] == "pending"  # no letter landed on the list
