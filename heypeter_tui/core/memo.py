"""Derived values kept for the latest RunState they were computed for.

A RunState never changes, and the screen asks about the latest one from several widgets (and the
clock once a second), so one value per name, checked by identity, is all the caching needed.
"""

from __future__ import annotations

from collections.abc import Callable

TYPE_CHECKING = False  # typing is not imported at run time: `status` starts without it
if TYPE_CHECKING:
    from typing import Any, TypeVar

    T = TypeVar("T")
_LAST: dict[str, tuple[object, Any]] = {}


def for_state(name: str, state: object, compute: Callable[[], T]) -> T:
    cached = _LAST.get(name)
    if cached is not None and cached[0] is state:
        return cached[1]
    value = compute()
    _LAST[name] = (state, value)
    return value
