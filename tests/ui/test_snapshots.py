"""The main screen as people see it, at the two sizes it is made for (an injected clock keeps them stable)."""

from __future__ import annotations

PRESSES = ["1", "l", "space", "down", "space", "down", "down"]


def test_main_screen_120x40(snap_compare, make_app) -> None:
    assert snap_compare(make_app(), terminal_size=(120, 40), press=PRESSES)


def test_main_screen_80x24(snap_compare, make_app) -> None:
    assert snap_compare(make_app(), terminal_size=(80, 24), press=PRESSES)
