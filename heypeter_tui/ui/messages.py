"""What widgets ask of the app: changes to an item or a role, views to show. Typed: one class per request."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class ViewSelected(Message):
    """The navigator moved to a view: a group id, `signoffs` or `contacts`."""

    view: str


@dataclass
class ItemAction(Message):
    """Something to do to one item (by its key): the app's flows (ui/flows.py) do it."""

    key: str


class ToggleItem(ItemAction):
    """Done <-> pending."""


@dataclass
class MarkItem(ItemAction):
    """N/A or blocked: a reason is asked for."""

    status: str


class NoteOnItem(ItemAction):
    pass


class TimerOfItem(ItemAction):
    """Start the item's timer, or stop it."""


class ShowItem(ItemAction):
    """Its history, notes and timer."""


@dataclass
class RoleAction(Message):
    """Something to do for one sign-off or contact role."""

    role: str


class SignRole(RoleAction):
    pass


class RevokeRole(RoleAction):
    pass


class EditContact(RoleAction):
    pass
