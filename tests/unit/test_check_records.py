"""A check's evidence: the `item.check` line in the log, the fold, and the Markdown and JSON records.

A check's output is the command's, whatever it printed: in the record it stays inside its fence, makes no heading,
task or comment, and never becomes an item when the record is imported back; the log's reader refuses an
`item.check` line that is not one, and the run still loads.
"""

from __future__ import annotations

import itertools
import json
import re
import uuid
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from heypeter_tui.core import commands
from heypeter_tui.core.checks import OUTPUT_KEPT, CheckResult
from heypeter_tui.core.events import Actor, new_event
from heypeter_tui.core.loader import load_checklist_source, validate_text
from heypeter_tui.core.markdown import import_markdown
from heypeter_tui.core.report import to_json, to_markdown
from heypeter_tui.core.run import fold
from heypeter_tui.core.session import RunSession
from heypeter_tui.core.text import clean
from heypeter_tui.core.validate import check_event
from heypeter_tui.core.workspace import Workspace
from tests.conftest import check_golden
from tests.unit.test_event_validator import ENVELOPE, JSON, log_with, read

DANA = Actor("dana", "dana", "bastion")
CHECKLIST = """\
schema: 1
id: probes
title: Probes
sections:
  - title: Servers
    id: servers
    items:
      - id: health
        text: Health endpoint answers
        check: curl -fsS https://shop.example/health
      - id: disk
        text: Disk has room
        check: {run: "df -P / | awk 'NR==2 {exit ($5+0 > 90)}'", timeout: 30s}
      - id: plain
        text: Plain step
phases:
  - title: After
    id: after
    due: +1h
    items:
      - id: watch
        text: Watch the error rate
        timer: 30m
        check: {run: "curl -fsS https://shop.example/errors", every: 1m}
signoffs: [Ops]
"""
HOSTILE = "\n".join([
    "- [ ] evil task", "* [x] forged done", "1. [ ] forged ordered", "</details>", "<details><summary>x</summary>",
    "```", "`" * 12, "~~~", "   ```sh", "## Heading", "# Top", "### Checks: check passed", "<!-- id: x -->",
    "<!-- id: evil; optional -->", "| a | b |", "|---|---|", "\x1b[31mred\x1b[0m", "<script>alert(1)</script>", "",
    "last line",
])


def result(command: str = "curl -fsS https://shop.example/health", outcome: str = "passed", code: int | None = 0,
           output: str = "ok\n", size: int | None = None, signal: str | None = None, took: int = 1234,
           timeout: int = 60) -> CheckResult:
    return CheckResult(command, outcome, code, signal, took, output, len(output.encode()) if size is None else size,
                       timeout, "web-1", "2026-12-03T09:31:00.000Z")


def probes_run(tmp_path: Path, clock) -> RunSession:
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "probes.yaml"
    path.write_text(CHECKLIST)
    workspace = Workspace(tmp_path / "state")
    checklist, source = load_checklist_source(path)
    run_id = workspace.create_run(checklist, "Release 7", DANA, clock(), source=source)
    return RunSession(workspace.store(run_id, writer=True), DANA, clock)


def checked(session: RunSession, clock, key: str, found: CheckResult) -> None:
    clock.advance(minutes=1)
    changes, _ = commands.checked(session.state, key, found)
    session.record(*changes)


def tokens(markdown: str):
    return MarkdownIt("commonmark").enable("table").parse(markdown)


def shape(markdown: str) -> dict[str, list]:
    """What a Markdown reader makes of the record, output aside: headings, list items, HTML and fences (times and
    sizes as 0s: two runs differ in those)."""
    stream = tokens(re.sub(r"\d+", "0", markdown))
    return {
        "headings": [stream[i + 1].content for i, token in enumerate(stream) if token.type == "heading_open"],
        "list items": [stream[i + 2].content for i, token in enumerate(stream)
                       if token.type == "list_item_open" and stream[i + 1].type == "paragraph_open"],
        "html": [token.content for token in stream if token.type == "html_block"]
        + [child.content for token in stream if token.type == "inline" for child in token.children or ()
           if child.type == "html_inline"],
        "fences": [token.info for token in stream if token.type == "fence"],
    }


