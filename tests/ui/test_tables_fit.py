"""The record tables fit their pane: cells cut with …, no column out of sight; the sign-off history said."""

from __future__ import annotations

import pytest

from heypeter_tui.core import commands
from heypeter_tui.ui.widgets.tables import ContactsTable, SignoffTable, fit_columns


def test_the_widest_column_gives_first_and_none_goes_below_its_minimum() -> None:
    assert fit_columns([10, 40, 20], [4, 4, 4], 100) == [10, 40, 20]
    assert fit_columns([10, 40, 20], [4, 4, 4], 50) == [10, 20, 20]
    assert fit_columns([10, 40, 20], [4, 4, 4], 5) == [4, 4, 4]  # too narrow: it scrolls, nothing vanishes


@pytest.mark.parametrize("width", [60, 80, 120])
async def test_a_long_phone_does_not_push_the_email_out_of_sight(make_app, width: int) -> None:
    app = make_app()
    async with app.run_test(size=(width, 30)) as pilot:
        phone = "+1 555 0100 ext. 4455 (desk), +1 555 0199 (mobile, after hours only)"
        app.session.record(commands.set_contact(app.state, "DevOps", "Bob Ops", phone, "bob@example.com"))
        app.state = app.session.state
        await pilot.press("c", "l")
        await pilot.pause()
        table = app.query_one(ContactsTable)
        assert [column.label.plain for column in table.columns.values()] == ["Role", "Name", "Phone", "Email"]
        total = sum(column.get_render_width(table) for column in table.columns.values())
        assert total <= table.scrollable_content_region.width  # every column in sight
        row = [cell.plain for cell in table.get_row("DevOps")]
        assert row[2].endswith("…") and row[2].startswith("+1 555 0100")
        assert row[3].startswith("bob@")


async def test_a_wide_sign_off_table_says_the_whole_history(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(250, 30)) as pilot:
        session = app.session
        session.record(commands.sign(session.state, "QA Lead", "Dana"))
        session.record(commands.revoke(session.state, "QA Lead", "signed for the wrong build"))
        session.record(commands.sign(session.state, "Tech Lead", "Ann"))
        session.record(commands.sign(session.state, "Tech Lead", "Bob"))
        app.state = session.state
        await pilot.press("s", "l")
        await pilot.pause()
        table = app.query_one(SignoffTable)
        assert table.get_row("QA Lead")[4].plain == "revoked 09:30 by alice: signed for the wrong build"
        assert table.get_row("Tech Lead")[4].plain == "current; over the signature of Ann, 2026-12-03 09:30:00 UTC"
        assert table.get_row("Security Officer")[4].plain == "not signed"


async def test_at_120_columns_a_revocation_says_who_and_why_on_two_lines(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        session = app.session
        session.record(commands.sign(session.state, "QA Lead", "Dana"))
        session.record(commands.revoke(session.state, "QA Lead", "missed the perf regression"))
        app.state = session.state
        await pilot.press("s", "l")
        await pilot.pause()
        status = app.query_one(SignoffTable).get_row("QA Lead")[4].plain
        assert status.count("\n") == 1 and status.replace("\n", " ").startswith("revoked 09:30 by alice: missed")
