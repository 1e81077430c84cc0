"""Text from files and people, ready for a widget: cleaned of escape sequences, never markup.

Every place such text meets the screen goes through here, so `[red]` stays `[red]` and
`[@click=app.quit]` stays text.
"""

from __future__ import annotations

from rich.text import Text
from textual.content import Content

from heypeter_tui.core.text import clean, clean_line


def literal(text: str, style: str = "") -> Content:
    """One line of literal text (line breaks folded), optionally styled as a whole."""
    return Content.styled(clean_line(text), style) if style else Content(clean_line(text))


def literal_block(text: str) -> Content:
    """Literal text that keeps its line breaks (notes)."""
    return Content(clean(text))


def literal_cell(text: str) -> Text:
    """A DataTable cell: DataTable parses plain `str` cells as markup, a rich Text it shows as is."""
    return Text(clean_line(text), end="")
