"""The dashboard: header, navigator, the selected view (items, sign-offs or contacts), footer."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Footer, Static

from heypeter_tui.core.run import RunState
from heypeter_tui.ui.messages import ViewSelected
from heypeter_tui.ui.widgets.activity import Activity
from heypeter_tui.ui.widgets.checks_panel import ChecksPanel
from heypeter_tui.ui.widgets.header import RunHeader
from heypeter_tui.ui.widgets.item_side import ItemSide
from heypeter_tui.ui.widgets.items import ItemList
from heypeter_tui.ui.widgets.navigator import CONTACTS, GATE, GROUP_PREFIX, NEXT, SIGNOFFS, Navigator, group_view
from heypeter_tui.ui.widgets.row_list import RowList

SECTION_KEYS = "1234567890"


class DashboardScreen(Screen[None]):
    # Below 100 columns the palette's corner would run into the keys (`g Go/No-G▏^p paletteH`): it goes (ctrl+p
    # still opens the palette, and ? lists every key), following every resize.
    DEFAULT_CSS = """
    DashboardScreen { layers: default activity; }
    DashboardScreen.-narrow Footer FooterKey.-command-palette { display: none; }
    DashboardScreen.-xwide.-items #side { display: block; }
    """
    BINDINGS = [
        *(
            Binding(key, f"section({n})", f"Section {n}", show=False, id=f"view.section-{n}")
            for n, key in enumerate(SECTION_KEYS, start=1)
        ),
        Binding("d", "deployment_day", "Deploy day", show=False, id="view.deployment-day"),
        Binding("s", f"show('{SIGNOFFS}')", "Sign-offs", show=False, id="view.signoffs"),
        Binding("c", f"show('{CONTACTS}')", "Contacts", show=False, id="view.contacts"),
        Binding("g", f"show('{GATE}')", "Go/No-Go", id="view.gate"),
        Binding("w", f"show('{NEXT}')", "What's next", show=False, id="view.next"),
        Binding("slash", "app.search", "Search", id="app.search"),
        Binding("T", "app.set_t0", "Set T-0", show=False, id="run.t0"),
        Binding("u,ctrl+z", "app.undo", "Undo", show=False, id="app.undo"),
        Binding("o", "app.set_operator", "Operator", show=False, id="app.operator"),
        Binding("escape", "checks_cancel", "Cancel checks", id="checks.cancel"),
        Binding("escape", "checks_close", "Close checks", id="checks.close"),
        Binding("h,left", "focus_navigator", "Navigator", show=False, id="pane.left"),
        Binding("l,right", "focus_view", "Into the view", show=False, id="pane.right"),
    ]

    # repaint=False: what they change (the shown view, the pane classes) redraws itself
    view: reactive[str] = reactive("", init=False, repaint=False)
    pane: reactive[str] = reactive("nav", init=False, repaint=False)
    """Which pane has focus: below 100 columns only that one shows."""

    def __init__(self) -> None:
        # Set before the first styling, not restyled at mount: the navigator has focus and the view shown first is a
        # section's items (on_mount). A class added at mount restyled the whole screen once more before its first frame.
        super().__init__(classes="-pane-nav -items")

    def compose(self) -> ComposeResult:
        yield RunHeader(id="header")
        with Horizontal(id="body"):
            yield Navigator(id="nav")
            with ContentSwitcher(id="content", initial="items"):
                yield ItemList(id="items")  # the record views are mounted when first shown
            yield ItemSide(id="side")
        yield ChecksPanel()
        yield Activity()
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

    def on_row_list_highlighted(self, event: RowList.Highlighted) -> None:
        if isinstance(event.row_list, ItemList):
            self.query_one(ItemSide).show_item(event.row.id)

    def on_row_list_selected(self, event: RowList.Selected) -> None:
        if isinstance(event.row_list, Navigator):
            self.action_focus_view()  # enter on a row goes into it

    async def mount_view(self, view: str) -> None:
        """Sign-offs, contacts and Go / No-Go are built the first time they are shown: the first frame
        needs only the items (and DataTable is not even imported until then)."""
        if view.startswith(GROUP_PREFIX) or self.query(f"#{view}"):
            return
        from heypeter_tui.ui.widgets.gate_panel import GatePanel
        from heypeter_tui.ui.widgets.next_pane import NextPane
        from heypeter_tui.ui.widgets.tables import ContactsTable, SignoffTable

        widget = {
            SIGNOFFS: lambda: SignoffTable(id=SIGNOFFS),
            CONTACTS: lambda: ContactsTable(id=CONTACTS),
            GATE: lambda: GatePanel(id=GATE),
            NEXT: lambda: NextPane(id=NEXT),
        }[view]()
        widget.display = False
        await self.query_one(ContentSwitcher).mount(widget)

    async def on_view_selected(self, message: ViewSelected) -> None:
        await self.mount_view(message.view)
        # A key (s, c, 1..0) may have moved the navigator since this message was posted: the later wins.
        if message.view == self.query_one(Navigator).highlighted_view:
            self.view = message.view

    def watch_view(self, view: str) -> None:
        self.set_class(view.startswith(GROUP_PREFIX), "-items")
        if view.startswith(GROUP_PREFIX):
            items = self.query_one(ItemList)
            items.group_id = view.removeprefix(GROUP_PREFIX)
            self.query_one(ContentSwitcher).current = "items"
            self.query_one(ItemSide).show_item(items.highlighted_key)
        else:
            self.query_one(ContentSwitcher).current = view
        self.query_one(Navigator).select_view(view)

    # -- actions -------------------------------------------------------------------------------

    @property
    def checks_panel(self) -> ChecksPanel:
        return self.query_one(ChecksPanel)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """`esc` is the checks panel's alone, and only while it shows: it cancels the checks running, or with none
        running closes the panel (the footer says which). Elsewhere it stays free, and unlisted."""
        if action in ("checks_cancel", "checks_close"):
            shown = self.is_mounted and self.checks_panel.display
            return shown and (action == "checks_cancel") == bool(self.app.cancels)
        return True

    def action_checks_cancel(self) -> None:
        self.app.cancel_checks()

    def action_checks_close(self) -> None:
        self.checks_panel.close()

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

    def show_item(self, key: str) -> None:
        """The item's section or phase, the item highlighted and the focus on the list: where search and the
        palette go. An item the run no longer has (another run was switched to meanwhile) is not looked for."""
        found = self.app.state.checklist.items_by_key.get(key)
        if found is None:
            return
        self.view = group_view(found[0])  # the list is rebuilt for the group as the view is set
        items = self.query_one(ItemList)
        index = items.index_of(key)
        if index is not None:
            items.highlighted = index
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
