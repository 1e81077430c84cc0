"""The record's first screen (core/record_summary.py): the verdict and how it was reached, every exception, who
signed, within the first 40 lines; ids only with --ids, and either way the record imports back to its checklist."""

from __future__ import annotations

import contextlib
import io
import re
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from markdown_it import MarkdownIt

from heypeter_tui.cli import main
from heypeter_tui.cli.commands import cmd_export
from heypeter_tui.cli.parser import COMMON_OPTIONS, build_parser
from heypeter_tui.core import commands
from heypeter_tui.core.durations import parse_duration
from heypeter_tui.core.events import Actor
from heypeter_tui.core.loader import load_checklist_source, validate_text
from heypeter_tui.core.markdown import import_markdown
from heypeter_tui.core.record_summary import FIRST_SCREEN, summarize
from heypeter_tui.core.record_text import md_line
from heypeter_tui.core.report import to_json, to_markdown
from heypeter_tui.core.session import RunSession
from heypeter_tui.core.workspace import Workspace
from tests.conftest import GOLDEN
from tests.unit.test_record_golden import AS_OF, DANA, a_whole_run

READINESS = ("code/tested", "code/docs", "security/scan")
ROLES = ("Tech Lead", "QA Lead", "Ops")


def golden_run(tmp_path: Path, clock, title: str = "R") -> RunSession:
    """A new run of the golden checklist (tests/data/golden/checklist.yaml), T-0 an hour from its start."""
    workspace = Workspace(tmp_path / "state")
    checklist, source = load_checklist_source(GOLDEN / "checklist.yaml")
    run_id = workspace.create_run(checklist, title, DANA, clock(), clock() + timedelta(hours=1), source)
    return RunSession(workspace.store(run_id, writer=True), DANA, clock)


def act(session: RunSession, *changes) -> None:
    for change in changes:
        session.record(change(session.state))


def first_screen(markdown: str) -> str:
    return "\n".join(markdown.splitlines()[:FIRST_SCREEN])


def verdict_line(session: RunSession) -> str:
    return next(line for line in to_markdown(session.state).splitlines() if line.startswith("- **Verdict:** "))


def export(state_dir: Path, capsys, *args: str) -> str:
    capsys.readouterr()
    assert main(["--state-dir", str(state_dir), "export", *args]) == 0
    return capsys.readouterr().out


# -- the first screen -------------------------------------------------------------------------------------------


def test_the_first_40_lines_hold_the_verdict_each_exception_and_each_signer(tmp_path: Path, clock) -> None:
    session = a_whole_run(tmp_path, clock)
    integrity = session.integrity()
    summary = summarize(session.state, AS_OF, integrity)
    screen = first_screen(to_markdown(session.state, integrity, now=AS_OF))
    assert "- **Verdict:** NO-GO: 1 item blocked, 1 stale sign-off\n" in screen
    assert len(summary.deviations) == 10
    for deviation in summary.deviations:
        assert f"\n- {md_line(deviation.text)}\n" in screen
    assert {deviation.kind for deviation in summary.deviations} == {
        "log", "blocked", "override", "revoked", "resigned", "stale", "overdue", "na", "open_phase_item"}
    for role, name, signature in (("Tech Lead", "Dana Lee", "DL"), ("QA Lead", "Sam Quinn", "Sam Quinn"),
                                  ("Ops", "Olga Park", "OP")):
        row = rf"^\| {role} \| all readiness \| {name} \| {signature} \| 2026-12-03 [\d:]+ UTC \| (current|stale)"
        assert re.search(row, screen, re.MULTILINE), role


