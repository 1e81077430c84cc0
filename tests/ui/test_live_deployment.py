"""Working a live deployment: N/A, blocked, notes, operator, undo, history, runs, others' changes."""

from __future__ import annotations

from textual.widgets import OptionList, TextArea

from heypeter_tui.core import commands
from heypeter_tui.core.events import Actor
from heypeter_tui.core.session import RunSession
from heypeter_tui.ui.screens.dialogs import NoteDialog, OperatorDialog, ReasonDialog
from heypeter_tui.ui.screens.item_detail import ItemDetailScreen, item_detail
from heypeter_tui.ui.screens.run_picker import RunPicker
from heypeter_tui.ui.widgets.activity import Activity
from heypeter_tui.ui.widgets.header import RunHeader
from heypeter_tui.ui.widgets.items import ItemList
from heypeter_tui.ui.widgets.navigator import Navigator
from tests.ui.conftest import poll, workers_done

LB = "infrastructure-setup/load-balancer-configured-if-applicable"
FIRST = "code-readiness/all-features-tested-and-approved"


async def palette_settled(app, pilot) -> None:
    """The palette searches in workers: wait for them, not for luck."""
    await app.workers.wait_for_complete()
    await pilot.pause()


async def checklists_checked(app, pilot) -> None:
    """The checklist picker validates its files in a worker thread: wait for it (the flow's worker that opened
    the picker waits for the picker, so not for every worker)."""
    await workers_done(app, "checklists")
    await pilot.pause()


def prompts(app) -> list[str]:
    return [option.prompt.plain for option in app.query_one(ItemList).rows]


