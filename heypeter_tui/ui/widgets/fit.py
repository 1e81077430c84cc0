"""One line of parts that never hides what matters: when narrow, parts shrink, then go, by priority.

Each part says how important it is, how wide it would like to be and how narrow it may get (a title can be
cut with …, a bar drawn shorter; a badge cannot). The least important part shrinks first, as far as it
may, then goes; then the next. What stays is drawn in order, left parts from the left,
right parts from the right, so a part never moves from its side as others come and go.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.content import Content

GAP = 2
"""Cells between two parts on the same side."""


class Part:
    """A plain class, not a dataclass: the header imports it on the way to the first frame."""

    __slots__ = ("priority", "draw", "natural", "minimum", "right")

    def __init__(self, priority: int, draw: Callable[[int], Content], natural: int, minimum: int = 0,
                 right: bool = False) -> None:
        self.priority = priority
        """Higher stays longer: the verdict and the countdown are the last to go."""
        self.draw = draw
        """The part drawn `width` cells wide (or narrower)."""
        self.natural = natural
        self.minimum = minimum
        """Narrowest it may be drawn; 0 or `natural`: it cannot shrink."""
        self.right = right


def fixed(content: Content, priority: int, right: bool = False) -> Part:
    return Part(priority, lambda _: content, content.cell_length, content.cell_length, right)


def elided(content: Content, priority: int, minimum: int = 8, right: bool = False) -> Part:
    """Text that may be cut short with … (down to `minimum` cells)."""

    def draw(width: int) -> Content:
        if content.cell_length <= width:
            return content
        return content.truncate(max(width - 1, 0)) + Content("…")

    return Part(priority, draw, content.cell_length, min(minimum, content.cell_length), right)


def fit_line(parts: list[Part], width: int) -> Content:
    """The parts that fit in `width` cells, each as wide as it can be, in their order."""
    shown = [part for part in parts if part.natural > 0]
    widths = {id(part): part.natural for part in shown}

    def total() -> int:
        left = [p for p in shown if not p.right]
        right = [p for p in shown if p.right]
        used = sum(widths[id(p)] for p in shown)
        gaps = GAP * (max(len(left) - 1, 0) + max(len(right) - 1, 0)) + (GAP if left and right else 0)
        return used + gaps

    while shown and total() > width:
        part = min(shown, key=lambda p: p.priority)  # the least important: first shrunk, then gone
        if 0 < part.minimum < widths[id(part)]:
            widths[id(part)] = max(part.minimum, widths[id(part)] - (total() - width))
        else:
            shown.remove(part)
    # Dropping a whole part may leave room: a part dropped earlier comes back where it fits at its narrowest
    # (a bar gone for want of one cell must not leave nine blank ones), then shrunk parts take back the rest.
    for part in sorted((p for p in parts if p not in shown and p.natural > 0), key=lambda p: -p.priority):
        widths[id(part)] = part.minimum or part.natural
        shown.append(part)
        if total() > width:
            shown.remove(part)
        else:
            shown.sort(key=parts.index)
    for part in sorted(shown, key=lambda p: -p.priority):
        spare = width - total()
        if spare > 0 and widths[id(part)] < part.natural:
            widths[id(part)] = min(part.natural, widths[id(part)] + spare)
    left = [p.draw(widths[id(p)]) for p in shown if not p.right]
    right = [p.draw(widths[id(p)]) for p in shown if p.right]
    left_content = Content(" " * GAP).join(left)
    right_content = Content(" " * GAP).join(right)
    gap = max(width - left_content.cell_length - right_content.cell_length, 1 if left and right else 0)
    return Content.assemble(left_content, " " * gap, right_content)
