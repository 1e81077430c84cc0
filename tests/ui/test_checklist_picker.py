"""New run from checklist… lists every file at once, each "checking…", and fills each in as a worker thread
validates it: a slow disk or a huge file never holds up the screen."""

from __future__ import annotations

import threading

from textual.widgets import OptionList

from heypeter_tui.core.loader import validate_file
from heypeter_tui.ui.screens import checklist_picker
from heypeter_tui.ui.screens.checklist_picker import ChecklistPicker
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