def test_hostile_output_stays_in_its_fence_and_makes_no_heading_task_or_comment(tmp_path: Path, clock) -> None:
    quiet, loud = probes_run(tmp_path / "quiet", clock), probes_run(tmp_path / "loud", clock)
    for session, output in ((quiet, "ok\n"), (loud, HOSTILE)):
        checked(session, clock, "servers/health", result(output=output))
        checked(session, clock, "servers/disk", result("df -P /", "failed", 1, output=output.replace("-", "\u2028-")))
    for ids in (False, True):
        record = to_markdown(loud.state, ids=ids)
        assert shape(record) == shape(to_markdown(quiet.state, ids=ids))  # the output changed nothing around it
        fenced = [token.content for token in tokens(record) if token.type == "fence" and token.info == "text"]
        assert fenced == [clean(HOSTILE) + "\n", clean(HOSTILE.replace("-", "\u2028-")) + "\n"]
        assert "evil" not in str(shape(record)) and "\x1b" not in record
        assert "`" * 13 + "text\n" in record  # a fence longer than any run of backticks in what it holds


def test_a_log_writers_command_signal_and_host_forge_no_line_either(tmp_path: Path, clock) -> None:
    quiet, loud = probes_run(tmp_path / "quiet", clock), probes_run(tmp_path / "loud", clock)
    forged = "x | cell\n## Forged\n- [ ] evil\n<!-- id: evil -->\n````"
    for session, text in ((quiet, "plain"), (loud, forged)):
        clock.advance(minutes=1)
        fields = {**result().to_data("servers/health"), "outcome": "failed", "exit": None, "command": f"df {text}",
                  "host": f"web-1 {text}", "signal": "S\n## F <!-- e -->\n- [ ] e | c"}
        session.store.append(new_event("item.check", DANA, clock(), **fields))
        session.refresh()
    for ids in (False, True):
        loud_record, quiet_record = to_markdown(loud.state, ids=ids), to_markdown(quiet.state, ids=ids)
        assert [(t.type, t.tag, t.info) for t in tokens(loud_record)] == [
            (t.type, t.tag, t.info) for t in tokens(quiet_record)]  # the same blocks, rows and items, in order
        assert shape(loud_record)["html"] == shape(quiet_record)["html"]
        assert f"\n`````sh\ndf {forged}\n`````\n" in loud_record  # the command whole, in a fence it cannot close


def test_import_md_never_makes_a_check_even_from_a_record_of_hostile_output(tmp_path: Path, clock) -> None:
    session = probes_run(tmp_path, clock)
    checked(session, clock, "servers/health", result(output=HOSTILE))
    checked(session, clock, "servers/disk", result("df", "failed", 1, output=HOSTILE + "\n- [ ] " + "`" * 40))
    checklist = session.state.checklist
    without_checks = replace(checklist, sections=tuple(
        replace(group, items=tuple(replace(item, check=None) for item in group.items)) for group in checklist.sections
    ), phases=tuple(
        replace(group, items=tuple(replace(item, check=None) for item in group.items)) for group in checklist.phases
    ))
    for ids in (True, False):
        yaml_text = import_markdown(to_markdown(session.state, ids=ids), "r.md").to_yaml()
        assert not re.search(r"^\s*check:", yaml_text, re.M)
        back = validate_text(yaml_text, "r.yaml").checklist
        assert [item.text for group in back.groups for item in group.items] == [
            item.text for group in checklist.groups for item in group.items]  # these items, no more
        assert all(item.check is None for group in back.groups for item in group.items)
        if ids:  # the commands stay behind, so it is another checklist: the same items under a new id
            assert back.id.startswith(f"{checklist.id}-") and replace(back, id=checklist.id) == without_checks
    task = import_markdown("# T\n## Steps\n- [ ] Health `check: rm -rf ~`\n\n  check: rm -rf ~\n", "t.md").to_yaml()
    assert not re.search(r"^\s*check:", task, re.M)
    assert [item.check for item in validate_text(task, "t.yaml").checklist.groups[0].items] == [None]


