"""The record tables: sign-offs (Role, Name, Date, Signature) and emergency contacts."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable

from heypeter_tui.core.clock import format_local, parse_iso
from heypeter_tui.core.record_summary import Deviation, signing_history
from heypeter_tui.core.record_text import describe
from heypeter_tui.core.rules import is_stale, needs_signature
from heypeter_tui.core.run import RunState
from heypeter_tui.core.staleness import stale_since
from heypeter_tui.core.text import clean_line
from heypeter_tui.ui import messages as msg
from heypeter_tui.ui.literal import literal_cell
from heypeter_tui.ui.widgets.state_view import FollowsRunState


class RecordTable(FollowsRunState, DataTable):
    """A row-cursor table; left/right are left to the screen, which moves between panes."""

    inherit_bindings = False
    COLUMNS: tuple[str, ...] = ()
    BINDINGS = [
        Binding("up,k", "cursor_up", "Up", show=False),
        Binding("down,j", "cursor_down", "Down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home", "scroll_top", "Top", show=False),
        Binding("end", "scroll_bottom", "Bottom", show=False),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.add_columns(*self.COLUMNS)

    REQUESTS: dict[str, type[msg.RoleAction]] = {}
    WRAPPED: int | None = None
    """The column whose cells wrap onto a second line rather than lose their end (a revocation's reason)."""

    def action_request(self, action: str) -> None:
        """The keys typed next are held for the dialog it opens (ui/typeahead.py)."""
        if self.selected_key is not None:
            self.app.hold_keys()
            self.post_message(self.REQUESTS[action](self.selected_key))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """A click on a row does what enter does."""
        event.stop()
        self.action_request(next(iter(self.REQUESTS)))

    @property
    def selected_key(self) -> str | None:
        if not self.row_count:
            return None
        return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value

    def on_resize(self) -> None:
        self.show_state(self.app.state)  # the columns are fitted to the width

    def show_rows(self, rows: list[tuple[str, list[Text]]]) -> None:
        keep = self.cursor_row
        # Each column as wide as its widest cell, fixed before anything is drawn. DataTable measures new cells
        # only when idle and caches a cell drawn before then at its old width (a sign-off showed as
        # `Dana  13:4` until something else redrew the table). Where they do not all fit, the widest give way
        # and their cells end in …: no column ever scrolls out of sight (a long phone hid the Email column).
        natural = [max([len(label), *(cells[index].cell_len for _, cells in rows)])
                   for index, label in enumerate(self.COLUMNS)]
        room = self.scrollable_content_region.width - 2 * self.cell_padding * len(self.COLUMNS)
        widths = fit_columns(natural, [min(len(label), 8) for label in self.COLUMNS], room) if room > 0 else natural
        self.clear(columns=True)
        for label, width in zip(self.COLUMNS, widths):
            self.add_column(label, key=label, width=width)
        wrapped = self.WRAPPED
        for key, cells in rows:
            shown = [wrap(cell, width) if index == wrapped else elide(cell, width)
                     for index, (cell, width) in enumerate(zip(cells, widths))]
            self.add_row(*shown, key=key, height=max(cell.plain.count("\n") + 1 for cell in shown))
        if rows:
            self.move_cursor(row=min(keep, len(rows) - 1))


def fit_columns(natural: list[int], minimum: list[int], room: int) -> list[int]:
    """Column widths within `room`: the widest column gives a cell at a time, none below its minimum."""
    widths = list(natural)
    while sum(widths) > room:
        index = max(range(len(widths)), key=lambda i: widths[i] - minimum[i])
        if widths[index] <= minimum[index]:
            break  # nothing more to give: the table scrolls sideways rather than lose a column
        widths[index] -= 1
    return widths


def wrap(cell: Text, width: int, lines: int = 2) -> Text:
    """At most `lines` lines of `width`, the last cut with …: the end of a status says why."""
    if cell.cell_len <= width:
        return cell
    parts = cell.wrap(Console(width=width, legacy_windows=False), width)[:lines]
    for part in parts:
        part.rstrip()
    if len(parts) == lines and sum(part.cell_len for part in parts) < cell.cell_len - lines:
        last = parts[-1].copy()
        last.truncate(width - 1)
        parts[-1] = last + Text("…")
    return Text("\n").join(parts)


def elide(cell: Text, width: int) -> Text:
    if cell.cell_len <= width:
        return cell
    cut = cell.copy()
    cut.truncate(width, overflow="ellipsis")
    return cut


class SignoffTable(RecordTable):
    """`[x]` signed, `[~]` stale (what it covers is not what was signed), `[ ]` not signed; what happened to it, and
    what each role vouches for (its `covers:`, else all readiness)."""

    COLUMNS = ("Role", "Name", "Signed", "Signature", "Status")
    COVERS = "Covers"
    """Shown where the checklist narrows any role (`covers:`); without, every role vouches for all readiness (the sign
    dialog and the history say so) and a column saying it on every row would only squeeze the names."""
    WRAPPED = 4
    SIGNOFF_BINDINGS = [
        Binding("enter", "request('sign')", "Sign", id="signoff.sign"),
        Binding("r", "request('revoke')", "Revoke", id="signoff.revoke"),
        Binding("i", "history", "History", id="signoff.history"),
    ]
    BINDINGS = SIGNOFF_BINDINGS
    REQUESTS = {"sign": msg.SignRole, "revoke": msg.RevokeRole}

    def show_state(self, state: RunState) -> None:
        now = self.app.clock()
        # The latest per role; a sign line not counted (replayed or moved) changes nothing of what the role stands at.
        history = {d.ref: d for d in signing_history(state) if d.kind != "not_counted"}
        rows = []
        narrowed = any(rule.covers for rule in state.checklist.signers)
        self.COLUMNS = (*SignoffTable.COLUMNS, *((self.COVERS,) if narrowed else ()))
        for role in state.checklist.signoffs:
            signed = state.signoffs.get(role)
            if signed is None:
                mark = Text("[ ] ")
            elif is_stale(state, role):
                mark = Text("[~] ", style="bold italic")
            elif needs_signature(state, role):  # signed, but not with a key of its principals that verifies
                mark = Text("[?] ", style="bold italic")
            else:
                mark = Text("[x] ", style="bold")
            cells = [signed.name, format_local(parse_iso(signed.at), now), signature_shown(state, role, self.app)] \
                if signed else ["", "", ""]
            rows.append((role, [mark + literal_cell(role), *map(literal_cell, cells),
                                literal_cell(signoff_status(state, role, now, history.get(role)), 300),
                                *([literal_cell(state.checklist.covers_text(role), 300)] if narrowed else [])]))
        self.show_rows(rows)

    def action_history(self) -> None:
        """The highlighted role's whole history, one key away: who signed, with which key, verified or not, who
        revoked and why (a revoke's reason is gone from the row once someone signs again)."""
        from heypeter_tui.ui.screens.signoff_history import SignoffHistoryScreen

        if self.selected_key is not None:
            self.app.push_screen(SignoffHistoryScreen(self.app.state, self.selected_key, self.app.session))


def signature_shown(state: RunState, role: str, app) -> str:
    """A typed signature as typed; a key signature by its key (read from the signature itself, never the fingerprint
    the event claims), and whether it verified against the run's own allowed signers: the same for every reader."""
    from heypeter_tui.core.ssh_signatures import signature_fingerprint

    signed = state.signoffs[role]
    event = state.events[signed.seq]
    if not event.get("ssh_signature"):
        return signed.signature
    fingerprint = signature_fingerprint(event.get("ssh_signature")) or "unreadable"
    if role in state.verified:
        verdict = "verified"
    else:  # the run's checklist names no keys: nothing can verify, for anyone
        verdict = "NOT verified" if state.checklist.allowed_signers else "unverifiable (no keys in checklist)"
    return f"{verdict} key {fingerprint[:18]}…"


def signoff_status(state: RunState, role: str, now, latest: Deviation | None) -> str:
    """Stale since when and by what; else how it came to be as it is (revoked, signed again)."""
    signed = state.signoffs.get(role)
    if signed is not None and is_stale(state, role):
        change = stale_since(state, role)
        if change is not None:
            # What matters first: a narrow table cuts the end.
            return f"stale since {format_local(parse_iso(change.ts), now)}: {describe(state, change)}"
        return "stale: sign again"
    if latest is not None and latest.kind == "revoked" and signed is None:
        by = f" by {latest.by.operator}" if latest.by else ""
        at = f" {format_local(parse_iso(latest.at), now)}" if latest.at else ""
        return f"revoked{at}{by}: {latest.reason}" if latest.reason else f"revoked{at}{by}"
    if signed is None:
        return "not signed"
    if latest is not None and latest.kind == "resigned":
        return "current; " + latest.text.split(", ", 2)[-1]  # "over the signature of Dana, …" / "after a revoke"
    return "current"


class ContactsTable(RecordTable):
    COLUMNS = ("Role", "Name", "Phone", "Email")
    CONTACT_BINDINGS = [
        Binding("enter", "request('edit')", "Edit", id="contact.edit"),
        Binding("y", "copy('phone')", "Copy phone", id="contact.copy-phone"),
        Binding("Y", "copy('email')", "Copy email", id="contact.copy-email"),
        Binding("a", "add_contact", "Add contact", id="contact.add"),
    ]
    BINDINGS = CONTACT_BINDINGS
    REQUESTS = {"edit": msg.EditContact}

    def action_add_contact(self) -> None:
        """A row beyond the checklist's roles; the keys typed next are held for its dialog (ui/typeahead.py)."""
        self.app.hold_keys()
        self.post_message(msg.AddContact())

    def action_copy(self, field: str) -> None:
        """Copy to the clipboard by OSC 52 (tmux passes it on with `set-clipboard on`)."""
        role = self.selected_key
        if role is None:
            return
        contact = self.app.state.contacts[role]
        value = getattr(contact, field) or (contact.email if field == "phone" else contact.phone)
        if not value:
            self.app.say(f"{role} has no phone or email yet; enter edits the contact", severity="warning")
            return
        self.app.copy_to_clipboard(clean_line(value))
        self.app.say(f"copied {role}: {value}", timeout=3)

    def show_state(self, state: RunState) -> None:
        rows = [
            (
                contact.role,
                [literal_cell(value) for value in (contact.role, contact.name, contact.phone, contact.email)],
            )
            for contact in state.contacts.values()
        ]
        self.show_rows(rows)
