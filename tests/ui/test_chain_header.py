"""A past line of the log changed under an open dashboard: the header says the chain broke, and where."""

from __future__ import annotations

from heypeter_tui.ui.widgets.header import RunHeader
from tests.ui.conftest import poll

FIRST = "code-readiness/all-features-tested-and-approved"


async def test_a_changed_past_line_shows_chain_broken_in_the_header(make_app, state_dir) -> None:
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("1", "l", "space", "space", "space")
        await pilot.pause()
        assert "CHAIN BROKEN" not in app.query_one(RunHeader).render().plain
        log = next((state_dir / "runs").glob("*.jsonl"))
        lines = log.read_bytes().splitlines(keepends=True)
        lines[1] = lines[1].replace(b'"done"', b'"pending"')  # line 2, the first tick, rewritten as if never done
        log.write_bytes(b"".join(lines))
        await poll(app, pilot)  # the log no longer holds the bytes it ended on: read again from the top
        await pilot.pause()
        assert "CHAIN BROKEN L3" in app.query_one(RunHeader).render().plain
