"""The baseline: a bare Textual app (Header, Static, Footer), started the same way in the same venv."""

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static


class BareApp(App[None]):
    BINDINGS = [("q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("bare app ready")
        yield Footer()


if __name__ == "__main__":
    BareApp().run()
