"""Keys typed ahead of a dialog land in it, in order.

A dashboard key is resolved late: it goes to the focused widget first, and its binding runs when it
bubbles back to the app, against the focus as it is then (so `1`, `l`, `space` typed at once ticks an
item of section 1). A dialog then opens from a worker, a moment after its key; someone typing `n` and a
note without a pause would otherwise send the note's first letters to the dashboard (`x` marks N/A), or
lose them. So the action that opens a dialog holds the keyboard: every key that reaches the app
meanwhile, fresh or bubbling back from a widget, waits here. Once the dialog has its first field focused
(or the flow ends without a dialog) they are handed on as new keys, in the order they were typed. A key is
never held for long: after HOLD_SECONDS they flow regardless.
"""

from __future__ import annotations

from textual import events
from textual.message import Message
from textual.timer import Timer

HOLD_SECONDS = 2.0


class KeysMayFlow(Message):
    """A dialog is ready for typing (or none is coming): hand on the keys held meanwhile."""


class KeysDropped(Message):
    """A question no key typed ahead may answer is up: the keys held meanwhile go nowhere."""


class HoldsKeys:
    """Mixin for the app: `hold_keys` where a dialog is about to open, `release_keys` once it has."""

    held: list[events.Key] | None = None
    hold_timer: Timer | None = None

    def hold_keys(self) -> None:
        if self.held is None:
            self.held = []
            # Each hold its own timer: an earlier hold's must not cut a later one short.
            self.hold_timer = self.set_timer(HOLD_SECONDS, self.release_keys)  # type: ignore[attr-defined]

    def release_keys(self) -> None:
        """Posted, not done here: keys already on their way to the app are held first, then all flow."""
        if self.held is not None:
            self.post_message(KeysMayFlow())  # type: ignore[attr-defined]

    def discard_held_keys(self) -> None:
        """Drop the keys typed ahead: for a question no key typed before it was seen may answer (trusting commands).
        Posted, as `release_keys` is: keys already on their way are held first, then dropped with the rest."""
        if self.held is not None:
            self.post_message(KeysDropped())  # type: ignore[attr-defined]

    def on_keys_dropped(self, message: KeysDropped) -> None:
        if self.held is not None:
            if self.hold_timer is not None:
                self.hold_timer.stop()
            self.held = None

    async def on_event(self, event: events.Event) -> None:
        if self.held is not None and isinstance(event, events.Key):
            self.held.append(event)  # fresh, or bubbled back unhandled from where it was sent before the hold
            return
        await super().on_event(event)  # type: ignore[misc]

    async def on_keys_may_flow(self, message: KeysMayFlow) -> None:
        if self.held is None:
            return
        if self.hold_timer is not None:
            self.hold_timer.stop()
        held, self.held = sorted(self.held, key=lambda key: key.time), None
        for index, event in enumerate(held):  # on the app's own task: before any key that arrives after them
            await super().on_event(events.Key(event.key, event.character))  # type: ignore[misc]
            if self.held is not None:  # that key opened a dialog or moved a field: the rest wait for it again
                self.held[:0] = held[index + 1 :]
                return
