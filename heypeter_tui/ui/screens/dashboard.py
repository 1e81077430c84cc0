"""The dashboard: header, navigator, the selected view (items, sign-offs or contacts), footer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Footer, Static

from heypeter_tui.core import commands
from heypeter_tui.core.clock import format_full, parse_iso
from heypeter_tui.core.errors import UserError
from heypeter_tui.core.rules import gate, open_readiness_items
from heypeter_tui.core.run import BLOCKED, NA, RunState
from heypeter_tui.ui.messages import ChangeRequested, ItemCommand, ViewSelected
from heypeter_tui.ui.widgets.deploy_clock import DeployClock
from heypeter_tui.ui.widgets.header import RunHeader
from heypeter_tui.ui.widgets.items import ItemList
from heypeter_tui.ui.widgets.navigator import CONTACTS, GATE, GROUP_PREFIX, SIGNOFFS, Navigator, group_view
from heypeter_tui.ui.widgets.row_list import RowList

if TYPE_CHECKING:
    from textual.widgets import DataTable

    from heypeter_tui.ui.widgets.tables import SignoffTable

SECTION_KEYS = "1234567890"


class DashboardScreen(Screen[None]):
    BINDINGS = [
        *(
            Binding(key, f"section({n})", f"Section {n}", show=False, id=f"view.section-{n}")
            for n, key in enumerate(SECTION_KEYS, start=1)
        ),
        Binding("d", "deployment_day", "Deploy day", show=False, id="view.deployment-day"),
        Binding("s", f"show('{SIGNOFFS}')", "Sign-offs", show=False, id="view.signoffs"),
        Binding("c", f"show('{CONTACTS}')", "Contacts", show=False, id="view.contacts"),
        Binding("g", f"show('{GATE}')", "Go/No-Go", id="view.gate"),
        Binding("T", "set_t0", "Set T-0", show=False, id="run.t0"),
        Binding("u,ctrl+z", "app.undo", "Undo", show=False, id="app.undo"),
        Binding("o", "app.set_operator", "Operator", show=False, id="app.operator"),
        Binding("h,left", "focus_navigator", "Navigator", show=False, id="pane.left"),
        Binding("l,right", "focus_view", "Into the view", show=False, id="pane.right"),
    ]

    # repaint=False: what they change (the shown view, the pane classes) redraws itself
    view: reactive[str] = reactive("", init=False, repaint=False)
    pane: reactive[str] = reactive("nav", init=False, repaint=False)
    """Which pane has focus: below 100 columns only that one shows."""

    def __init__(self) -> None:
        super().__init__(classes="-pane-nav")  # set before the first styling, not restyled at mount

    def compose(self) -> ComposeResult:
        with Horizontal(id="header"):
            yield RunHeader()
            yield DeployClock()
        with Horizontal(id="body"):
            yield Navigator(id="nav")
            with ContentSwitcher(id="content", initial="items"):
                yield ItemList(id="items")  # the record views are mounted when first shown
        yield Footer(compact=True)
        yield Static("Terminal too small: heypeter-tui needs at least 40×12.", id="too-small", markup=False)

    def on_mount(self) -> None:
        self.view = group_view(self.app.state.checklist.groups[0])
        self.query_one(Navigator).focus()
        self.watch(self.app, "state", self.keep_view_valid)

    def keep_view_valid(self, state: RunState) -> None:
        """After switching runs, a group of the old checklist may not exist: show the first one."""
        group_ids = {group_view(group) for group in state.checklist.groups}
        if self.view.startswith(GROUP_PREFIX) and self.view not in group_ids:
            self.view = group_view(state.checklist.groups[0])

    def watch_pane(self, pane: str) -> None:
        self.set_class(pane == "nav", "-pane-nav")
        self.set_class(pane == "view", "-pane-view")

    def on_descendant_focus(self, event) -> None:
        self.pane = "nav" if isinstance(event.widget, Navigator) else "view"

    def on_row_list_selected(self, event: RowList.Selected) -> None:
        if isinstance(event.row_list, Navigator):
            self.action_focus_view()  # enter on a row goes into it

    async def mount_view(self, view: str) -> None:
        """Sign-offs, contacts and Go / No-Go are built the first time they are shown: the first frame
        needs only the items (and DataTable is not even imported until then)."""
        if view.startswith(GROUP_PREFIX) or self.query(f"#{view}"):
            return
        from heypeter_tui.ui.widgets.gate_panel import GatePanel
        from heypeter_tui.ui.widgets.tables import ContactsTable, SignoffTable

        widget = {
            SIGNOFFS: lambda: SignoffTable(id=SIGNOFFS),
            CONTACTS: lambda: ContactsTable(id=CONTACTS),
            GATE: lambda: VerticalScroll(GatePanel(), id=GATE),
        }[view]()
        widget.display = False
        await self.query_one(ContentSwitcher).mount(widget)

    async def on_view_selected(self, message: ViewSelected) -> None:
        await self.mount_view(message.view)
        # A key (s, c, 1..0) may have moved the navigator since this message was posted: the later wins.
        if message.view == self.query_one(Navigator).highlighted_view:
            self.view = message.view

    def watch_view(self, view: str) -> None:
        if view.startswith(GROUP_PREFIX):
            self.query_one(ItemList).group_id = view.removeprefix(GROUP_PREFIX)
            self.query_one(ContentSwitcher).current = "items"
        else:
            self.query_one(ContentSwitcher).current = view
        self.query_one(Navigator).select_view(view)

    # -- actions -------------------------------------------------------------------------------

    def action_section(self, number: int) -> None:
        sections = self.app.state.checklist.sections
        if number <= len(sections):
            self.view = group_view(sections[number - 1])
            self.action_focus_view()

    def action_deployment_day(self) -> None:
        """The first phase; pressed again, the next one."""
        phases = [group_view(group) for group in self.app.state.checklist.phases]
        if phases:
            following = phases.index(self.view) + 1 if self.view in phases else 0
            self.view = phases[following % len(phases)]
            self.action_focus_view()

    async def action_show(self, view: str) -> None:
        await self.mount_view(view)  # keys typed meanwhile wait: the binding awaits this action
        self.view = view
        self.action_focus_view()

    # Focus moves at once (`set_focus`, not the deferred `Widget.focus`), so a key typed right
    # after `l` already goes to the pane it moved to.
    def action_focus_navigator(self) -> None:
        self.pane = "nav"  # shown first, so that it can take focus
        self.set_focus(self.query_one(Navigator))

    def action_focus_view(self) -> None:
        current = self.query_one(ContentSwitcher).current
        if current:
            self.pane = "view"
            self.set_focus(self.query_one(f"#{current}"))

    # -- items --------------------------------------------------------------------------------

    def on_item_command(self, message: ItemCommand) -> None:
        from heypeter_tui.ui.screens.dialogs import NoteDialog, ReasonDialog  # not needed for the first frame
        from heypeter_tui.ui.screens.item_detail import ItemDetailScreen

        key, state = message.key, self.app.state
        text = state.checklist.items_by_key[key][1].text
        if message.command == "toggle":
            new_status = "pending" if state.item(key).status == "done" else "done"
            if commands.needs_override(state, key, new_status):
                self.ask_override(key, text)
            else:
                self.request_change(lambda: commands.toggle_done(self.app.state, key))
        elif message.command == "timer":
            self.request_change(lambda: commands.toggle_timer(self.app.state, key))
        elif message.command in (NA, BLOCKED):
            title = "Mark N/A" if message.command == NA else "Mark blocked"
            status = message.command
            self.app.push_screen(
                ReasonDialog(title, text),
                lambda values: values and self.request_change(
                    lambda: commands.set_status(self.app.state, key, status, values["reason"])
                ),
            )
        elif message.command == "note":
            self.app.push_screen(
                NoteDialog(text),
                lambda note: note and self.request_change(lambda: commands.add_note(self.app.state, key, note)),
            )
        elif message.command == "detail":
            self.app.push_screen(ItemDetailScreen(state, key))

    def ask_override(self, key: str, text: str) -> None:
        """Ticking a gated item while NO-GO: say so, and take a reason for the record."""
        from heypeter_tui.ui.screens.dialogs import ReasonDialog

        reasons = gate(self.app.state).reasons
        listed = "; ".join(reasons[:3]) + (f"; and {len(reasons) - 3} more" if len(reasons) > 3 else "")
        notice = f"{text}\nThe gate says NO-GO: {listed}. Tick it anyway?"
        self.app.push_screen(
            ReasonDialog("Override the gate", notice, submit="Tick anyway"),
            lambda values: values and self.request_change(
                lambda: commands.toggle_done(self.app.state, key, override=values["reason"])
            ),
        )

    def action_set_t0(self) -> None:
        from heypeter_tui.ui.screens.dialogs import T0Dialog

        state = self.app.state
        current = format_full(parse_iso(state.t0))[:16] if state.t0 else ""
        self.app.push_screen(
            T0Dialog(current),
            lambda values: values and self.request_change(lambda: commands.set_t0(values["t0"], self.app.clock())),
        )

    def on_signoff_table_revoke_requested(self, message: SignoffTable.RevokeRequested) -> None:
        from heypeter_tui.ui.screens.dialogs import ReasonDialog

        role = message.role
        if role not in self.app.state.signoffs:
            self.app.say(f"{role} has not signed", severity="warning")
            return
        self.app.push_screen(
            ReasonDialog(f"Revoke the {role} sign-off", "The revocation and its reason go into the record.", "Revoke"),
            lambda values: values and self.request_change(
                lambda: commands.revoke(self.app.state, role, values["reason"])
            ),
        )

    # -- the record tables ---------------------------------------------------------------------

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        from heypeter_tui.ui.screens.dialogs import ContactDialog, SignDialog

        key = event.row_key.value
        state = self.app.state
        if key is None:
            return
        if event.data_table.id == SIGNOFFS:
            dialog = SignDialog(key, open_readiness_items(state))
            self.app.push_screen(dialog, lambda values: self.sign_role(key, values))
        elif event.data_table.id == CONTACTS:
            self.app.push_screen(ContactDialog(state.contacts[key]), lambda values: self.save_contact(key, values))

    def sign_role(self, role: str, values: dict[str, str] | None) -> None:
        if values is not None:
            self.request_change(lambda: commands.sign(self.app.state, role, values["name"], values["signature"]))

    def save_contact(self, role: str, values: dict[str, str] | None) -> None:
        if values is not None:
            self.request_change(
                lambda: commands.set_contact(self.app.state, role, values["name"], values["phone"], values["email"])
            )

    def request_change(self, build) -> None:
        try:
            change = build()
        except UserError as error:
            self.app.say(str(error), severity="error")
            return
        self.post_message(ChangeRequested(change))