async def test_x_marks_na_with_a_required_reason(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("2", "l", *["down"] * 4, "x")
        assert isinstance(app.screen, ReasonDialog)
        await pilot.press("enter")  # empty: refused, the dialog stays
        assert isinstance(app.screen, ReasonDialog)
        await pilot.press(*"single app node", "enter")
        assert (app.state.item(LB).status, app.state.item(LB).reason) == ("na", "single app node")
        assert prompts(app)[4] == (
            "[-] Load balancer configured (if applicable) (optional)  N/A · alice · 09:30  single app node"
        )
        assert "1/6" in app.query_one(Navigator).rows[2].prompt.plain  # N/A counts as complete


async def test_b_blocks_and_the_navigator_marks_the_section(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("1", "l", "b", *"QA still testing", "enter")
        assert app.state.item(FIRST).status == "blocked"
        assert prompts(app)[0].startswith(
            "[!] All features tested and approved  owner QA Lead  blocked · alice · 09:30  QA still testing"
        )
        row = app.query_one(Navigator).rows[1].prompt.plain
        assert row.startswith(" 1!Code Readiness")
        await pilot.press("escape")  # nothing open: harmless


async def test_n_adds_a_note_of_several_lines_and_enter_shows_history(make_app, clock) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("1", "l", "space")
        clock.advance(minutes=5)
        await pilot.press("n")
        assert isinstance(app.screen, NoteDialog)
        app.screen.query_one(TextArea).text = "staging run #41 green\nsee PR #1234"
        await pilot.press("ctrl+s")
        assert app.state.item(FIRST).notes[0].text == "staging run #41 green\nsee PR #1234"
        assert "✎ 1 note" in prompts(app)[0]
        await pilot.press("enter")
        assert isinstance(app.screen, ItemDetailScreen)
        history = item_detail(app.state, app.screen.key, app.now).plain
        assert "2026-12-03 09:30 UTC  alice" in history and "All features tested and approved: done" in history
        assert (
            "2026-12-03 09:35 UTC  alice" in history
            and "note on All features tested and approved: staging run #41 green\nsee PR #1234" in history
        )


async def test_o_sets_the_operator_shown_and_recorded(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("o")
        assert isinstance(app.screen, OperatorDialog)
        await pilot.press(*["backspace"] * 10, *"carol", "enter")
        assert "operator carol" in app.query_one(RunHeader).render().plain
        await pilot.press("1", "l", "space")
        actor = app.state.item(FIRST).actor
        assert actor.operator == "carol" and actor.user and actor.host


async def test_u_and_ctrl_z_walk_back_through_this_dashboards_changes(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("1", "l", "space", "down", "space", "down", "b", *"waiting", "enter")
        second = "code-readiness/code-review-completed-for-all-changes"
        third = "code-readiness/no-critical-bugs-in-issue-tracker"
        await pilot.press("u")
        assert app.state.item(third).status == "pending"
        await pilot.press("ctrl+z")
        assert app.state.item(second).status == "pending"
        assert app.state.item(FIRST).status == "done"
        assert [e.type for e in app.state.events].count("undo") == 2  # nothing erased: undo is an event
        await pilot.press("u", "u")
        assert app.state.item(FIRST).status == "pending"
        assert len(app.state.events) == 1 + 3 + 3  # created, three changes, three undos


async def test_switch_run_from_the_palette(make_app, context) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("1", "l", "space")
        other = context.create_run("Release 2.4.1", None)
        context.workspace.set_current(app.state.run_id)
        await pilot.press("ctrl+p", *"switch run")
        await palette_settled(app, pilot)
        await pilot.press("enter")
        assert isinstance(app.screen, RunPicker)
        picker = app.screen.query_one(OptionList)
        assert [o.prompt.plain.splitlines()[0].strip() for o in picker.options][0] == "Release 2.4.1"
        await pilot.press("home", "enter")
        await app.workers.wait_for_complete()
        assert app.state.run_id == other and app.state.title == "Release 2.4.1"
        assert app.state.item(FIRST).status == "pending"
        assert context.workspace.current_id() == other
        assert prompts(app)[0].startswith("[ ] All features")


async def test_others_changes_show_within_a_poll_with_the_cursor_kept(make_app, context, clock, monkeypatch) -> None:
    app = make_app()
    notified: list[tuple[str, str]] = []
    monkeypatch.setattr(app, "notify", lambda message, title="", **_: notified.append((title, message)))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("1", "l", "down", "down")
        bob = RunSession(context.workspace.store(app.state.run_id), Actor("bob", "bob", "laptop"), clock)
        bob.record(commands.set_status(bob.state, FIRST, "done"))
        await poll(app, pilot)
        assert app.state.item(FIRST).actor.operator == "bob"
        items = app.query_one(ItemList)
        assert items.highlighted_key == "code-readiness/no-critical-bugs-in-issue-tracker"  # same item, not row
        assert prompts(app)[0].endswith("done · bob · 09:30")
        activity = app.query_one(Activity)
        assert activity.display and notified == []  # said on the activity line, not as a notification
        assert activity.render().plain == "bob (bob@laptop): 1 change · latest: All features tested and approved: done"
        for item in ("code-readiness/code-review-completed-for-all-changes", "testing/smoke-tests-on-production"):
            bob.record(commands.set_status(bob.state, item, "done"))
            await poll(app, pilot)  # one poll each: the same line counts up
        await pilot.pause()
        assert activity.render().plain == "bob (bob@laptop): 3 changes · latest: Smoke tests on production: done"
        clock.advance(seconds=9)
        app.tick()
        await pilot.pause()
        assert not activity.display  # gone a while after they stop


async def test_new_run_from_the_palette_carries_contacts_and_takes_a_t0(make_app, context, monkeypatch) -> None:
    app = make_app()
    said: list[tuple[str, str]] = []
    async with app.run_test(size=(120, 40)) as pilot:
        monkeypatch.setattr(app, "notify", lambda message, title="", **_: said.append((title, message)))
        await pilot.press("c", "l", "enter", *"Ada", "enter", "enter", "enter")
        first = app.state.run_id
        await pilot.press("ctrl+p", *"new run")
        await palette_settled(app, pilot)
        await pilot.press("enter")
        await pilot.press(*"Release 3.0", "enter", *"2026-12-10 14:00", "enter")
        assert app.state.run_id != first and app.state.title == "Release 3.0"
        assert app.state.t0 == "2026-12-10T14:00:00.000Z"
        assert app.state.contacts["Tech Lead"].name == "Ada"
        assert context.workspace.current_id() == app.state.run_id
        assert ("Contacts", f"carried 1 contact from {first}") in said


async def test_new_run_from_a_users_own_checklist(make_app, tmp_path, monkeypatch) -> None:
    own = tmp_path / "cfg" / "checklists"
    own.mkdir(parents=True)
    (own / "team.yaml").write_text(
        "schema: 1\nid: team\ntitle: Team release\nsections:\n  - title: Prep\n    items: [a, b]\n"
        "contacts:\n  - role: devops\n"
    )
    app = make_app()
    said: list[tuple[str, str]] = []
    async with app.run_test(size=(120, 40)) as pilot:
        monkeypatch.setattr(app, "notify", lambda message, title="", **_: said.append((title, message)))
        first = app.state.run_id
        for role, name in (("DevOps", "Bob"), ("Security", "Sam")):
            app.session.record(commands.set_contact(app.session.state, role, name, "", ""))
        await pilot.press("ctrl+p", *"new run from")
        await palette_settled(app, pilot)
        await pilot.press("enter")
        await checklists_checked(app, pilot)
        picker = app.screen.query_one(OptionList)
        titles = [o.prompt.plain.splitlines()[0] for o in picker.options]
        assert titles == ["Production Deployment Checklist", "Team release"]
        await pilot.press("down", "enter", *"Team drill", "enter", "enter")
        assert (app.state.checklist.id, app.state.title) == ("team", "Team drill")
        assert [o.prompt.plain for o in app.query_one(ItemList).rows] == ["[ ] a", "[ ] b"]
        assert {role: contact.name for role, contact in app.state.contacts.items()} == {"devops": "Bob"}
        assert ("Contacts", f"carried 1 contact from {first}; not carried (not in this checklist): Security") in said


async def test_the_first_run_can_be_renamed_from_the_palette_and_u_undoes_it(make_app) -> None:
    """The first launch makes a run with a title of its own choosing: Rename run… gives it the team's."""
    from heypeter_tui.ui.widgets.header import RunHeader

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        made = app.state.title
        await pilot.press("ctrl+p", *"rename run")
        await palette_settled(app, pilot)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("ctrl+a", "ctrl+k", *"Release 2.4.1", "enter")
        await pilot.pause()
        assert app.state.title == "Release 2.4.1" and "Release 2.4.1" in app.query_one(RunHeader).render().plain
        assert [e.get("title") for e in app.state.events if e.type == "run.renamed"] == ["Release 2.4.1"]
        await pilot.press("u")
        await pilot.pause()
        assert app.state.title == made


async def test_a_new_run_refused_at_save_keeps_its_dialog_and_what_was_typed(make_app, state_dir) -> None:
    """The run cannot be made (its folder is not one: a real OSError): the dialog stays with the title and T-0
    typed and says why; once the folder is back, enter makes it (the dialog closed and the typing was gone)."""
    from textual.widgets import Input, Static

    from heypeter_tui.ui.screens.dialogs import NewRunDialog

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        first = app.state.run_id
        await pilot.press("ctrl+p", *"new run")
        await palette_settled(app, pilot)
        await pilot.press("enter")
        await pilot.pause()
        runs = state_dir / "runs"
        runs.rename(state_dir / "runs-away")
        runs.write_text("not a folder")
        await pilot.press(*"Release 3.0", "tab", *"+2h", "enter")
        for _ in range(50):
            await pilot.pause()
        assert isinstance(app.screen, NewRunDialog) and app.state.run_id == first
        assert app.screen.query_one("#field-title", Input).value == "Release 3.0"
        assert "runs: not a directory" in " ".join(str(w.render()) for w in app.screen.query(Static))
        runs.unlink()
        (state_dir / "runs-away").rename(runs)
        await pilot.press("enter")
        for _ in range(50):
            await pilot.pause()
            if app.state.run_id != first:
                break
        assert app.state.run_id != first and app.state.title == "Release 3.0"


async def test_a_dialog_open_across_a_switch_saves_nothing_into_the_run_switched_to(make_app, context) -> None:
    """A note typed on one run, the palette's Switch run… to another of the same checklist, then ctrl+s: the note went
    into the run switched to (found by the walkthrough). It stays in its dialog, said, and neither run changes."""
    from heypeter_tui.ui.screens.dialogs import NoteDialog

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        first = app.state.run_id
        other = context.create_run("Release 9", None)
        await pilot.press("1", "l", "n", *"for the first run only")
        await pilot.pause()
        assert isinstance(app.screen, NoteDialog)
        app.switch_run(other)
        for _ in range(20):
            await pilot.pause()
        assert app.state.run_id == other
        await pilot.press("ctrl+s")
        for _ in range(20):
            await pilot.pause()
        assert isinstance(app.screen, NoteDialog)
        notes = [e for run in (first, other) for e in context.workspace.store(run).load() if e.type == "item.note"]
        assert notes == []


async def test_a_first_launch_among_runs_skips_one_it_cannot_read_and_says_which_it_opened(state_dir, tmp_path,
                                                                                        clock) -> None:
    """No run is current on this host yet: the newest run that can be read opens, said with who made it; a newer
    one that cannot be read (planted: a log of a bare line) locks nobody out (it was exit 2 for every newcomer)."""
    from heypeter_tui.context import Context
    from heypeter_tui.ui.app import HeyPeterApp

    maker = Context(state_dir=state_dir, operator="alice", clock=clock, config_path=tmp_path / "a" / "config.yaml")
    team = maker.create_run("Release 5", None)
    clock.advance(seconds=5)
    broken = state_dir / "runs" / "20991231-000000-future.jsonl"
    broken.write_text('{"not": "an event"}\n')
    broken.chmod(0o600)
    (state_dir / "current").unlink()
    newcomer = Context(state_dir=state_dir, operator="bob", clock=clock, config_path=tmp_path / "b" / "config.yaml")
    said: list[str] = []
    app = HeyPeterApp(newcomer, newcomer.current_session(None))
    app.notify = lambda message, **_: said.append(str(message))  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.state.run_id == team
        assert any(f"opened 'Release 5' ({team})" in line and "Switch run" in line for line in said)


async def test_an_items_history_open_over_a_switch_closes(make_app, context) -> None:
    from heypeter_tui.ui.screens.item_detail import ItemDetailScreen

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        other = context.create_run("Release 9", None)
        await pilot.press("1", "l", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ItemDetailScreen)
        app.switch_run(other)
        for _ in range(10):
            await pilot.pause()
        assert app.state.run_id == other and not isinstance(app.screen, ItemDetailScreen)
