"""config.yaml's keymap rebinds keys by binding id (App.set_keymap)."""

from __future__ import annotations

from pathlib import Path


async def test_keymap_rebinds_by_id(make_app, tmp_path: Path) -> None:
    config = tmp_path / "cfg" / "config.yaml"
    config.parent.mkdir(parents=True)
    config.write_text("keymap:\n  app.quit: ctrl+q\n  item.toggle: t\n")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("l", "t")
        assert app.state.item("code-readiness/all-features-tested-and-approved").status == "done"
        await pilot.press("q")
        assert app.is_running
        await pilot.press("ctrl+q")
        assert not app.is_running
