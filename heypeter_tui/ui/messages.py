"""What widgets ask of the app (changes to an item or a role, views to show) and what workers bring back to it.
Typed: one class per request. Plain classes, not dataclasses: the dashboard imports them all before its first
frame, and a dataclass's generated methods cost that start a third of a millisecond each."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from heypeter_tui.core.checks import CheckResult
    from heypeter_tui.core.loader import Validation
    from heypeter_tui.core.session import Catchup, RunSession


class ViewSelected(Message):
    """The navigator moved to a view: a group id, `signoffs` or `contacts`."""

    def __init__(self, view: str) -> None:
        super().__init__()
        self.view = view


class ItemAction(Message):
    """Something to do to one item (by its key): the app's flows (ui/flows.py) do it."""

    def __init__(self, key: str) -> None:
        super().__init__()
        self.key = key


class ToggleItem(ItemAction):
    """Done <-> pending."""


class MarkItem(ItemAction):
    """N/A or blocked: a reason is asked for."""

    def __init__(self, key: str, status: str) -> None:
        super().__init__(key)
        self.status = status


class NoteOnItem(ItemAction):
    pass


class TimerOfItem(ItemAction):
    """Start the item's timer, or stop it."""


class ShowItem(ItemAction):
    """Its history, notes and timer."""


class RoleAction(Message):
    """Something to do for one sign-off or contact role."""

    def __init__(self, role: str) -> None:
        super().__init__()
        self.role = role


class SignRole(RoleAction):
    pass


class RevokeRole(RoleAction):
    pass


class EditContact(RoleAction):
    pass


class AddContact(Message):
    """A contact row beyond the checklist's roles (the incident bridge, vendor support), asked for in a dialog."""


class LogRead(Message):
    """What one poll of the run's log found, read in a worker thread (ui/following.py); the app takes it in on
    the event loop. No `can_replace`: one read is under way at a time, so none waits behind another."""

    def __init__(self, session: RunSession, catchup: Catchup | None, trouble: str = "", current: str | None = None,
                 current_title: str = "") -> None:
        super().__init__()
        self.session = session
        """The session the read was made for: after "Switch run…" a read of the run shown before is moot."""
        self.catchup = catchup
        """The log read and folded, to take in; None where it could not be read."""
        self.trouble = trouble
        """Why it could not be read."""
        self.current = current
        """The state dir's current run, as the worker found it."""
        self.current_title = current_title
        """Its title, where it was not the current run last seen."""


class StoreChanged(Message):
    """A run in the database was appended to (ui/listening.py): a hint to catch up, never the change itself.
    Hints waiting in the queue merge into one: one catch-up reads them all."""

    def __init__(self, run_id: str) -> None:
        super().__init__()
        self.run_id = run_id

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, StoreChanged)


class StoreReachable(Message):
    """The database store's connection came (`up`) or went, and why (ui/listening.py)."""

    def __init__(self, up: bool, why: str = "") -> None:
        super().__init__()
        self.up, self.why = up, why


class ChecklistChecked(Message):
    """One file of the checklist picker validated, in a worker thread (ui/screens/checklist_picker.py)."""

    def __init__(self, index: int, validation: Validation) -> None:
        super().__init__()
        self.index = index
        """Its place in the picker's list."""
        self.validation = validation


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


class CheckDone(Message):
    """A check ended (passed, failed, timed out or cancelled): its evidence, to record in `session`'s run."""

    def __init__(self, session: RunSession, key: str, result: CheckResult, repeat: bool = False) -> None:
        super().__init__()
        self.session, self.key, self.result = session, key, result
        self.repeat = repeat
        """A repeating check's run (`every`): its evidence is recorded, and it marks nothing done."""


class CheckNotRun(Message):
    """A check cancelled before its turn came: it never started, so there is nothing to record."""

    def __init__(self, key: str) -> None:
        super().__init__()
        self.key = key
