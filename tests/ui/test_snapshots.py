"""The main screen as people see it, at the two sizes it is made for, in every built-in theme.

The clock is injected, so the snapshots are stable.
"""

from __future__ import annotations

import pytest

from heypeter_tui.ui.themes import load_themes

PRESSES = ["1", "space", "down", "space", "down", "down"]
THEMES = [theme.name for theme in load_themes(None)[0]]


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
def test_main_screen(snap_compare, make_app, theme: str, size: tuple[int, int]) -> None:
    app = make_app(theme=theme)
    assert snap_compare(app, terminal_size=size, press=PRESSES)
