"""The dashboard through Pilot: every view by key, ticking, signing, contacts, and a restart."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import ContentSwitcher, Input

from heypeter_tui.ui.screens.dialogs import ContactDialog, SignDialog
from heypeter_tui.ui.screens.help import HelpScreen
from heypeter_tui.ui.widgets.items import ItemList
from heypeter_tui.ui.widgets.navigator import Navigator
from heypeter_tui.ui.widgets.tables import ContactsTable, SignoffTable

FIRST = "code-readiness/all-features-tested-and-approved"


def plain_prompts(items: ItemList) -> list[str]:
    return [option.prompt.plain for option in items.rows]


async def test_every_section_and_phase_is_one_key_away(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        items = app.query_one(ItemList)
        sections = app.state.checklist.sections
        for number, key in enumerate("1234567890", start=1):
            await pilot.press(key)
            assert items.group_id == sections[number - 1].id
            section = sections[number - 1]
            assert Content.from_markup(items.border_title).plain == f"{section.title} · {section.owner}"  # whose
            assert len(items.rows) == len(sections[number - 1].items)
        for phase in app.state.checklist.phases:
            await pilot.press("d")
            assert items.group_id == phase.id
        await pilot.press("d")
        assert items.group_id == app.state.checklist.phases[0].id  # d walks the phases round
        switcher = app.query_one(ContentSwitcher)
        await pilot.press("s")
        assert switcher.current == "signoffs"
        await pilot.press("c")
        assert switcher.current == "contacts"
        await pilot.press("3")
        assert switcher.current == "items" and items.group_id == "database-preparation"


async def test_navigator_moves_the_view_with_the_cursor(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("j", "j", "down")
        assert app.query_one(ItemList).group_id == "environment-configuration"
        await pilot.press("k")
        assert app.query_one(ItemList).group_id == "database-preparation"


async def test_space_ticks_and_unticks_with_who_and_when(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("1", "l", "space")
        assert app.state.item(FIRST).status == "done"
        items = app.query_one(ItemList)
        assert plain_prompts(items)[0] == "[x] All features tested and approved  owner QA Lead  done · alice · 09:30"
        assert "1/6" in app.query_one(Navigator).rows[1].prompt.plain
        await pilot.press("space")
        assert app.state.item(FIRST).status == "pending"
        assert plain_prompts(items)[0] == "[ ] All features tested and approved  owner QA Lead"


async def test_sign_off_through_the_dialog(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("s", "l", "enter")
        assert isinstance(app.screen, SignDialog)
        await pilot.press(*"Dana Lee", "tab", *"DL", "enter")
        await app.workers.wait_for_complete()
        signed = app.state.signoffs["Tech Lead"]
        assert (signed.name, signed.signature, signed.at, signed.open_items) == (
            "Dana Lee",
            "DL",
            "2026-12-03T09:30:00.000Z",
            60,
        )
        table = app.query_one(SignoffTable)
        row = [cell.plain for cell in table.get_row("Tech Lead")]
        assert row == ["[x] Tech Lead", "Dana Lee", "09:30", "DL", "current"]


async def test_a_sign_dialog_cancelled_records_nothing(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("s", "l", "enter", *"Someone")
        assert isinstance(app.screen, SignDialog)  # it opened, and holds what was typed
        assert app.screen.query_one("#field-name", Input).value == "Someone"
        await pilot.press("escape")
        assert not isinstance(app.screen, SignDialog)
        assert app.state.signoffs == {}
        assert len(app.state.events) == 1


async def test_edit_a_contact(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("c", "l", "down", "enter")
        assert isinstance(app.screen, ContactDialog)
        await pilot.press(*"Bob Ops", "enter", *"+1 555 0100", "enter", *"bob@example.com", "enter")
        assert app.state.contacts["DevOps"].email == "bob@example.com"
        row = [cell.plain for cell in app.query_one(ContactsTable).get_row("DevOps")]
        assert row == ["DevOps", "Bob Ops", "+1 555 0100", "bob@example.com"]


async def test_a_contact_beyond_the_checklists_roles_is_added_with_a(make_app) -> None:
    from heypeter_tui.ui.screens.dialogs import AddContactDialog

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("c", "l", "a")
        assert isinstance(app.screen, AddContactDialog)
        await pilot.press(*"Incident bridge", "enter", *"Zoom 4242", "enter", *"+1 555 0100", "enter", "enter")
        await pilot.pause()
        assert app.state.contacts["Incident bridge"].phone == "+1 555 0100"
        row = [cell.plain for cell in app.query_one(ContactsTable).get_row("Incident bridge")]
        assert row == ["Incident bridge", "Zoom 4242", "+1 555 0100", ""]


async def test_a_restart_finds_everything_kept(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("2", "l", "down", "space")
        await pilot.press("s", "l", "down", "enter", *"Quinn", "enter")
        await pilot.press("c", "l", "enter")
        dialog = app.screen
        dialog.query_one("#field-phone", Input).value = "+44 20 7946 0000"
        await pilot.press("enter", "enter", "enter")
    again = make_app()
    async with again.run_test(size=(120, 40)) as pilot:
        state = again.state
        assert state.item("infrastructure-setup/ssl-certificates-installed-and-verified").status == "done"
        assert state.signoffs["QA Lead"].name == "Quinn"
        assert state.contacts["Tech Lead"].phone == "+44 20 7946 0000"
        await pilot.press("2")
        assert plain_prompts(again.query_one(ItemList))[1].startswith("[x] SSL certificates installed and verified")


async def test_help_lists_every_key(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        sections: dict[str, list[tuple[str, str]]] = {}
        for block in app.screen.key_table().plain.split("\n\n"):  # a title, then a row a key: keys, description
            title, *rows = block.strip().splitlines()
            sections[title] = [(row[:18].strip(), row[18:].strip()) for row in rows]
        expected = {
            "Anywhere": [("ctrl+p", "command palette")],
            "Dashboard": [("1", "Section 1"), ("0", "Section 10"), ("d", "Deploy day"), ("s", "Sign-offs"),
                          ("c", "Contacts"), ("g", "Go/No-Go"), ("T", "Set T-0"), ("u / ctrl+z", "Undo"),
                          ("o", "Operator"), ("h / left", "Navigator"), ("l / right", "Into the view")],
            "Navigator": [("j", "Down"), ("k", "Up")],
            "Items": [("space", "Done"), ("x", "N/A"), ("b", "Blocked"), ("n", "Note"), ("enter", "History"),
                      ("t", "Timer")],
            "Sign-offs": [("enter", "Sign"), ("r", "Revoke"), ("i", "History")],
            "Contacts": [("enter", "Edit"), ("y", "Copy phone"), ("Y", "Copy email")],
            "App": [("q", "Quit"), ("?", "Help")],
        }
        assert list(sections) == list(expected)
        for title, rows in expected.items():
            assert set(rows) <= set(sections[title]), title
            assert len(sections[title]) == len(set(sections[title])), f"{title} lists a key twice"
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_q_quits(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("q")
        assert not app.is_running


async def test_at_120x40_the_whole_navigator_shows_at_once(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        navigator = app.query_one(Navigator)
        assert navigator.max_scroll_y == 0
        labels = [option.prompt.plain for option in navigator.rows]
        assert len(labels) == 3 + 10 + 4 + 4
        assert labels[-3].strip().startswith("Go / No-Go") and labels[-3].endswith("NO-GO")
        assert labels[-2].strip().startswith("Sign-offs") and labels[-1].strip() == "Emergency contacts"


async def test_at_80x24_everything_is_reachable(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        navigator = app.query_one(Navigator)
        await pilot.press("end")
        assert navigator.highlighted_row.id == "contacts"
        assert app.query_one(ContentSwitcher).current == "contacts"
        region = navigator.content_region
        assert navigator.scroll_offset.y <= navigator.highlighted <= navigator.scroll_offset.y + region.height
        await pilot.press("0", "l", "end")
        assert app.query_one(ItemList).highlighted == 4