def test_a_long_list_is_cut_to_the_first_screen_and_counts_the_rest_by_kind(context) -> None:
    """A new run of the built-in checklist: every step of deployment day open (23), plus 40 N/A items, a revoke
    and five roles: the sign-offs still fit, the cut says how many more of which kind."""
    session = context.current_session()
    for key in list(session.state.checklist.readiness_keys)[:40]:
        act(session, lambda s, key=key: commands.set_status(s, key, "na", "not this release"))
    act(session, lambda s: commands.sign(s, "QA Lead", "Q"), lambda s: commands.revoke(s, "QA Lead", "too early"))
    record = to_markdown(session.state)
    to_json_record = to_json(session.state)["summary"]
    screen = first_screen(record)
    assert "\n64 exceptions: 1 revoked sign-off, 40 N/A items, 23 deployment-day items open.\n" in screen
    shown = [line for line in screen.splitlines() if line.startswith(("- Sign-off revoked: ", "- N/A: "))]
    cut = re.search(r"^- … and (\d+) more \((\d+) N/A items, 23 deployment-day items open\): see their items below$",
                    screen, re.MULTILINE)
    assert cut and len(shown) + int(cut[1]) == 64 and len(shown) - 1 + int(cut[2]) == 40
    assert shown[0].startswith("- Sign-off revoked: QA Lead (signed by Q), by alice (")
    for role in ("Tech Lead", "QA Lead", "Security Officer", "Product Manager", "Operations Manager"):
        assert f"\n| {role} | all readiness |  |  |  | not signed |" in screen
    assert len(record.splitlines()[FIRST_SCREEN - 1]) == 0  # the sign-off table ends on the 39th line
    assert len(to_json_record["exceptions"]) == 64  # the JSON record cuts nothing
    assert to_json_record["counts"] == {"revoked": 1, "na": 40, "open_phase_item": 23}


def test_a_run_without_exceptions_says_so(tmp_path: Path, clock) -> None:
    session = golden_run(tmp_path, clock)
    act(session, *(lambda s, key=key: commands.set_status(s, key, "done") for key in READINESS + ("code/lb",)))
    act(session, *(lambda s, role=role: commands.sign(s, role, role) for role in ROLES))
    phases = [key for key in session.state.checklist.items_by_key if key.split("/")[0] in ("pre", "during", "after")]
    act(session, *(lambda s, key=key: commands.set_status(s, key, "done") for key in phases))
    record = to_markdown(session.state, now=clock() + timedelta(days=1))
    assert "## Exceptions\n\nNone: nothing N/A, blocked, overridden, revoked, signed again, stale, overdue or open" in (
        record)
    assert to_json(session.state)["summary"]["exceptions"] == []


# -- the verdict and how it was reached ----------------------------------------------------------------------------


def test_the_verdict_says_go_go_with_overrides_or_no_go_with_its_reasons_counted(tmp_path: Path, clock) -> None:
    session = golden_run(tmp_path, clock)
    assert verdict_line(session) == "- **Verdict:** NO-GO: 3 readiness items open, 3 roles not signed"
    act(session, lambda s: commands.set_status(s, "during/on", "done", override="CTO | ok\n- [x] forged"))
    act(session, lambda s: commands.set_status(s, "code/tested", "done"), lambda s: commands.sign(s, "Ops", "O"))
    act(session, lambda s: commands.set_status(s, "code/docs", "blocked", "legal"))
    assert verdict_line(session) == (
        "- **Verdict:** NO-GO: 1 readiness item open, 1 item blocked, 1 stale sign-off, 2 roles not signed")
    act(session, lambda s: commands.set_status(s, "code/docs", "done"))
    act(session, lambda s: commands.set_status(s, "security/scan", "na", "none"))
    act(session, *(lambda s, role=role: commands.sign(s, role, role) for role in ROLES))
    assert verdict_line(session) == (
        "- **Verdict:** GO with 1 override: every required readiness item done or N/A, nothing blocked, every "
        "sign-off given for the readiness there now; 1 gated step ticked while the gate said NO-GO")
    session.record(session.undo_change())  # Ops's signature undone: NO-GO again, the override still stands
    act(session, lambda s: commands.set_status(s, "during/off", "done", override="rollback"))
    act(session, lambda s: commands.sign(s, "Ops", "O"))
    assert verdict_line(session).startswith("- **Verdict:** GO with 2 overrides: every required readiness item")
    resigned = [d.text for d in summarize(session.state).deviations if d.kind == "resigned"]
    assert resigned == ["Signed again: Ops by O, 2026-12-03 09:30:00 UTC, over the signature of O, "
                        "2026-12-03 09:30:00 UTC"]  # once: the signature undone between never happened
    assert to_json(session.state)["summary"]["verdict"] == "GO with 2 overrides"
    assert [o["ref"] for o in to_json(session.state)["summary"]["overrides"]] == ["during/on", "during/off"]
    act(session, *(lambda s, key=key: commands.set_status(s, key, "pending") for key in ("during/on", "during/off")))
    assert verdict_line(session).startswith("- **Verdict:** GO: every required readiness item done or N/A")


