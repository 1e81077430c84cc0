"""This host's witness of the chain on a full file system (the log has room): the dashboard records the change and
says in a notification that the witness was not kept, rather than letting it silently stop advancing."""

from __future__ import annotations

import json
from pathlib import Path

from tests.unit.test_full_disk import fill, mounted_tmpfs


def said(app) -> list[str]:
    return [f"{note.title}: {note.message}" for note in app._notifications]


async def test_a_witness_that_cannot_be_kept_is_said_in_a_notification(make_app, state_dir: Path) -> None:
    state_dir.mkdir(mode=0o700)
    with mounted_tmpfs(state_dir / "witness", "size=1m,mode=0700") as witness:
        fill(witness)
        app = make_app()
        run_id = app.session.state.run_id
        async with app.run_test(size=(120, 30), notifications=True) as pilot:
            await pilot.pause()
            warned = [text for text in said(app) if text.startswith("Witness: ")]
            assert warned == [f"Witness: {witness / run_id}.json: this host's witness of the chain was not kept "
                              "(disk full: free some space and try again): until it is, `verify` here cannot tell "
                              "an edit of the run's latest lines"]
            await pilot.press("1", "l", "space")  # a tick: kept in the log, the witness still not: said once
            await pilot.pause()
            assert len([text for text in said(app) if text.startswith("Witness: ")]) == 1
            (witness / "filler").unlink()
            await pilot.press("j", "space")
            await pilot.pause()
            assert "Witness: this host's witness of the chain is kept again" in said(app)
            assert json.loads((witness / f"{run_id}.json").read_text())["line"] == 3
