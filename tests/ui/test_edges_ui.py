"""Edges: keys under the "too small" notice, broken user themes, and which theme config.yaml may name."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from textual.app import InvalidThemeError
from textual.command import CommandPalette
from textual.theme import Theme
from textual.widgets import Input, OptionList, Static

from heypeter_tui.ui import themes
from heypeter_tui.ui.app import HeyPeterApp
from heypeter_tui.ui.screens.dialogs import ReasonDialog
from heypeter_tui.ui.screens.help import HelpScreen
from heypeter_tui.ui.screens.too_small import TooSmallScreen

# -- keys under the "too small" notice --------------------------------------------------------

NOTICE = "Terminal too small: heypeter-tui needs at least 40×12."
# Each of these changes the run, or opens something, at a usable size.
KEYS = ["9", "space", "x", "question_mark", "ctrl+p", "u", "ctrl+z", "o", "T", "tab", "enter", "escape"]


def log_of(app: HeyPeterApp) -> tuple[int, bytes]:
    return len(app.state.events), app.session.store.path.read_bytes()


async def test_no_key_acts_under_the_notice_and_all_work_again_once_it_fits(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(30, 10)) as pilot:
        assert isinstance(app.screen, TooSmallScreen)  # from the first frame: the app started too small
        before = log_of(app)
        await pilot.press(*KEYS)
        await pilot.pause()
        assert log_of(app) == before
        assert isinstance(app.screen, TooSmallScreen) and len(app.screen_stack) == 2
        assert not [s for s in app.screen_stack if isinstance(s, (HelpScreen, CommandPalette, ReasonDialog))]
        for action in ("help", "command_palette", "undo", "set_operator", "switch_run", "change_theme", "pop_screen"):
            assert not app.check_action(action, ())

        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert len(app.screen_stack) == 1 and not isinstance(app.screen, TooSmallScreen)
        await pilot.press("9", "space")
        assert len(app.state.events) == before[0] + 1  # the same keys act again
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape", "ctrl+p")
        assert isinstance(app.screen, CommandPalette)


async def test_a_dialog_open_underneath_takes_no_key_or_click_and_is_back_as_it_was(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("l", "x")  # N/A on the first item: asks for a reason
        dialog = app.screen
        assert isinstance(dialog, ReasonDialog)
        before = log_of(app)
        await pilot.resize_terminal(39, 20)  # too narrow; tall enough that the dialog's buttons are on screen
        await pilot.pause()
        assert isinstance(app.screen, TooSmallScreen)
        await pilot.press(*"oops", "enter")
        # Where the dialog's Cancel button is drawn at this size: a click there lands on the notice.
        cancel = dialog.query_one("#cancel").region
        assert cancel.bottom <= 20 and cancel.right <= 39
        await pilot.click(offset=cancel.center)
        assert log_of(app) == before
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert app.screen is dialog and dialog.query_one(Input).value == ""
        await pilot.press(*"why", "enter")
        assert len(app.state.events) == before[0] + 1 and app.state.events[-1].data.get("reason") == "why"


@pytest.mark.parametrize("key", ["q", "ctrl+q"])
async def test_quit_still_works_under_the_notice_and_the_notice_says_how(make_app, key: str) -> None:
    app = make_app()
    async with app.run_test(size=(30, 10)) as pilot:
        text = str(app.screen.query_one("#notice", Static).render())
        assert NOTICE in text.replace("\n", " ") and "q or ctrl+q quits." in text
        await pilot.press(key)
        await pilot.pause()
        assert not app.is_running
    assert app.return_code == 0


async def test_a_screen_opened_over_the_notice_is_covered_too_and_nothing_is_left_behind(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(30, 10)) as pilot:
        app.action_help()  # as a key's message still in flight when the terminal shrank would open it
        await pilot.pause()
        names = [type(screen).__name__ for screen in app.screen_stack]
        assert names == ["DashboardScreen", "TooSmallScreen", "HelpScreen", "TooSmallScreen"]
        await pilot.press("escape")
        assert isinstance(app.screen, TooSmallScreen)
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)  # it works again, as it was left
        await pilot.press("escape")
        await pilot.pause()
        assert len(app.screen_stack) == 1  # the notice under it went once it surfaced at a size that fits
        before = len(app.state.events)
        await pilot.press("9", "space")
        assert len(app.state.events) == before + 1


async def test_a_rebound_quit_key_quits_under_the_notice_and_is_the_one_it_names(make_app, tmp_path: Path) -> None:
    (tmp_path / "cfg").mkdir()
    (tmp_path / "cfg" / "config.yaml").write_text("keymap: {app.quit: x}\n")
    app = make_app()
    async with app.run_test(size=(30, 10)) as pilot:
        assert "x or ctrl+q quits." in str(app.screen.query_one("#notice", Static).render())
        await pilot.press("q")
        await pilot.pause()
        assert app.is_running
        await pilot.press("x")
        await pilot.pause()
        assert not app.is_running


async def test_the_notice_follows_every_resize(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        for width, height in [(39, 40), (40, 11), (40, 12), (30, 8), (31, 9), (100, 30), (25, 30), (120, 40)]:
            await pilot.resize_terminal(width, height)
        await pilot.pause()
        assert len(app.screen_stack) == 1  # toggled many times, never stacked twice, gone at the end
        await pilot.resize_terminal(39, 12)
        await pilot.pause()
        assert isinstance(app.screen, TooSmallScreen) and len(app.screen_stack) == 2
        await pilot.resize_terminal(40, 12)
        await pilot.pause()
        assert len(app.screen_stack) == 1


# -- broken user themes -----------------------------------------------------------------------

BROKEN = {
    # what, the file, the line the warning must name, words it must say
    "colour": ("name: bad\ndark: true\nprimary: notacolor\n", 3, "primary"),
    "css in a variable": (
        "name: bad\nprimary: '#123456'\nvariables:\n  block-cursor-background: 'red; } Screen { display: none'\n",
        4, "block-cursor-background",
    ),
    "a variable the stylesheet refuses": (
        "name: bad\nprimary: '#123456'\nvariables:\n  accent-lighten-1: '#abcdef'\n  block-cursor-background: 12px\n",
        5, "block-cursor-background",
    ),
    "a value Textual cannot read": (  # not a parse error naming the variable: found by trying each alone
        "name: bad\nprimary: '#123456'\nvariables:\n  panel-lighten-1: '#101010'\n  footer-background: '/* x'\n",
        5, "footer-background",
    ),
    "a newline in a variable": (
        "name: bad\nprimary: '#123456'\nvariables:\n  footer-key-foreground: \"red\\nblue\"\n", 4, "line break",
    ),
    "a variable name": ("name: bad\nprimary: '#123456'\nvariables:\n  'a b': red\n", 4, "a b"),
    "not a number": ("name: bad\nprimary: '#123456'\nluminosity_spread: .nan\n", 3, "luminosity_spread"),
    "out of range": ("name: bad\nprimary: '#123456'\n\ntext_alpha: 7\n", 4, "text_alpha"),
    "not a boolean": ("name: bad\nprimary: '#123456'\ndark: maybe\n", 3, "dark"),
}


def user_theme(tmp_path: Path, text: str, name: str = "bad") -> Path:
    folder = tmp_path / "cfg" / "themes"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.yaml"
    path.write_text(text)
    return path


def notes(app: HeyPeterApp, monkeypatch) -> list[str]:
    said: list[str] = []
    monkeypatch.setattr(app, "notify", lambda message, **_: said.append(message))
    return said


@pytest.mark.parametrize("case", BROKEN, ids=list(BROKEN))
@pytest.mark.parametrize("chosen_by", ["--theme", "config.yaml"])
async def test_a_broken_user_theme_is_skipped_with_its_line_and_never_crashes(
    make_app, tmp_path: Path, monkeypatch, case: str, chosen_by: str
) -> None:
    text, line, words = BROKEN[case]
    path = user_theme(tmp_path, text)
    user_theme(tmp_path, "name: fine\nprimary: '#FF00FF'\n", "fine")
    if chosen_by == "config.yaml":
        (tmp_path / "cfg" / "config.yaml").write_text("theme: bad\n")
    app = make_app(theme="bad" if chosen_by == "--theme" else None)
    said = notes(app, monkeypatch)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.is_running and app.theme == "heypeter" and app.screen.display
        assert "bad" not in app.available_themes and "fine" in app.available_themes
        assert any(m.startswith(f"{path}:{line}") and words in m for m in said), said
        assert "no theme 'bad'; using heypeter" in said
        before = len(app.state.events)
        await pilot.press("9", "space")  # the dashboard works
        assert len(app.state.events) == before + 1


async def test_a_fifo_among_the_themes_is_skipped_and_the_dashboard_starts(
    make_app, tmp_path: Path, monkeypatch
) -> None:
    path = user_theme(tmp_path, "name: fine\nprimary: '#FF00FF'\n", "stuck")
    path.unlink()
    os.mkfifo(path)  # reading it would wait for ever for a writer
    app = make_app()
    said = notes(app, monkeypatch)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.is_running and any(str(path) in m and "not a regular file" in m for m in said), said


async def test_the_palette_offers_only_themes_that_loaded_and_config_keeps_only_those(
    make_app, tmp_path: Path, monkeypatch
) -> None:
    user_theme(tmp_path, BROKEN["css in a variable"][0])
    user_theme(tmp_path, "name: fine\nprimary: '#FF00FF'\n", "fine")
    config = tmp_path / "cfg" / "config.yaml"
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+p", *"theme")
        await until(pilot, lambda: top_hit(app) == "Theme", "the palette offers Theme")
        await pilot.press("enter")  # the list of themes
        await until(pilot, lambda: len(hits(app)) == len(app.available_themes), "every theme listed")
        assert set(hits(app)) == set(app.available_themes) and "fine" in hits(app) and "bad" not in hits(app)
        await pilot.press(*"fine")
        await until(pilot, lambda: top_hit(app) == "fine", "fine on top")
        await pilot.press("enter")
        await until(pilot, lambda: config.exists(), "config.yaml written")
        assert app.theme == "fine"
    assert "theme: fine" in config.read_text()


def hits(app: HeyPeterApp) -> list[str]:
    if not isinstance(app.screen, CommandPalette):
        return []
    options = app.screen.query_one("CommandList", OptionList)
    # A hit's prompt is its name, then its help on the next line
    return [str(options.get_option_at_index(i).prompt).partition("\n")[0] for i in range(options.option_count)]


def top_hit(app: HeyPeterApp) -> str | None:
    return next(iter(hits(app)), None)


async def until(pilot, condition, what: str, timeout: float = 10.0) -> None:
    """Poll, as a person would look again, until `condition` holds; fail after `timeout`."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"never happened: {what}"
        await pilot.pause(0.02)


