"""At home in tmux: themes kept and recovered, small terminals, copy, and nothing runs that a text asks for."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import ContentSwitcher, Static

from heypeter_tui.ui.app import HeyPeterApp
from heypeter_tui.ui.screens.dashboard import DashboardScreen
from heypeter_tui.ui.screens.dialogs import FormDialog
from heypeter_tui.ui.screens.too_small import TooSmallScreen
from heypeter_tui.ui.widgets.items import ItemList
from heypeter_tui.ui.widgets.navigator import Navigator
from heypeter_tui.ui.widgets.tables import ContactsTable, SignoffTable

BUILT_IN = {"heypeter", "heypeter-light", "high-contrast", "heypeter-ansi"}


async def test_a_theme_chosen_is_kept_for_next_time(make_app, tmp_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)):
        assert app.theme == "heypeter" and set(app.available_themes) >= BUILT_IN
        app.theme = "high-contrast"
    assert "theme: high-contrast" in (tmp_path / "cfg" / "config.yaml").read_text()
    again = make_app()
    async with again.run_test(size=(100, 30)):
        assert again.theme == "high-contrast"


async def test_user_themes_load_and_a_broken_one_falls_back_with_a_message(
    make_app, tmp_path: Path, monkeypatch
) -> None:
    themes = tmp_path / "cfg" / "themes"
    themes.mkdir(parents=True)
    (themes / "ours.yaml").write_text("name: ours\nprimary: '#FF00FF'\ndark: true\n")
    (themes / "broken.yaml").write_text("name: broken\nprimary: '#123456'\ncolour: red\n")
    (tmp_path / "cfg" / "config.yaml").write_text("# our settings\ntheme: broken\noperator: dana\n")
    app = make_app()
    said: list[str] = []
    monkeypatch.setattr(app, "notify", lambda message, **_: said.append(message))
    async with app.run_test(size=(100, 30)):
        assert "ours" in app.available_themes and "broken" not in app.available_themes
        assert app.theme == "heypeter"
        assert any(f"{themes / 'broken.yaml'}:3:1: theme: unknown key 'colour'" in m for m in said)
        assert "no theme 'broken'; using heypeter" in said
        app.theme = "ours"
    config = (tmp_path / "cfg" / "config.yaml").read_text()
    assert config == "# our settings\ntheme: ours\noperator: dana\n"  # the rest of the file kept


async def test_too_small_says_so_and_recovers(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(35, 10)) as pilot:
        # The notice is a modal screen over the dashboard (tests/ui/test_edges_ui.py: no key acts under it).
        assert isinstance(app.screen, TooSmallScreen)
        assert "Terminal too small" in str(app.screen.query_one("#notice", Static).render())
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen) and app.screen.query_one("#body").display


async def test_below_100_columns_one_pane_shows_at_a_time(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        navigator, content = app.query_one(Navigator), app.query_one(ContentSwitcher)
        assert navigator.display and not content.display
        await pilot.press("l")
        assert not navigator.display and content.display and app.focused is app.query_one(ItemList)
        await pilot.press("h")
        assert navigator.display and not content.display
        await pilot.press("s")  # a view key goes into the view
        assert content.display and app.focused is app.query_one(SignoffTable)
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert navigator.display and content.display  # wide: both


async def test_y_copies_a_contacts_phone_and_Y_its_email(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("c", "down", "enter", *"Bob", "enter", *"+1 555 0100", "enter", *"bob@example.com", "enter")
        await pilot.press("y")
        assert app.clipboard == "+1 555 0100"
        await pilot.press("Y")
        assert app.clipboard == "bob@example.com"


async def test_only_allow_listed_actions_run_on_the_app(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        assert app.check_action("quit", ()) and app.check_action("command_palette", ())
        for smuggled in ("screenshot", "suspend_process", "bell", "toggle_dark", "simulate_key"):
            assert not app.check_action(smuggled, ())
        await app.run_action("app.screenshot")
        await pilot.pause()
        assert app.is_running


def test_no_binding_uses_a_tmux_or_screen_prefix_and_every_binding_has_an_id() -> None:
    classes = [HeyPeterApp, DashboardScreen, Navigator, ItemList, SignoffTable, ContactsTable, FormDialog]
    for cls in classes:
        for binding in cls.BINDINGS:
            keys = {key.strip() for key in binding.key.split(",")}
            assert not keys & {"ctrl+b", "ctrl+a"}, (cls.__name__, binding)
            assert binding.id, (cls.__name__, binding.key)  # so that config.yaml's keymap can rebind it