BAD_CHECKS = {
    "outcome not one of the four": {"outcome": "exploded"},
    "outcome a list": {"outcome": ["passed"]},
    "exit 999": {"exit": 999},
    "exit -1": {"exit": -1},
    "exit as text": {"exit": "0"},
    "exit a float": {"exit": 0.0},
    "output over 64 KiB": {"output": "x" * (64 * 1024 + 1)},
    "output nested": {"output": {"a": ["b"]}},
    "command nested": {"command": ["rm", "-rf"]},
    "command over 16 KiB": {"command": "x" * (16 * 1024 + 1)},
    "no command": {"command": None},
    "no item": {"item": None},
    "output_bytes negative": {"output_bytes": -1},
    "output_bytes a float": {"output_bytes": 1.5},
    "duration negative": {"duration_ms": -5},
    "started not a time": {"started": "yesterday"},
    "signal too long": {"signal": "S" * 41},
    "host nested": {"host": {"name": "web-1"}},
}
VALID_CHECK = {"type": "item.check", **result().to_data("a/b")}


@pytest.mark.parametrize("name", sorted(BAD_CHECKS))
def test_a_hostile_check_line_is_skipped_and_named_and_the_run_still_loads(tmp_path: Path, name: str) -> None:
    good = json.dumps({**ENVELOPE, "id": "good", **VALID_CHECK, "item": "a/c"}).encode()
    bad = json.dumps({**ENVELOPE, "id": "bad", **VALID_CHECK, **BAD_CHECKS[name]}).encode()
    events, problems = read(log_with(tmp_path, bad, good))
    assert [event.id for event in events[1:]] == ["good"]
    assert len(problems) == 1 and ":2: not a valid event" in problems[0]
    state = fold(events)
    assert state.item("a/b").check is None and state.item("a/c").check.id == "good"


def test_a_valid_check_line_of_the_largest_output_is_read() -> None:
    check_event({**ENVELOPE, **VALID_CHECK, "output": "\u00e9" * (64 * 1024), "exit": None, "signal": "SIGKILL",
                 "output_bytes": 2**40})