async def test_only_a_registered_theme_that_was_applied_is_saved(make_app, tmp_path: Path) -> None:
    config = tmp_path / "cfg" / "config.yaml"
    app = make_app(theme="heypeter-ansi")  # --theme is for this launch: not saved
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert not config.exists()
        app.pick_theme("ghost")
        app.remember_theme(Theme(name="ghost", primary="#123456"))  # never registered
        app.pick_theme("high-contrast")
        app.remember_theme(app.get_theme("high-contrast"))  # registered, not applied
        await pilot.pause()
        assert not config.exists()
        with pytest.raises(InvalidThemeError):
            app.theme = "ghost"
        app.theme = "high-contrast"
        await pilot.pause()
    assert config.read_text() == "theme: high-contrast\n"


def test_built_in_themes_are_trusted_and_never_trial_parsed(monkeypatch) -> None:
    def refuse(*_args, **_kwargs):
        raise AssertionError("a built-in theme was trial-parsed")

    monkeypatch.setattr(themes, "check_stylesheet", refuse)
    loaded, problems = themes.load_themes(None)
    assert {theme.name for theme in loaded} == {"heypeter", "heypeter-light", "high-contrast", "heypeter-ansi"}
    assert problems == []


def test_every_built_in_theme_passes_the_checks_a_user_theme_gets() -> None:
    # The control for the broken cases: a sound theme is not refused by over-eager checks.
    for path in sorted(themes.builtin_dir("themes").glob("*.yaml")):
        themes.load_theme(path, trusted=False)


async def test_a_change_asked_for_an_item_or_role_a_switch_took_away_is_said_never_a_crash(make_app) -> None:
    """The key was pressed on the run shown then; by the time its flow runs, another run (another checklist) may be
    shown: the flow says so and changes nothing (it ended the dashboard with a KeyError)."""
    from heypeter_tui.ui import messages as msg

    app = make_app()
    said: list[str] = []
    async with app.run_test(size=(120, 40)) as pilot:
        app.notify = lambda message, **_: said.append(str(message))  # type: ignore[method-assign]
        before = len(app.state.events)
        for message in (msg.ToggleItem("gone/item"), msg.MarkItem("gone/item", "na"), msg.NoteOnItem("gone/item"),
                        msg.SignRole("Gone Role"), msg.RevokeRole("Gone Role"), msg.EditContact("Gone Role")):
            app.post_message(message)
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
        assert app.is_running and len(app.state.events) == before
        assert sum("is not in the run shown now" in line for line in said) == 6
