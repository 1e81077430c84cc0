"""Widgets that show the run follow the app's `state` reactive; none reaches into another."""

from __future__ import annotations

from typing import TYPE_CHECKING

from heypeter_tui.core.run import RunState

if TYPE_CHECKING:
    from heypeter_tui.ui.app import HeyPeterApp


class FollowsRunState:
    """Mixin: calls `show_state` on mount and whenever the app's run state changes."""

    app: HeyPeterApp

    def on_mount(self) -> None:
        self.watch(self.app, "state", self.show_state, init=True)  # type: ignore[attr-defined]

    def show_state(self, state: RunState) -> None:
        raise NotImplementedError
