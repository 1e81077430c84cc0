"""Every screen, panel, dialog and notice, opened on a hostile checklist and a hostile log.

Each view is read as the terminal would draw it (the screenshot's text): a hostile string must be there
word for word, brackets and all. Markup interpreted would drop the brackets (or raise MarkupError and end
the app); an escape sequence would leave ESC or its payload in the output.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from heypeter_tui.context import Context
from heypeter_tui.core import commands
from heypeter_tui.ui.app import HeyPeterApp
from heypeter_tui.ui.screens.checklist_picker import ChecklistPicker
from heypeter_tui.ui.screens.dialogs import NoteDialog, OperatorDialog, ReasonDialog, SignDialog
from heypeter_tui.ui.screens.help import HelpScreen
from heypeter_tui.ui.screens.item_detail import ItemDetailScreen
from heypeter_tui.ui.screens.run_picker import RunPicker

OSC = "\x1b]52;c;ZXZpbA==\x07"
CSI = "\x1b[2J\x1b[H"
CHECKLIST = """schema: 1
id: hostile
title: "[b]Chk[/b] list"
sections:
  - title: "[red]Sec[/red]"
    items:
      - "[u]It1[/u]"
      - "[@click=app.quit]It2[/]"
phases:
  - title: "[i]Pha[/i]"
    gated: true
    items:
      - text: "[s]Ph1[/s]"
        timer: 5m
signoffs: ["[b]Boss[/b]", "[b]Peer[/b]"]
contacts:
  - role: "[i]Ops[/i]"
    name: "[u]Eve[/u]"
    phone: "\\e]52;c;ZXZpbA==\\a555"
"""
OPERATOR = f"[i]op[/i]{OSC}"


def screen_text(app: HeyPeterApp) -> str:
    """What the terminal shows, as text: the screenshot with its tags taken off."""
    svg = app.export_screenshot()
    assert "\x1b" not in svg and "ZXZpbA" not in svg and "\x07" not in svg
    return html.unescape(re.sub(r"<[^>]*>", "", svg)).replace("\xa0", " ")


def shows(app: HeyPeterApp, *texts: str) -> None:
    text = screen_text(app)
    for wanted in texts:
        assert wanted in text, f"{wanted!r} is not on the screen ({type(app.screen).__name__})"


async def shown_soon(pilot, text: str, frames: int = 100) -> None:
    for _ in range(frames):
        if text in screen_text(pilot.app):
            return
        await pilot.pause(0.01)
    shows(pilot.app, text)


async def test_every_view_shows_hostile_text_as_typed(state_dir: Path, tmp_path: Path, clock) -> None:
    config_dir = tmp_path / "cfg"
    (config_dir / "checklists").mkdir(parents=True)
    path = config_dir / "checklists" / "[b]file[i].yaml"
    path.write_text(CHECKLIST)
    (config_dir / "checklists" / "[b]bad[i].yaml").write_text("title: [\n")
    context = Context(state_dir=state_dir, operator=OPERATOR, clock=clock, config_path=config_dir / "config.yaml")
    run_id = context.create_run(f"[b]Run[/b]{CSI}", str(path))
    session = context.session(run_id)

    first = next(iter(session.state.checklist.items_by_key))
    session.record(commands.set_status(session.state, first, "blocked", f"[u]why[/u]{OSC}"))
    session.record(commands.add_note(session.state, first, f"[s]note[/s]{CSI}\nline [/] two"))
    session.record(commands.sign(session.state, "[b]Boss[/b]", f"[u]Sig[/u]{OSC}"))
    app = HeyPeterApp(context, session)

    async with app.run_test(size=(140, 45), notifications=True) as pilot:
        shows(app, "[b]Chk[/b] list", "[red]Sec[/red]", "[u]It1[/u]", "[@click=app.quit]It2[/]", "[b]Run[/b]")
        await pilot.press("l")
        shows(app, "[i]op[/i]", "[u]why[/u]")  # the row: who blocked it, and why

        await pilot.press("enter")  # the item's history
        assert isinstance(app.screen, ItemDetailScreen)
        shows(app, "[s]note[/s]", "line [/] two", "[i]op[/i]", "[u]why[/u]")
        await pilot.press("escape", "n")
        assert isinstance(app.screen, NoteDialog)
        shows(app, "[u]It1[/u]")
        await pilot.press("escape", "b")
        assert isinstance(app.screen, ReasonDialog)
        shows(app, "[u]It1[/u]")
        await pilot.press("escape", "h", "g")  # the Go / No-Go panel
        shows(app, "[red]Sec[/red] / [u]It1[/u]: [u]why[/u]", "[b]Peer[/b]", "[u]Sig[/u]")

        await pilot.press("d", "l", "space")  # a gated item while NO-GO: the override dialog lists the reasons
        assert isinstance(app.screen, ReasonDialog)
        shows(app, "[s]Ph1[/s]", "[u]why[/u]")
        await pilot.press("escape")
        shows(app, "[i]Pha[/i]", "[s]Ph1[/s]")

        await pilot.press("h", "s", "l")  # sign-offs: the table, the sign dialog, a notice naming a role
        shows(app, "[b]Boss[/b]", "[u]Sig[/u]", "[b]Peer[/b]")
        await pilot.press("enter")
        assert isinstance(app.screen, SignDialog)
        shows(app, "[b]Boss[/b]")
        await pilot.press("escape", "r")
        assert isinstance(app.screen, ReasonDialog)
        shows(app, "Revoke the [b]Boss[/b] sign-off")
        await pilot.press("escape", "down", "r")
        await pilot.pause()
        await shown_soon(pilot, "[b]Peer[/b] has not signed")  # a notification: drawn a few frames later

        await pilot.press("h", "c", "l")  # contacts: the table and the dialog
        shows(app, "[i]Ops[/i]", "[u]Eve[/u]", "555")
        await pilot.press("enter")
        shows(app, "[u]Eve[/u]")
        await pilot.press("escape", "o")
        assert isinstance(app.screen, OperatorDialog)
        shows(app, "[i]op[/i]")
        await pilot.press("escape")

        app.action_switch_run()
        await pilot.pause()
        assert isinstance(app.screen, RunPicker)
        shows(app, "[b]Run[/b]")
        await pilot.press("escape")
        app.action_new_run_from_checklist()
        await pilot.pause()
        assert isinstance(app.screen, ChecklistPicker)
        shows(app, "[b]Chk[/b] list", "[b]bad[i].yaml")  # a valid file by its title, a broken one by its name
        await pilot.press("escape", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        shows(app, "Go/No-Go")
        await pilot.press("escape")
        assert app.is_running
