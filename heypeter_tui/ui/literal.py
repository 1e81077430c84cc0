"""Text from files and people, ready for a widget: cleaned of escape sequences, never markup.

Every place such text meets the screen goes through here, so `[red]` stays `[red]` and
`[@click=app.quit]` stays text.
"""

from __future__ import annotations

from rich.text import Text
from textual.content import Content

from heypeter_tui.core.text import clean, clean_line, shorten

LINE_LIMIT = 500
"""No one line of the screen needs more: a 100 KB operator or reason must not flood the list."""
BLOCK_LIMIT = 4000
"""A note in the item's history: longer ones show this much, with their size; the record has them whole."""


def literal(text: str, style: str = "", limit: int = LINE_LIMIT) -> Content:
    """One line of literal text (line breaks folded, cut at `limit`), optionally styled as a whole."""
    text = clean_line(shorten(text, limit + 1))[:limit]  # cut first: cleaning 50 MB to show 500 characters is waste
    return Content.styled(text, style) if style else Content(text)


def literal_block(text: str, limit: int = BLOCK_LIMIT) -> Content:
    """Literal text that keeps its line breaks (notes), cut at `limit` characters with its size said."""
    if len(text) <= limit:
        return Content(clean(text))
    more = f"\n… ({len(text):,} characters; the first {limit:,} shown, `heypeter-tui export` has them all)"
    return Content(clean(text[:limit]) + more)


def literal_cell(text: str, limit: int = 200) -> Text:
    """A DataTable cell: DataTable parses plain `str` cells as markup, a rich Text it shows as is."""
    return Text(clean_line(shorten(text, limit)), end="")
