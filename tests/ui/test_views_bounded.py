"""What a long deployment day leaves on one item, and a query pasted whole, are drawn in bounded time: an item's
detail shows its newest changes and says how many came before, search cuts the query and stops at what it shows."""

from __future__ import annotations

from datetime import timedelta

from textual import events
from textual.widgets import Input

from heypeter_tui.core import events as ev
from heypeter_tui.core.events import Actor, new_event
from heypeter_tui.core.search import QUERY_MOST
from heypeter_tui.ui.screens.item_detail import HISTORY_SHOWN, SIDE_HISTORY_SHOWN, ItemDetailScreen
from tests.ui.test_search import result_lines, screen_text, summary

FIRST = "code-readiness/all-features-tested-and-approved"
ACTOR = Actor("mon", "mon", "probe-1")


def append(context, clock, made) -> None:
    """Events straight into the run's log (as a monitoring writer leaves them), in batches."""
    session = context.current_session()
    for start in range(0, len(made), 2000):
        session.store.append(*made[start : start + 2000])


def notes(clock, count: int) -> list:
    return [new_event(ev.ITEM_NOTE, ACTOR, clock.now + timedelta(seconds=n), item=FIRST, text=f"probe note {n}")
            for n in range(count)]


def side_text(app) -> str:
    return str(app.query_one("#side-detail").render())


async def test_an_item_with_40000_notes_shows_its_newest_and_says_how_many_earlier(make_app, context, clock) -> None:
    append(context, clock, notes(clock, 40_000))
    app = make_app()
    async with app.run_test(size=(200, 50)) as pilot:
        await pilot.press("1", "l")
        side = side_text(app)  # beside the list: the newest few, and where the rest are
        assert "probe note 39999" in side and f"probe note {40_000 - SIDE_HISTORY_SHOWN}" in side
        assert f"probe note {40_000 - SIDE_HISTORY_SHOWN - 1}\n" not in side + "\n"
        assert f"… {40_000 - SIDE_HISTORY_SHOWN:,} earlier changes not shown: enter shows more" in side
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ItemDetailScreen)
        detail = str(app.screen.query_one("#detail-text").render())
        assert "probe note 39999" in detail and f"probe note {40_000 - HISTORY_SHOWN}" in detail
        assert f"probe note {40_000 - HISTORY_SHOWN - 1}\n" not in detail + "\n"
        assert f"… {40_000 - HISTORY_SHOWN:,} earlier changes not shown: e shows more, export has every one" in detail
        await pilot.press("e")
        detail = str(app.screen.query_one("#detail-text").render())
        assert f"probe note {40_000 - 2 * HISTORY_SHOWN}" in detail  # as many again, before them
        assert f"… {40_000 - 2 * HISTORY_SHOWN:,} earlier changes not shown" in detail
        assert "earlier changes not shown" in screen_text(app)  # at the top, where the history starts


async def test_a_few_changes_are_all_shown_with_nothing_said_of_earlier_ones(make_app, context, clock) -> None:
    append(context, clock, notes(clock, SIDE_HISTORY_SHOWN))
    app = make_app()
    async with app.run_test(size=(200, 50)) as pilot:
        await pilot.press("1", "l")
        assert "probe note 0" in side_text(app) and "earlier" not in side_text(app)


async def test_5000_check_results_show_the_newest_beside_the_list_and_follow_the_run(make_app, context, clock) -> None:
    checks = [new_event(ev.ITEM_CHECK, ACTOR, clock.now + timedelta(seconds=n), item=FIRST, command="curl -fsS x",
                        outcome="passed", exit=0, output="200 OK\n", output_bytes=7, duration_ms=5, host="probe-1")
              for n in range(5000)]
    append(context, clock, checks)
    app = make_app()
    async with app.run_test(size=(200, 50)) as pilot:
        await pilot.press("2", "1", "l")
        assert f"… {5000 - SIDE_HISTORY_SHOWN:,} earlier changes not shown" in side_text(app)
        await pilot.press("space")  # a tick: one change more, the newest
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert f"… {5001 - SIDE_HISTORY_SHOWN:,} earlier changes not shown" in side_text(app)


async def test_a_pasted_query_is_cut_and_says_so(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("slash")
        query = app.screen.query_one(Input)
        query.post_message(events.Paste("firewall " + "x" * 45_000))
        await pilot.pause()
        assert len(query.value) == QUERY_MOST and query.value.startswith("firewall xxx")
        assert f"Query cut at {QUERY_MOST} characters: the rest is not searched." in summary(app)
        await pilot.press("ctrl+u")  # emptied: nothing cut any more
        await pilot.press(*"firewall")
        assert result_lines(app)[0].startswith("[ ] Firewall rules configured") and "cut" not in summary(app)


async def test_a_key_typed_past_the_limit_is_not_added_and_the_summary_says_why(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("slash")
        query = app.screen.query_one(Input)
        query.value = "a" * QUERY_MOST
        await pilot.pause()
        assert "cut" not in summary(app)  # at the limit, nothing was left off
        await pilot.press("b")
        assert query.value == "a" * QUERY_MOST and "Query cut at" in summary(app)
        await pilot.press(*"bbbb")  # a paste typed key by key (no bracketed paste): each dropped, the note stays
        assert query.value == "a" * QUERY_MOST and "Query cut at" in summary(app)
