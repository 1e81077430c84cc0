"""What widgets ask of the app: changes to record, views to show."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from heypeter_tui.core.commands import Change


@dataclass
class ChangeRequested(Message):
    """Record this change in the run's log (the app does, then the screen follows the new state)."""

    change: Change


@dataclass
class ViewSelected(Message):
    """The navigator moved to a view: a group id, `signoffs` or `contacts`."""

    view: str


@dataclass
class ItemCommand(Message):
    """Something to do to one item that needs the screen: `na`, `blocked`, `note` or `detail`."""

    key: str
    command: str
