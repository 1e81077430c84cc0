"""Below 40x12 nothing useful fits: a notice over every screen, and no key but quit does anything.

The app pushes it (imported only then: a start at a usable size does not pay for it) when the terminal
shrinks below the limit and pops it when it grows back, so whatever was open underneath (a dialog, the
palette) is there again as it was left. Being modal, it keeps keys and clicks from the screens below; the
app refuses its own actions meanwhile.
"""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.geometry import Size
from textual.screen import ModalScreen
from textual.widgets import Static

ALWAYS_QUITS = "ctrl+q"
"""Textual's own priority binding, which the app lets through."""


class TooSmallScreen(ModalScreen[None]):
    # Opaque: neither the dashboard nor a dialog shows through, squeezed into a few columns.
    DEFAULT_CSS = """
    TooSmallScreen {
        background: $background;
    }
    TooSmallScreen > #notice {
        width: 1fr;
        height: 1fr;
        content-align: center middle;
        text-style: bold;
        color: $warning;
    }
    """
    # The same id as the app's quit binding, so that a keymap rebinding `app.quit` moves this one too.
    BINDINGS = [Binding("q", "app.quit", "Quit", id="app.quit")]

    def __init__(self, minimum: Size) -> None:
        super().__init__()
        self.minimum = minimum

    def compose(self) -> ComposeResult:
        yield Static(self.text(), id="notice", markup=False)

    def text(self, ignored: str = "") -> str:
        width, height = self.minimum
        notice = f"Terminal too small: heypeter-tui needs at least {width}×{height}."
        return f"{notice}\n\n{self.quit_keys()} quits." + (f"\n(ignored: {ignored})" if ignored else "")

    def on_key(self, event: events.Key) -> None:
        """Answer a key that does nothing here, so that it does not seem lost (and, in a real terminal, shows
        that the keys before it were read). The quit key goes on to its binding."""
        if event.key in self.active_bindings:
            return
        printable = event.is_printable and event.character is not None and event.character.strip()
        self.query_one("#notice", Static).update(self.text(event.character if printable else event.key))

    def quit_keys(self) -> str:
        keymap: dict[str, str] = getattr(self.app, "user_keymap", {})
        keys = [key.strip() for key in keymap.get("app.quit", "q").split(",") if key.strip()]
        keys += [] if ALWAYS_QUITS in keys else [ALWAYS_QUITS]
        return " or ".join(keys)
