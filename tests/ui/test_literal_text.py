"""Text from a checklist or a person is shown as typed: never markup, never an escape sequence."""

from __future__ import annotations

from pathlib import Path

from heypeter_tui.ui.widgets.header import RunHeader
from heypeter_tui.ui.widgets.items import ItemList
from heypeter_tui.ui.widgets.navigator import Navigator
from heypeter_tui.ui.widgets.tables import ContactsTable, SignoffTable

HOSTILE = r'''schema: 1
id: hostile
title: "[b]Bold[/b] checklist"
product: "[@click=app.quit]Quit[/]"
sections:
  - title: "[red]Red[/red] section"
    items:
      - "[red]x[/]"
      - "[@click=app.quit]click me[/]"
      - "a [/] b"
      - "osc \e]52;c;ZXZpbA==\a end"
      - "csi \e[2J\e[H end"
signoffs: ["[b]Boss[/b]"]
contacts:
  - role: "[i]Ops[/i]"
    name: "\e]52;c;ZXZpbA==\aEve"
'''


async def test_hostile_checklist_is_shown_literally(make_app, tmp_path: Path) -> None:
    path = tmp_path / "hostile.yaml"
    path.write_text(HOSTILE)
    app = make_app(str(path))
    async with app.run_test(size=(120, 40)) as pilot:
        prompts = [option.prompt.plain for option in app.query_one(ItemList).rows]
        assert prompts == [
            "[ ] [red]x[/]",
            "[ ] [@click=app.quit]click me[/]",
            "[ ] a [/] b",
            "[ ] osc  end",
            "[ ] csi  end",
        ]
        assert "[red]Red[/red] section" in app.query_one(Navigator).rows[1].prompt.plain
        header = app.query_one(RunHeader).render().plain
        assert "[@click=app.quit]Quit[/] · [b]Bold[/b] checklist" in header
        await pilot.press("l", "down")
        await pilot.click(ItemList, offset=(8, 2))  # on the would-be @click link
        assert app.is_running
        await pilot.press("s")
        assert app.query_one(SignoffTable).get_row("[b]Boss[/b]")[0].plain == "[ ] [b]Boss[/b]"
        await pilot.press("c")
        assert [cell.plain for cell in app.query_one(ContactsTable).get_row("[i]Ops[/i]")][:2] == ["[i]Ops[/i]", "Eve"]
        screen = app.export_screenshot()
        assert "\x1b" not in screen and "ZXZpbA" not in screen


async def test_typed_markup_in_a_contact_stays_text(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("c", "l", "enter", *"[bold]Al[/] [/]", "enter", "enter", "enter")
        assert app.state.contacts["Tech Lead"].name == "[bold]Al[/] [/]"
        assert app.query_one(ContactsTable).get_row("Tech Lead")[1].plain == "[bold]Al[/] [/]"
