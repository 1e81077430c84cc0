"""The header never hides what matters: it follows every change at once, and drops parts by priority."""

from __future__ import annotations

import pytest
from textual.content import Content

from heypeter_tui.core import commands
from heypeter_tui.ui.widgets.fit import elided, fit_line, fixed
from heypeter_tui.ui.widgets.header import RunHeader

ENABLE = "during-deployment/enable-maintenance-mode"
MONITOR = "final-steps/monitor-for-30-minutes"


def header_lines(app) -> list[str]:
    return app.query_one(RunHeader).render().plain.splitlines()


def test_parts_shrink_then_go_least_important_first() -> None:
    parts = [
        elided(Content("Production Deployment Checklist"), 10, minimum=8),
        fixed(Content("12/83"), 60),
        fixed(Content("T-01:00:00"), 90, right=True),
        fixed(Content(" NO-GO "), 100, right=True),
    ]
    assert fit_line(parts, 80).plain.split() == ["Production", "Deployment", "Checklist", "12/83", "T-01:00:00",
                                                 "NO-GO"]
    assert fit_line(parts, 36).plain == "Product…  12/83  T-01:00:00   NO-GO "  # the title cut, not dropped yet
    assert fit_line(parts, 30).plain == "12/83      T-01:00:00   NO-GO "  # then gone
    assert fit_line(parts, 20).plain == " T-01:00:00   NO-GO "  # right parts stay right
    assert fit_line(parts, 8).plain == "  NO-GO "  # the verdict goes last
    assert all(fit_line(parts, width).cell_length == width for width in range(8, 120))


@pytest.mark.parametrize("width", [250, 120, 100, 80])
async def test_window_timer_countdown_and_verdict_show_at_every_width(make_app, clock, width: int) -> None:
    app = make_app()
    async with app.run_test(size=(width, 30)) as pilot:
        session = app.session
        session.record(commands.set_t0("+1h", clock()))
        session.record(commands.set_status(session.state, ENABLE, "done", override="rehearsal"))
        app.state = session.state
        await pilot.pause()
        second = header_lines(app)[1]
        assert "MAINTENANCE 00:00:00" in second and "T-01:00:00" in second and second.rstrip().endswith("NO-GO")
        await pilot.press("d", "d", "d", "d", "l", "down", "down", "t")  # Final Steps: start the 30-minute timer
        await app.workers.wait_for_complete()
        assert MONITOR in app.state.timers
        first, second = header_lines(app)  # at once: no resize needed
        assert "timer 00:30:00" in second or width < 100  # a timer goes before the window and the countdown
        assert "MAINTENANCE 00:00:00" in second and "T-01:00:00" in second
        assert "operator alice" in first and "next Final code review" in first
        assert max(len(first), len(second)) <= width


async def test_the_next_item_is_named_only_on_deployment_day(make_app, clock) -> None:
    app = make_app()  # T-0 is not set
    async with app.run_test(size=(120, 30)) as pilot:
        assert "next " not in header_lines(app)[0]
        app.session.record(commands.set_t0("+13h", clock()))
        app.state = app.session.state
        await pilot.pause()
        assert "next " not in header_lines(app)[0]  # the day before
        clock.advance(hours=2)
        app.tick()
        await pilot.pause()
        assert "next Final code review" in header_lines(app)[0]


def test_a_part_dropped_for_want_of_a_cell_comes_back_where_it_fits() -> None:
    from heypeter_tui.ui.widgets.fit import Part

    bar = Part(20, lambda width: Content("#" * width), 40, 6)
    parts = [elided(Content("Production Deployment Checklist, 2026-11-27"), 30), bar, fixed(Content("50/83"), 60),
             fixed(Content("timer 00:29:20"), 70, right=True), fixed(Content("MAINTENANCE 00:00:41"), 80, right=True),
             fixed(Content("T-00:59:00"), 90, right=True), fixed(Content(" NO-GO "), 100, right=True)]
    line = fit_line(parts, 117).plain
    assert "2026-11-27  ######  50/83  timer" in line  # the bar at its narrowest, not nine blank cells


async def test_below_100_columns_the_footer_leaves_out_the_palette_corner_and_takes_it_back(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 24)) as pilot:
        def corner_shown() -> bool:
            return app.screen.query_one("FooterKey.-command-palette").display

        await pilot.pause()
        assert corner_shown()
        await pilot.resize_terminal(60, 24)
        await pilot.pause()
        assert not corner_shown()  # it ran into the keys: `g Go/No-G▏^p paletteH`
        await pilot.resize_terminal(120, 24)
        await pilot.pause()
        assert corner_shown()
