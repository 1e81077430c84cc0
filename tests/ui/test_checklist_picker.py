"""New run from checklist… lists every file at once, each "checking…", and fills each in as a worker thread
validates it: a slow disk or a huge file never holds up the screen."""

from __future__ import annotations

import threading

from textual.widgets import Input, OptionList, Static

from heypeter_tui.core.loader import validate_file
from heypeter_tui.ui.screens import checklist_picker
from heypeter_tui.ui.screens.checklist_picker import ChecklistPicker
from heypeter_tui.ui.screens.dialogs import NewRunDialog
from tests.ui.conftest import workers_done
from tests.ui.test_live_deployment import checklists_checked


async def test_the_list_shows_at_once_and_fills_in_as_each_file_is_checked(make_app, tmp_path, monkeypatch) -> None:
    own = tmp_path / "cfg" / "checklists"
    own.mkdir(parents=True)
    (own / "team.yaml").write_text("schema: 1\nid: team\ntitle: Team release\nsections:\n- title: Prep\n  items: [a]\n")
    (own / "broken.yaml").write_text("schema: 1\nid: [\n")
    checkers: list[threading.Thread] = []
    release = threading.Event()

    def slow_disk(path):
        checkers.append(threading.current_thread())
        release.wait(5)  # a disk that takes its time: on the event loop this would freeze the screen
        return validate_file(path)

    monkeypatch.setattr(checklist_picker, "validate_file", slow_disk)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        app.action_new_run_from_checklist()
        await pilot.pause()
        assert isinstance(app.screen, ChecklistPicker)
        options = app.screen.query_one(OptionList)
        assert [option.prompt.plain for option in options.options] == [
            "heypeter-production.yaml\n    checking…", "broken.yaml\n    checking…", "team.yaml\n    checking…",
        ]
        await pilot.press("down")  # keys are answered while the files are read
        assert options.highlighted == 1
        assert checkers and all(checker is not threading.main_thread() for checker in checkers)
        release.set()
        await checklists_checked(app, pilot)
        prompts = [option.prompt.plain.splitlines() for option in options.options]
        assert prompts[0][0] == "Production Deployment Checklist" and prompts[0][1].startswith(
            "    heypeter-production · 83 items · "
        )
        assert prompts[1][0] == "broken.yaml" and prompts[1][1].startswith(f"    invalid: {own / 'broken.yaml'}:")
        assert prompts[2] == ["Team release", f"    team · 1 items · {own / 'team.yaml'}"]
        assert [option.disabled for option in options.options] == [False, True, False]  # an invalid one: not picked


async def path_checked(app, pilot) -> None:
    """The typed path is read in a worker thread: wait for it, and for its answer to be drawn."""
    await workers_done(app, "checklist-path")
    await pilot.pause()
    await pilot.pause()


async def test_a_typed_file_path_starts_a_run_of_it_and_a_file_that_is_no_checklist_is_refused_in_one_line(
        make_app, tmp_path) -> None:
    """As `new --checklist PATH` does: a file outside the lists, typed. A Markdown runbook is refused, in place and
    in one line, with the path kept to mend; a YAML checklist then opens the new run's dialog and becomes the run."""
    runbook = tmp_path / "runbook.md"
    runbook.write_text("# Runbook\n\n## Steps\n\n- [ ] Deploy\n")
    elsewhere = tmp_path / "elsewhere.yaml"
    elsewhere.write_text("schema: 1\nid: elsewhere\ntitle: Elsewhere release\nsections:\n- title: Prep\n  items: [a]\n")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        app.action_new_run_from_checklist()
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, ChecklistPicker)
        await pilot.press(*str(runbook))  # typed on the list: the path field takes it
        path_field = picker.query_one("#checklist-path", Input)
        assert path_field.value == str(runbook) and picker.focused is path_field
        await pilot.press("enter")
        await path_checked(app, pilot)
        assert app.screen is picker  # refused: nothing started, the picker still open
        said = str(picker.query_one("#path-refusal", Static).render())
        assert said.startswith(f"not a checklist: {runbook}:") and "\n" not in said
        assert "`heypeter-tui import-md` makes a checklist of a Markdown file" in said
        assert path_field.value == str(runbook)  # kept, to mend
        path_field.value = ""
        await pilot.press(*str(elsewhere), "enter")
        await path_checked(app, pilot)
        assert isinstance(app.screen, NewRunDialog)
        assert "New run of Elsewhere release" in str(app.screen.query_one(".dialog-title", Static).render())
        await pilot.press(*"Drill", "enter", "enter")
        for _ in range(40):
            await pilot.pause()
            if app.state.checklist.id == "elsewhere":
                break
        assert app.state.checklist.id == "elsewhere" and app.state.title == "Drill"
