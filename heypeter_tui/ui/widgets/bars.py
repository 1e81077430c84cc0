"""Progress drawn as text: blocks readable without colour, coloured where colour is on."""

from __future__ import annotations

from textual.content import Content

from heypeter_tui.core.rules import Progress

FILLED = "█"
EMPTY = "░"


def progress_bar(progress: Progress, width: int) -> Content:
    filled = round(progress.fraction * width) if progress.total else width
    if progress.complete < progress.total:
        filled = min(filled, width - 1)  # never look finished while something is open
    style = "$success" if progress.complete == progress.total else "$primary"
    return Content.assemble((FILLED * filled, style), (EMPTY * (width - filled), "$foreground-muted"))
