"""Search (`/`) and the palette find items across every section and phase, and go to them."""

from __future__ import annotations

import html
import re
from dataclasses import replace
from pathlib import Path

from textual import events
from textual.command import CommandPalette
from textual.widgets import Input

from heypeter_tui.core import commands
from heypeter_tui.core import events as ev
from heypeter_tui.core.search import MAX_RESULTS
from heypeter_tui.ui.providers import PALETTE_ITEMS
from heypeter_tui.ui.screens.dashboard import DashboardScreen
from heypeter_tui.ui.screens.search import HINT, SearchDialog, SearchResults
from heypeter_tui.ui.widgets.items import ItemList
from heypeter_tui.ui.widgets.navigator import Navigator

FIREWALL = "infrastructure-setup/firewall-rules-configured"
OSC = "\x1b]52;c;ZXZpbA==\x07"
CSI = "\x1b[2J\x1b[H"


def result_lines(app) -> list[str]:
    return [row.prompt.plain for row in app.screen.query_one(SearchResults).rows]


def summary(app) -> str:
    return str(app.screen.query_one("#search-summary").render())


def screen_text(app) -> str:
    """What the terminal shows, as text: the screenshot with its tags taken off."""
    svg = app.export_screenshot()
    assert "\x1b" not in svg and "ZXZpbA" not in svg and "\x07" not in svg
    return html.unescape(re.sub(r"<[^>]*>", "", svg)).replace("\xa0", " ")


def shown_in_list(app, key: str) -> None:
    """The dashboard shows `key`'s group with `key` highlighted, the focus on the list."""
    assert isinstance(app.screen, DashboardScreen)
    items = app.query_one(ItemList)
    assert items.group_id == key.split("/")[0] and items.highlighted_key == key
    assert app.focused is items and app.screen.pane == "view"
    assert app.query_one(Navigator).highlighted_view == "group:" + key.split("/")[0]