def test_overdue_is_judged_by_the_clock_the_export_is_given(tmp_path: Path, clock, context) -> None:
    """Never the system clock: the CLI passes its context's (injected) clock, and the same log reads overdue or not
    by it alone. During is due at T-0 (an hour after the start), Pre-Deployment at T-2h."""
    golden_run(tmp_path, clock)
    argv = ["export"]
    before = capture_export(context, argv)
    assert "Overdue: Pre-Deployment, due 2026-12-03 08:30:00 UTC (T-2h), 1 of 1 item open" in before
    assert "Overdue: During" not in before and "- **As of:** 2026-12-03 09:30:00 UTC\n" in before
    clock.advance(hours=1)
    assert "Overdue: During" not in capture_export(context, argv)  # due this very second: not yet late
    clock.advance(seconds=1)
    after = capture_export(context, argv)
    assert "- Overdue: During, due 2026-12-03 10:30:00 UTC (T-0), 3 of 3 items open\n" in after
    assert "- **As of:** 2026-12-03 10:30:01 UTC\n" in after
    assert '"as_of": "2026-12-03T10:30:01.000Z"' in capture_export(context, ["export", "--format", "json"])


def capture_export(context, argv: list[str]) -> str:
    args = build_parser(argv).parse_args(argv)
    for name in COMMON_OPTIONS:  # as the CLI's _run leaves them where not given
        setattr(args, name, getattr(args, name, None))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert cmd_export(context, args) == 0
    return out.getvalue()


# -- singular and plural ----------------------------------------------------------------------------------------


def test_the_record_says_one_and_many(tmp_path: Path, clock) -> None:
    session = golden_run(tmp_path, clock)
    act(session, lambda s: commands.sign(s, "Tech Lead", "T"), lambda s: commands.set_status(s, "code/lb", "na", "x"))
    act(session, lambda s: commands.set_status(s, "code/tested", "done"), lambda s: commands.sign(s, "QA Lead", "Q"))
    record = to_markdown(session.state, now=clock() - timedelta(hours=3))  # before any phase is due
    assert "| T | T | 2026-12-03 09:30:00 UTC | stale: signed before the latest readiness change; 4 readiness " \
           "items open when signed |" in record
    assert "| Q | Q | 2026-12-03 09:30:00 UTC | current; 2 readiness items open when signed |" in record
    assert "\n8 exceptions: 1 stale sign-off, 1 N/A item, 6 deployment-day items open.\n" in record
    assert "- **Verdict:** NO-GO: 2 readiness items open, 1 stale sign-off, 1 role not signed\n" in record
    act(session, lambda s: commands.set_status(s, "code/docs", "done"), lambda s: commands.sign(s, "Ops", "O"))
    record = to_markdown(session.state, now=clock() - timedelta(hours=3))
    assert "| O | O | 2026-12-03 09:30:00 UTC | current; 1 readiness item open when signed |" in record
    assert "- **Verdict:** NO-GO: 1 readiness item open, 2 stale sign-offs\n" in record
    assert "- **Integrity:** 1 event read;" not in record and "- **Integrity:** 7 events read;" in record


# -- ids only when asked, and the record imports back either way ---------------------------------------------------


def shape(data: dict) -> list[tuple[str, str, int | None, list[str]]]:
    """A checklist's groups (as imported, or as schema-1 data): kind, title, due, and item texts in order."""
    def texts(group: dict) -> list[str]:
        return [item if isinstance(item, str) else item["text"] for item in group["items"]]

    def due(group: dict) -> int | None:
        return parse_duration(group["due"]) if "due" in group else None

    return [(kind, group["title"], due(group), texts(group)) for kind in ("sections", "phases") for group in data[kind]]


