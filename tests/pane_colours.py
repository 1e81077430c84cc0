"""Which item the list's highlight is on, read from a terminal's colours (tmux's `capture-pane -p -e`).

The highlight is a colour alone: the e2e tests and `make bench` (bench/check_bench.py) look for it the same way.
"""

from __future__ import annotations

import re

SGR = re.compile(r"\x1b\[([0-9;]*)m")
MARKER = re.compile(r"\[[ x-]\]")
"""An item row's status box: `[ ]`, `[x]`, `[-]`."""


def highlighted_item(screen: str) -> str:
    """The text of the item the highlight is on: of the item rows, the one whose status box is drawn on a
    background no other row's is; empty where that is not one row (fewer than three rows, or mid-redraw)."""
    backgrounds: dict[str, str] = {}
    background = ""
    for line in screen.splitlines():
        parts = SGR.split(line)  # text, codes, text, codes, ..., text
        found = False
        for index in range(0, len(parts), 2):
            marker = None if found else MARKER.search(parts[index])
            if marker:  # a line's first box is the list's: one further right is the wide screen's item pane
                rest = parts[index][marker.end():] + "".join(parts[index + 2::2])
                backgrounds.setdefault(rest.strip().split("  ")[0], background)
                found = True
            if index + 1 < len(parts):
                background = _background(parts[index + 1], background)
    odd = [text for text, colour in backgrounds.items()
           if sum(other == colour for other in backgrounds.values()) == 1]
    return odd[0] if len(odd) == 1 and len(backgrounds) > 2 else ""


def _background(codes: str, background: str) -> str:
    """The background in effect after one SGR sequence's `codes`."""
    parts = codes.split(";") if codes else ["0"]
    index = 0
    while index < len(parts):
        part = parts[index]
        if part in ("0", "49"):
            background = ""
        elif part == "48" and index + 1 < len(parts):
            size = 3 if parts[index + 1] == "5" else 5
            background = ";".join(parts[index:index + size])
            index += size - 1
        elif part == "38" and index + 1 < len(parts):
            index += 2 if parts[index + 1] == "5" else 4
        elif part.isdigit() and (40 <= int(part) <= 47 or 100 <= int(part) <= 107):
            background = part
        index += 1
    return background