async def burst(pilot, *keys: str) -> None:
    """Keys typed without a pause, as a fast typist or a paste does: all queued before the first is handled."""
    for key in keys:
        character = {"slash": "/", "space": " ", "enter": "\r"}.get(key, key if len(key) == 1 else None)
        pilot.app.post_message(events.Key(key, character))
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_slash_then_firewall_lists_it_and_enter_goes_to_it(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "Go/No-Go/ Search" in screen_text(app)  # the footer names the key, after `g Go/No-Go`
        await pilot.press("slash")
        assert isinstance(app.screen, SearchDialog) and app.focused is app.screen.query_one(Input)
        assert result_lines(app) == [] and HINT in summary(app)  # nothing typed: a hint, no list
        await pilot.press(*"firewall")
        assert result_lines(app) == ["[ ] Firewall rules configured  Infrastructure Setup · Operations Manager"]
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        shown_in_list(app, FIREWALL)
        await pilot.press("space")  # the list has the keys now: it ticks the item found
        assert app.state.item(FIREWALL).status == "done"


async def test_keys_typed_in_one_burst_after_slash_land_in_the_search(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await burst(pilot, "slash", *"firewall")
        assert isinstance(app.screen, SearchDialog)
        assert app.screen.query_one(Input).value == "firewall"  # not `f` lost, not `i`... acting on the dashboard
        await pilot.press("escape")
        # Enter comes before the results of the letters ahead of it are shown: it goes to the whole query's match.
        await burst(pilot, "slash", *"firewall", "enter", "space")
        shown_in_list(app, FIREWALL)
        assert app.state.item(FIREWALL).status == "done"  # the space typed after enter ticked the item found


async def test_a_move_in_a_burst_moves_in_the_results_of_the_letters_before_it(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await burst(pilot, "slash", *"backup", "down", "enter")
        shown_in_list(app, "backup-and-recovery/database-backup-automated")  # the second match, not the first


async def test_up_and_down_choose_while_typing_goes_on(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("slash", *"backup")
        lines = result_lines(app)
        assert [line.split("  ")[0] for line in lines] == [  # in checklist order; the section's id has `backup` too
            "[ ] Backup strategy implemented", "[ ] Database backup automated", "[ ] Application backup configured",
            "[ ] Disaster recovery plan documented", "[ ] Backup restoration tested",
            "[ ] Point-in-time recovery verified", "[ ] Database backup taken",
        ]
        assert "Database Preparation · Tech Lead" in lines[0] and "Backup and Recovery" in lines[1]
        await pilot.press("down", "down", "up", "down", "down")
        results = app.screen.query_one(SearchResults)
        assert results.highlighted == 3 and app.focused is app.screen.query_one(Input)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        shown_in_list(app, "backup-and-recovery/disaster-recovery-plan-documented")  # the one moved to
        await pilot.press("slash", *"backup")
        await pilot.press(*" tested")  # typing goes on into the Input: the list narrows to the match
        assert [line.split("  ")[0] for line in result_lines(app)] == ["[ ] Backup restoration tested"]
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        shown_in_list(app, "backup-and-recovery/backup-restoration-tested")


async def test_a_notes_text_finds_its_item_and_shows_the_note(make_app) -> None:
    app = make_app()
    key = "database-preparation/connection-pooling-configured"
    app.session.record(commands.add_note(app.session.state, key, "PgBouncer on port 6432\nsized for 400 clients"))
    app.state = app.session.state
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("slash", *"pgbouncer")
        assert result_lines(app) == [
            "[ ] Connection pooling configured  Database Preparation · Tech Lead\n"
            "    ✎ PgBouncer on port 6432 sized for 400 clients"
        ]
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        shown_in_list(app, key)


async def test_an_owner_finds_the_items_it_answers_for(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("slash", *"security officer")
        texts = [line.split("  ")[0] for line in result_lines(app)]
        assert "[ ] Security audit completed" in texts  # its own owner, in a Tech Lead section
        assert "[ ] HTTPS enforced" in texts  # the Security Measures section's owner
        assert "[ ] Code review completed for all changes" not in texts
        assert all(line.endswith("Security Officer") for line in result_lines(app))


async def test_escape_closes_and_no_match_says_so(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3", "slash", *"kubernetes")
        assert result_lines(app) == [] and "No item matches" in summary(app)
        await pilot.press("enter")  # nothing to go to: the dialog stays
        assert isinstance(app.screen, SearchDialog)
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        assert isinstance(app.screen, DashboardScreen)
        assert app.query_one(ItemList).group_id == "database-preparation"  # where it was
        await burst(pilot, "slash", *"fire", "escape", "5")
        assert isinstance(app.screen, DashboardScreen)
        assert app.query_one(ItemList).group_id == "monitoring-setup"  # the key typed after escape reached it


async def test_the_results_follow_the_run_while_open(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("slash", *"configured", "down", "down")
        chosen = app.screen.query_one(SearchResults).highlighted_row.id
        app.session.record(commands.toggle_done(app.session.state, chosen))  # another writer, as the log poll sees it
        app.state = app.session.state
        await pilot.pause()
        results = app.screen.query_one(SearchResults)
        assert results.highlighted_row.id == chosen and results.highlighted_row.prompt.plain.startswith("[x] ")


async def test_at_most_200_shown_and_more_said(make_app, tmp_path: Path) -> None:
    items = "\n".join(f"      - {{id: i{n}, text: Item {n}}}" for n in range(MAX_RESULTS + 30))
    path = tmp_path / "many.yaml"
    path.write_text(f"schema: 1\nid: many\ntitle: Many\nsections:\n  - title: All\n    items:\n{items}\n")
    app = make_app(str(path))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("slash", *"item")
        assert len(result_lines(app)) == MAX_RESULTS
        assert "200 items shown, more match: type more to narrow" in summary(app)  # matching stopped: not counted
        await pilot.press("end", *" 22")  # Item 22, 122 and 220..229
        assert len(result_lines(app)) == 12 and "more" not in summary(app)


HOSTILE = r"""schema: 1
id: hostile
title: Hostile
sections:
  - id: sec
    title: "[red]Sec[/red]"
    owner: "[i]Boss[/i]"
    items:
      - {id: bold, text: "[bold]x[/] needle"}
      - {id: osc, text: "needle osc"}
      - {id: plain, text: "plain"}
"""


async def test_hostile_text_is_shown_as_typed(make_app, context, tmp_path: Path) -> None:
    path = tmp_path / "hostile.yaml"
    path.write_text(HOSTILE)
    checklist, source = context.load_checklist(str(path))
    # The loader cleans what it reads; a log's checklist comes from any writer: escape sequences and all.
    [section] = checklist.sections
    items = (section.items[0], replace(section.items[1], text=f"needle osc {OSC} end"), section.items[2])
    section = replace(section, title=f"[red]Sec[/red]{CSI}", owner=f"[i]Boss[/i]{OSC}", items=items)
    context.create_run("Hostile", None, None, (replace(checklist, sections=(section,)), source))
    app = make_app()
    # Another writer's note, straight into the log: not cleaned as the dashboard's own notes are.
    app.session.record(commands.Change(ev.ITEM_NOTE, {"item": "sec/plain", "text": f"[b]needle[/b]{CSI}{OSC} note"}))
    app.state = app.session.state
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("slash", *"needle")
        assert result_lines(app) == [
            "[ ] [bold]x[/] needle  [red]Sec[/red] · [i]Boss[/i]",
            "[ ] needle osc  end  [red]Sec[/red] · [i]Boss[/i]",
            "[ ] plain  [red]Sec[/red] · [i]Boss[/i]\n    ✎ [b]needle[/b] note",
        ]
        text = screen_text(app)  # as drawn: brackets and all, and no escape sequence
        assert "[bold]x[/] needle" in text and "[b]needle[/b] note" in text and "[i]Boss[/i]" in text
        await pilot.press("escape", "ctrl+p", *"needle")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        text = screen_text(app)
        assert "Show item: [bold]x[/] needle" in text and "[i]Boss[/i]" in text


async def test_the_palette_finds_an_item_and_goes_to_it(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+p", *"firewall")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        assert "Show item: Firewall rules configured" in screen_text(app)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        shown_in_list(app, FIREWALL)
        await pilot.press("question_mark", "ctrl+p", *"firewall")  # over a dialog: it would change unseen
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette) and "Show item" not in screen_text(app)


async def test_the_palette_hands_more_than_it_lists_to_the_search_dialog(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+p", *"operations manager")  # 41 items, the palette lists 20
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Search items: more match “operations manager”…" in screen_text(app)
        await pilot.press(*["down"] * PALETTE_ITEMS, "enter")
        await pilot.pause()  # not the workers: the search flow waits for its dialog to close
        assert isinstance(app.screen, SearchDialog) and app.screen.query_one(Input).value == "operations manager"
        assert len(result_lines(app)) == 41
        await pilot.press("escape", "ctrl+p", *"search items")
        await app.workers.wait_for_complete()  # the palette's searches (the search flow ended with escape)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SearchDialog) and app.screen.query_one(Input).value == ""
