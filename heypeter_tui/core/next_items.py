"""What to do next: a run's open items, most urgent first, everyone's or one owner's. Pure functions.

Open is pending or blocked (a blocked item still has to be done; done and N/A are not open). Most urgent
is: items of an overdue phase or section first, then by the time their group is due (which needs a T-0),
then those with no due time, each in checklist order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from heypeter_tui.core.checklist import Checklist, owner_of
from heypeter_tui.core.clock import to_iso
from heypeter_tui.core.durations import format_duration
from heypeter_tui.core.errors import UserError
from heypeter_tui.core.run import COMPLETE, RunState
from heypeter_tui.core.schedule import due_at, is_overdue
from heypeter_tui.core.text import clean_line

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


@dataclass(frozen=True)
class NextItem:
    key: str
    group: str
    """The group's title."""
    text: str
    owner: str | None
    due: datetime | None
    """When its group is due: None without a T-0 or a `due:`."""
    overdue: bool
    status: str
    offset: int | None = None
    """The group's `due:`, seconds from T-0: what to show (`T-2h`) while no T-0 is set."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "group": self.group,
            "text": self.text,
            "owner": self.owner,
            "due": to_iso(self.due) if self.due else None,
            "offset": format_duration(self.offset, signed=True) if self.offset is not None else None,
            "overdue": self.overdue,
            "status": self.status,
        }


def owner_matches(owner: str | None, reference: str) -> bool:
    """`qa lead`, `QA Lead` and `qa-lead` all name QA Lead, as a sign-off role is named on the command line.
    An owner is matched as it is shown (one line): a log's checklist may hold one written with line breaks."""
    if owner is None:
        return False
    wanted, shown = clean_line(reference).strip().casefold(), clean_line(owner).strip().casefold()
    return wanted in (shown, shown.replace(" ", "-"))


def owners(checklist: Checklist) -> list[str]:
    """Every owner the checklist names, inherited or its own, once each, in checklist order."""
    found: dict[str, None] = {}
    for group in checklist.groups:
        for item in group.items:
            owner = owner_of(group, item)
            if owner is not None:
                found.setdefault(owner, None)
    return list(found)


def find_owner(checklist: Checklist, reference: str) -> str:
    """The owner `reference` names, as the checklist writes it; UserError (one line) if it names none."""
    named = owners(checklist)
    for owner in named:
        if owner_matches(owner, reference):
            return owner
    if not named:
        raise UserError(f"no owner {reference[:200]!r}: checklist {checklist.id!r} names no owners")
    raise UserError(f"no owner {reference[:200]!r}; the owners are: {', '.join(named)}")


def _phase_places(state: RunState) -> dict[str, datetime]:
    """Each deployment-day phase without a due time of its own that comes before a dated one, by id: it takes the
    place of the next dated phase, before it (checklist order breaks the tie). Without this, "During Deployment"
    (undated) came after a dated "Post-Deployment". An undated phase with no dated one after it stays among the
    undated, in checklist order, as before."""
    dues = [(phase.id, due_at(state, phase)) for phase in state.checklist.phases]
    places: dict[str, datetime] = {}
    for index, (phase_id, due) in enumerate(dues):
        after = next((d for _, d in dues[index + 1:] if d is not None), None) if due is None else None
        if after is not None:
            places[phase_id] = after
    return places


def _rank(entry: NextItem, places: dict[str, datetime]) -> tuple[bool, float]:
    """Its due time (or its phase's place in the day); those with neither last."""
    moment = entry.due or places.get(entry.key.split("/", 1)[0])
    return moment is None, moment.timestamp() if moment else 0


def next_items(state: RunState, now: datetime, owner: str | None = None, limit: int | None = None) -> list[NextItem]:
    """The open items, most urgent first (see the module), only `owner`'s where one is given, the first
    `limit` where one is given."""
    found: list[NextItem] = []
    places = _phase_places(state)
    for group in state.checklist.groups:
        due = due_at(state, group)
        overdue = is_overdue(state, group, now)
        for item in group.items:
            key = group.key(item)
            status = state.item(key).status
            who = owner_of(group, item)
            if status in COMPLETE or (owner is not None and not owner_matches(who, owner)):
                continue
            found.append(NextItem(key, group.title, item.text, who, due, overdue, status, group.due))
    # By due time, those without one last; a stable sort keeps checklist order within each. Overdue items need
    # no rank of their own: their due time has passed, while an open item not overdue is due now or later. A phase
    # without a due time of its own takes its place in the day among the dated ones (`_phase_places`).
    found.sort(key=lambda entry: _rank(entry, places))
    return found if limit is None else found[:limit]
