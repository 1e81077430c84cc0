"""What widgets ask of the app (changes to an item or a role, views to show) and what workers bring back to it.
Typed: one class per request."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from heypeter_tui.core.checks import CheckResult
    from heypeter_tui.core.loader import Validation
    from heypeter_tui.core.session import Catchup, RunSession


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


class AddContact(Message):
    """A contact row beyond the checklist's roles (the incident bridge, vendor support), asked for in a dialog."""


@dataclass
class LogRead(Message):
    """What one poll of the run's log found, read in a worker thread (ui/following.py); the app takes it in on
    the event loop. No `can_replace`: one read is under way at a time, so none waits behind another."""

    session: RunSession
    """The session the read was made for: after "Switch run…" a read of the run shown before is moot."""
    catchup: Catchup | None
    """The log read and folded, to take in; None where it could not be read."""
    trouble: str = ""
    """Why it could not be read."""
    current: str | None = None
    """The state dir's current run, as the worker found it."""
    current_title: str = ""
    """Its title, where it was not the current run last seen."""


class StoreChanged(Message):
    """A run in the database was appended to (ui/listening.py): a hint to catch up, never the change itself.
    Hints waiting in the queue merge into one: one catch-up reads them all."""

    def __init__(self, run_id: str) -> None:
        super().__init__()
        self.run_id = run_id

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, StoreChanged)


@dataclass
class StoreReachable(Message):
    """The database store's connection came (`up`) or went, and why (ui/listening.py)."""

    up: bool
    why: str = ""


@dataclass
class ChecklistChecked(Message):
    """One file of the checklist picker validated, in a worker thread (ui/screens/checklist_picker.py)."""

    index: int
    """Its place in the picker's list."""
    validation: Validation


class CheckItem(ItemAction):
    """`v`: run the item's check (once its checklist is trusted)."""


class CheckOutput(Message):
    """A running check's output so far (its cleaned tail), from the worker that runs it (ui/checking.py). Those
    waiting in the queue for the same check merge into the latest: the screen draws what is current, not every
    chunk a noisy command printed."""

    def __init__(self, key: str, output: str, output_bytes: int, elapsed: float) -> None:
        super().__init__()
        self.key, self.output, self.output_bytes, self.elapsed = key, output, output_bytes, elapsed

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, CheckOutput) and message.key == self.key


@dataclass
class CheckDone(Message):
    """A check ended (passed, failed, timed out or cancelled): its evidence, to record in `session`'s run."""

    session: RunSession
    key: str
    result: CheckResult
    repeat: bool = False
    """A repeating check's run (`every`): its evidence is recorded, and it marks nothing done."""


@dataclass
class CheckNotRun(Message):
    """A check cancelled before its turn came: it never started, so there is nothing to record."""

    key: str
