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


async def test_the_sign_off_table_shows_a_key_signature_and_whether_it_verified(make_app, state_dir, tmp_path) -> None:
    import subprocess

    from heypeter_tui.cli import main
    from heypeter_tui.ui.widgets.tables import SignoffTable

    key = tmp_path / "qa"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
    app = make_app()
    main(["--state-dir", str(state_dir), "sign", "QA Lead", "--name", "Quinn", "--ssh-key", str(key)])
    async with app.run_test(size=(160, 40)) as pilot:
        await poll(app, pilot)
        await pilot.press("s", "l")  # the sign-offs
        await pilot.pause()
        row = app.query_one(SignoffTable).get_row("QA Lead")
        # The built-in checklist names no keys: nothing can verify, for any reader, whatever their own files say.
        assert str(row[3]).startswith("unverifiable (no keys in checklist) key SHA256:")
        assert "Quinn" in str(row[1])