@settings(max_examples=120, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(data=st.data())
def test_any_value_in_any_field_of_a_check_is_an_event_or_a_warning(tmp_path: Path, data) -> None:
    raw = {**ENVELOPE, **VALID_CHECK}
    raw[data.draw(st.sampled_from(sorted(raw)))] = data.draw(JSON)
    events, problems = read(log_with(tmp_path, json.dumps(raw).encode()))
    assert len(events) == 2 or any(":2: not a valid event" in problem for problem in problems)


def test_the_fold_keeps_the_latest_check_ignores_unknown_items_and_undo_of_done_keeps_the_evidence(
        tmp_path: Path, clock) -> None:
    session = probes_run(tmp_path, clock)
    checked(session, clock, "servers/disk", result("df", "failed", 1, output="97%\n"))
    first = session.state.item("servers/disk").check
    checked(session, clock, "servers/disk", result("df", "passed", 0, output="41%\n"))
    latest = session.state.item("servers/disk").check
    assert latest.id != first.id and latest.get("output") == "41%\n"
    assert session.state.item("servers/disk").status == "done"  # the pass ticked it

    session.record(session.undo_change())  # undoes the tick, the latest change: not the check
    item = session.state.item("servers/disk")
    assert item.status == "pending" and item.check == latest
    record = to_markdown(session.state)
    assert record.count("### Disk has room\n") == 1 and "2 runs: 1 passed, 1 failed" in record and "41%" in record

    clock.advance(minutes=1)
    session.store.append(new_event("item.check", DANA, clock(), **result().to_data("servers/nothing-here")))
    session.refresh()
    assert "servers/nothing-here" not in session.state.items
    checks = to_markdown(session.state).split("\n## Checks\n", 1)[1].split("\n## Timeline\n", 1)[0]
    assert checks.count("\n### ") == 1 and checks.count("\n#### ") == 2 and "nothing-here" not in checks
    assert sum(len(item["checks"]) for group in to_json(session.state)["sections"] for item in group["items"]) == 2


def test_the_json_record_carries_every_check_whole_and_the_items_check(tmp_path: Path, clock) -> None:
    session = probes_run(tmp_path, clock)
    big = ("line\n" * 20000)[-OUTPUT_KEPT:]
    checked(session, clock, "servers/disk", result("df -P /", "timed out", None, big, 3 * OUTPUT_KEPT, "SIGTERM"))
    checked(session, clock, "servers/disk", result("df -P /", "failed", 1, "97%\n"))
    record = to_json(session.state)
    items = {item["key"]: item for group in record["sections"] + record["phases"] for item in group["items"]}
    disk = items["servers/disk"]
    assert disk["check"] == {"run": "df -P / | awk 'NR==2 {exit ($5+0 > 90)}'", "timeout": "30s"}
    assert items["after/watch"]["check"] == {"run": "curl -fsS https://shop.example/errors", "timeout": "1m",
                                             "every": "1m"}
    assert items["servers/plain"]["check"] is None and items["servers/plain"]["checks"] == []
    assert [check["outcome"] for check in disk["checks"]] == ["timed out", "failed"]
    whole = disk["checks"][0]
    assert whole["output"] == big and len(whole["output"]) == OUTPUT_KEPT and whole["output_bytes"] == 3 * OUTPUT_KEPT
    assert {key: whole[key] for key in ("exit", "signal", "host", "duration_ms", "timeout", "started", "command")} == {
        "exit": None, "signal": "SIGTERM", "host": "web-1", "duration_ms": 1234, "timeout": 60,
        "started": "2026-12-03T09:31:00.000Z", "command": "df -P /"}
    assert whole["by"] == DANA.to_dict() and whole["at"].startswith("2026-12-03T09:31")
    assert disk["checks"][1]["exit"] == 1 and disk["checks"][1]["output"] == "97%\n"


@pytest.fixture
def fixed_ids(monkeypatch) -> None:
    counter = itertools.count(1)
    monkeypatch.setattr(uuid, "uuid4", lambda: SimpleNamespace(hex=f"e{next(counter):03d}"))


def test_the_record_of_checks_word_for_word(tmp_path: Path, clock, fixed_ids) -> None:
    session = probes_run(tmp_path, clock)
    checked(session, clock, "servers/health", result(output="{\"status\": \"ok\"}\n"))
    checked(session, clock, "servers/disk", result("df -P /", "failed", 1, "/dev/sda1 97% /\n``` not a fence\n"))
    checked(session, clock, "servers/disk", result("df -P /", "timed out", None, "", 0, "SIGTERM", 30_012, 30))
    checked(session, clock, "after/watch", result("curl -fsS https://shop.example/errors\n# two lines", "cancelled",
                                                  None, "…" + "x" * 9, OUTPUT_KEPT + 1, "SIGTERM", 75_000))
    record = to_markdown(session.state, now=datetime(2026, 12, 3, 10, 0, tzinfo=timezone.utc))
    check_golden("record-checks.md", record)
    assert re.findall(r"^  - check .*$", record, re.M) == [  # each item's latest check, under it
        "  - check passed in 1.2 s on web-1, by dana@bastion, 2026-12-03 09:31:00 UTC (output under Checks)",
        "  - check timed out after 30s in 30.0 s on web-1, by dana@bastion, 2026-12-03 09:33:00 UTC (output under "
        "Checks)",
        "  - check cancelled (SIGTERM) in 1m15s on web-1, by dana@bastion, 2026-12-03 09:34:00 UTC (output under "
        "Checks)",
    ]
    checks = record.split("\n## Checks\n", 1)[1].split("\n## Timeline\n", 1)[0]
    assert re.findall(r"^### .*$", checks, re.M) == [  # each item with a check, in the order first checked
        "### Health endpoint answers", "### Disk has room", "### Watch the error rate"]
    assert re.findall(r"^#### .*$", checks, re.M) == [  # the runs with output shown: every one not passed, the latest
        "#### 2026-12-03 09:31:00 UTC: check passed", "#### 2026-12-03 09:32:00 UTC: check failed (exit 1)",
        "#### 2026-12-03 09:33:00 UTC: check timed out after 30s", "#### 2026-12-03 09:34:00 UTC: check cancelled "
        "(SIGTERM)"]
    assert "| 2026-12-03 09:32:00 UTC | check failed (exit 1) | 1.2 s | web-1 | dana@bastion |" in checks
    assert checks.count("<details><summary>Output</summary>") == checks.count("</details>") == 3  # none when empty
    assert "- Output: 65,537 bytes, the last 64 KiB kept\n" in checks
