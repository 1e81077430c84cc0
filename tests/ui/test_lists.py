"""The navigator and item lists as a person uses them: clicks, paging through a long group, and colours
that follow the theme. They draw through RowList, which redraws a changed row alone."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import ContentSwitcher

from heypeter_tui.core import commands
from heypeter_tui.ui.widgets.items import ItemList
from heypeter_tui.ui.widgets.navigator import Navigator
from heypeter_tui.ui.widgets.tables import SignoffTable


def long_checklist(path: Path, items: int = 300) -> str:
    lines = ["schema: 1", "id: long", "title: Long", "sections:", "  - title: Only", "    items:"]
    lines += [f"      - Step {n}" for n in range(1, items + 1)]
    path.write_text("\n".join(lines) + "\n")
    return str(path)


async def test_clicking_a_navigator_row_shows_that_view(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        navigator = app.query_one(Navigator)
        row = navigator.index_of("signoffs")
        await pilot.click(Navigator, offset=(5, row))
        await pilot.pause()
        assert navigator.highlighted == row
        assert app.query_one(ContentSwitcher).current == "signoffs"
        await pilot.click(Navigator, offset=(5, 0))  # a heading: nothing to choose
        assert navigator.highlighted == row


async def test_clicking_an_item_highlights_it(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("1")
        items = app.query_one(ItemList)
        await pilot.click(ItemList, offset=(4, 1 + 3))  # the border, then the fourth item
        assert items.highlighted == 3
        await pilot.press("space")
        assert app.state.item(items.highlighted_key).status == "done"


async def test_paging_through_a_long_group_keeps_the_cursor_in_sight(make_app, tmp_path: Path) -> None:
    app = make_app(checklist=long_checklist(tmp_path / "long.yaml"))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("1")
        items = app.query_one(ItemList)
        page = items.scrollable_content_region.height
        await pilot.press("pagedown")
        assert items.highlighted == page
        await pilot.press("end")
        assert items.highlighted == 299 and items.highlighted_key == "only/step-300"
        assert items.scroll_offset.y == items.max_scroll_y > 0
        await pilot.press("space")
        assert app.state.item("only/step-300").status == "done"
        assert items.rows[299].prompt.plain.startswith("[x] Step 300  done · alice")
        await pilot.press("pageup", "home")
        assert items.highlighted == 0 and items.scroll_offset.y == 0
        await pilot.press("up")  # already at the top: stays
        assert items.highlighted == 0


async def test_rows_take_the_colours_of_a_theme_chosen_while_running(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("1")
        items = app.query_one(ItemList)
        before = list(items.render_line(1))
        app.theme = "heypeter-light"
        await pilot.pause()
        after = list(items.render_line(1))
        assert "".join(s.text for s in before) == "".join(s.text for s in after)
        assert [s.style for s in before] != [s.style for s in after]


async def test_a_long_item_wraps_and_the_next_follows_it(make_app, tmp_path: Path) -> None:
    long_text = "Confirm that " + "every replica has caught up with the primary " * 3
    path = tmp_path / "wrap.yaml"
    path.write_text(
        "schema: 1\nid: wrap\ntitle: Wrap\nsections:\n  - title: S\n    items:\n"
        f"      - {long_text}\n      - Short one\n"
    )
    app = make_app(checklist=str(path))
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.press("1")
        items = app.query_one(ItemList)
        lines = ["".join(segment.text for segment in items.render_line(y)).rstrip() for y in range(5)]
        assert lines[0].startswith("[ ] Confirm that every replica") and len(lines[0]) <= items.size.width
        assert "Short one" not in lines[0] and any(line.startswith("[ ] Short one") for line in lines[1:4])
        await pilot.press("down", "space")
        assert app.state.item("s/short-one").status == "done"


async def test_a_signature_drawn_before_the_table_is_idle_is_drawn_whole(make_app, context) -> None:
    """DataTable measures new cells only when idle, and caches a cell drawn before then at the width it had:
    a sign-off drawn at once showed as `Dana  13:4` until something else redrew the table (seen under load)."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("s")
        table = app.query_one(SignoffTable)
        await pilot.pause()
        session = app.session
        session.record(commands.sign(session.state, "Tech Lead", "Dana Lee-Okonkwo", "DLO"))
        table.show_state(session.state)
        first = table.render_line(1).text  # drawn before the table's idle, as a busy screen may draw it
        await pilot.pause()
        shown = table.render_line(1).text
        assert "Dana Lee-Okonkwo" in shown and "09:30" in shown and "DLO" in shown, (first, shown)


async def test_a_tick_never_moves_the_rows_below_at_120_columns(make_app) -> None:
    """At 120x40 the items pane is 70 columns: an item with its owner, ticked, says who and when on its own line,
    cut to the room left (it wrapped, and every row below moved down a line)."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("1", "l")
        await pilot.pause()
        items = app.query_one(ItemList)

        def lines() -> list[str]:
            return [items.render_line(y).text.rstrip() for y in range(len(items.rows) + 2)]

        before = lines()
        await pilot.press("space")
        await pilot.pause()
        after = lines()
        assert after[0].startswith("[x] All features tested and approved  owner QA Lead  done · alice")
        assert after[1:] == before[1:]  # every row below where it was
        assert len(after[0]) <= items.size.width