def test_export_writes_ids_only_with_the_flag_and_imports_back_either_way(tmp_path: Path, clock, capsys) -> None:
    session = a_whole_run(tmp_path, clock)  # N/A, blocked, overrides, a revoke, notes that look like tasks
    checklist = session.state.checklist
    state_dir = tmp_path / "state"
    plain, with_ids = export(state_dir, capsys), export(state_dir, capsys, "--ids")
    assert "<!--" not in plain and "-->" not in plain
    assert re.match(r"# Golden \\\| record <!-- id: golden; digest: [0-9a-f]{64} -->\n", with_ids)
    assert "### During (T-0) <!-- id: during; gated -->" in with_ids
    assert "- [x] Watch the graphs <!-- id: watch; timer: 30m -->" in with_ids
    assert '"id": "golden"' in export(state_dir, capsys, "--format", "json", "--ids")  # JSON always has its ids
    expected = checklist.to_dict()
    for record in (plain, with_ids):
        imported = import_markdown(record, "record.md").data
        assert shape(imported) == shape(expected)
        assert imported["title"] == checklist.title and imported["signoffs"] == list(checklist.signoffs)
    back = validate_text(import_markdown(with_ids, "record.md").to_yaml(), "back.yaml").checklist
    assert replace(back, contacts=()) == replace(checklist, contacts=())  # with --ids: ids, flags and all
    # (its contacts are the run's, changed during the run: DevOps cleared, DBA set)
    loose = validate_text(import_markdown(plain, "record.md").to_yaml(), "back.yaml").checklist
    assert loose is not None and loose.id != checklist.id
    ids = [[item.id for group in each.groups for item in group.items] for each in (loose, checklist)]
    assert ids[0] != ids[1]  # without --ids, ids are made from the texts: the golden checklist's are not


# -- text is data ----------------------------------------------------------------------------------------------


HOSTILE = "x\n- [x] forged | cell <!-- id: f --> `c` **b** [l](http://e) # h"


def test_hostile_text_in_every_summary_line_stays_on_its_line_and_in_its_cell(tmp_path: Path, clock) -> None:
    session = golden_run(tmp_path, clock)
    session.actor = Actor(HOSTILE.replace("\n", " "), "u\n- [x] user", "h|x")
    act(session, lambda s: commands.set_status(s, "code/lb", "na", HOSTILE),
        lambda s: commands.set_status(s, "code/docs", "blocked", HOSTILE),
        lambda s: commands.set_status(s, "during/on", "done", override=HOSTILE),
        lambda s: commands.sign(s, "Ops", HOSTILE, HOSTILE), lambda s: commands.revoke(s, "Ops", HOSTILE),
        lambda s: commands.sign(s, "Ops", HOSTILE, HOSTILE), lambda s: commands.sign(s, "QA Lead", HOSTILE),
        lambda s: commands.set_status(s, "code/tested", "done"))
    for ids in (False, True):
        record = to_markdown(session.state, now=clock() + timedelta(hours=2), ids=ids)
        head = record.split("## Run details")[0]
        listed = head.split("## Exceptions\n\n")[1].split("\n\n## Sign-offs")[0].splitlines()
        assert listed[0] == ("15 exceptions: 1 blocked item, 1 override, 1 revoked sign-off, 1 re-sign, 2 stale "
                             "sign-offs, 3 overdue phases, 1 N/A item, 5 deployment-day items open.")
        assert len(listed) == 2 + 15 and all(line.startswith("- ") for line in listed[2:])
        stream = MarkdownIt("commonmark").enable("table").parse(head)
        items = [t for t in stream if t.type == "list_item_open"]
        assert len(items) == 4 + 15  # the verdict, product, run, as-of; each exception; nothing forged
        inline = [c for t in stream if t.type == "inline" for c in t.children or ()]
        assert not [c for c in inline if c.type in ("link_open", "code_inline", "em_open")]
        comments = [c.content for c in inline if c.type == "html_inline"]
        assert [re.sub(r"; digest: \w+", "", c) for c in comments] == (["<!-- id: golden -->"] if ids else [])
        assert not [t for t in stream if t.type in ("html_block", "heading_open") and "forged" in t.content]
        cells = [stream[i + 1] for i, t in enumerate(stream) if t.type == "td_open"]
        assert len(cells) == 6 * 3  # three roles, six cells each: a pipe in a name or signature stays in its cell
        ops = "".join(c.content for c in cells[14].children or ())  # Ops's name, as a reader sees it
        assert ops == HOSTILE.replace("\n", " ")
        assert "forged" not in "".join(line for line in head.splitlines() if line.startswith("- [x]"))
        for line in listed[2:]:
            assert line.count("\\|") == line.count("|") and "\n" not in line
