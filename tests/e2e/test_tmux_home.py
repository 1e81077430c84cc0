"""At home in tmux: themes kept, sizes from tiny to huge, a second client, and text that cannot hijack."""

from __future__ import annotations

import shlex
import subprocess
import tempfile
import time
from pathlib import Path

HOSTILE = r'''schema: 1
id: hostile
title: "[b]Bold[/b] title \e]2;pwned-title\a"
product: "[@click=app.quit]Quit[/]"
sections:
  - title: "[red]Red[/red] section"
    items:
      - "[red]x[/] markup shown as typed"
      - "a [/] b"
      - "copy \e]52;c;cHduZWQ=\a end"
      - "clear \e[2J\e[H end"
      - "bell \a end"
signoffs: ["[b]Boss[/b]"]
contacts:
  - role: "[i]Ops[/i]"
    name: "\e]52;c;cHduZWQ=\aEve"
'''


def wait_first_hit(pane, text: str, timeout: float = 10.0) -> None:
    """Wait, as a person would, until the palette's top result is `text` (results arrive asynchronously)."""
    deadline = time.monotonic() + timeout
    while True:
        lines = pane.screen().splitlines()
        search = next((i for i, line in enumerate(lines) if "🔎" in line), None)
        hits = [line.strip() for line in lines[search + 1 :] if line.strip()] if search is not None else []
        if hits and hits[0] == text:
            return
        assert time.monotonic() < deadline, f"top result never became {text!r}: {hits[:3]}"
        time.sleep(0.05)


def test_theme_switched_in_the_palette_is_kept_after_a_restart(open_pane, home: Path) -> None:
    pane = open_pane()
    pane.wait_for("Emergency contacts")
    pane.send("C-p")
    pane.wait_for("🔎")
    pane.send("theme")
    wait_first_hit(pane, "Theme")
    pane.send("Enter")
    pane.wait_for("heypeter-ansi", "🔎")  # the theme list is open
    pane.send("high-contrast")
    wait_first_hit(pane, "high-contrast")
    pane.send("Enter")
    config = home / "config" / "heypeter-tui" / "config.yaml"
    deadline = time.monotonic() + 10
    while "theme: high-contrast" not in (config.read_text() if config.exists() else ""):
        assert time.monotonic() < deadline, "the theme was not kept"
        time.sleep(0.05)
    pane.send("q")
    assert pane.wait_exit() == 0
    pane.restart()
    pane.wait_for("Emergency contacts")
    assert config.read_text().count("theme:") == 1


def test_hostile_text_is_shown_as_typed_and_changes_nothing_outside(open_pane, home: Path, tmp_path: Path) -> None:
    checklist = tmp_path / "hostile.yaml"
    checklist.write_text(HOSTILE)
    pane = open_pane("--checklist", str(checklist))
    screen = pane.wait_for("[red]x[/] markup shown as typed", "[ ] a [/] b", "copy  end", "clear  end", "bell  end")
    assert "[red]Red[/red] section" in screen and "[@click=app.quit]Quit[/]" in screen
    pane.send("s")
    pane.wait_for("[b]Boss[/b]")
    pane.send("c")
    pane.wait_for("[i]Ops[/i]", "Eve")
    pane.send("?")
    pane.wait_for("Keys", "Anywhere", "next / previous pane")  # help is open, drawn over the hostile run
    pane.send("Escape")
    deadline = time.monotonic() + 15
    while "next / previous pane" in pane.screen():  # until help has closed
        assert time.monotonic() < deadline, "help never closed"
        time.sleep(0.05)
    pane.wait_for("[i]Ops[/i]", "Eve")
    assert pane.tmux("list-buffers") == ""  # no OSC 52 clipboard write reached tmux
    assert "pwned" not in pane.tmux("display-message", "-p", "-t", "main", "#{pane_title}")
    # The control: the same tmux does take a clipboard write when a program really sends one.
    pane.tmux("new-window", "-d", "printf '\\033]52;c;Y29udHJvbA==\\007'; sleep 5")
    deadline = time.monotonic() + 5
    while pane.tmux("list-buffers") == "":
        assert time.monotonic() < deadline, "the control OSC 52 never arrived: this test could not see a leak"
        time.sleep(0.05)


def test_resizes_from_tiny_to_huge_and_back(open_pane) -> None:
    pane = open_pane(width=120, height=40)
    pane.wait_for("Emergency contacts")
    pane.resize(30, 8)
    pane.wait_for("Terminal too small")
    for width, height in [(250, 70), (40, 12), (39, 12), (80, 24), (99, 30), (100, 30), (31, 9), (250, 70)]:
        pane.resize(width, height)
    pane.resize(120, 40)
    screen = pane.wait_for("Emergency contacts", "Code Readiness")
    assert "Terminal too small" not in screen
    pane.send("q")
    assert pane.wait_exit() == 0


def test_a_second_client_of_another_size_attaches(open_pane) -> None:
    pane = open_pane(width=120, height=40)
    pane.wait_for("Emergency contacts")
    socket_dir = Path(tempfile.mkdtemp(prefix="hp-outer-"))
    outer = ["tmux", "-S", str(socket_dir / "s"), "-f", "/dev/null"]
    inner_attach = f"env -u TMUX {shlex.join(pane.base)} attach -t main"
    try:
        subprocess.run([*outer, "new-session", "-d", "-x", "90", "-y", "26", inner_attach], check=True, timeout=10)
        subprocess.run([*outer, "set", "-g", "status", "off"], check=True, timeout=10)
        deadline = time.monotonic() + 15
        while pane.tmux("display-message", "-p", "-t", "main", "#{window_width}").strip() == "120":
            assert time.monotonic() < deadline, "the second client did not take the window"
            time.sleep(0.05)
        pane.send("s")
        screen = pane.wait_for("Operations Manager")
        assert max(len(line) for line in screen.splitlines()) <= 90
        pane.send("q")
        assert pane.wait_exit() == 0
    finally:
        subprocess.run([*outer, "kill-server"], capture_output=True, timeout=10)


def colour_codes(screen: str) -> dict[str, set[str]]:
    import re

    return {
        "indexed": set(re.findall(r"[34]8;5;(\d+)", screen)),
        "rgb": set(re.findall(r"[34]8;2;([\d;]+?)m", screen)),
        "basic": set(re.findall(r"\x1b\[(?:[\d;]*;)?((?:3|4|9|10)[0-7])m", screen)),
    }


GREYS = {"0", "7", "8", "15", "16", "231", *map(str, range(232, 256))}


def test_colours_follow_the_terminal(open_pane) -> None:
    cases = {
        "256": {"TERM": "screen-256color"},
        "truecolor": {"TERM": "tmux-256color", "COLORTERM": "truecolor"},
        "16": {"TERM": "screen"},
        "no colour": {"TERM": "screen-256color", "NO_COLOR": "1"},
    }
    seen = {}
    for name, env in cases.items():
        pane = open_pane(env=env)
        pane.wait_for("Emergency contacts", "[ ] All features tested and approved")
        seen[name] = colour_codes(pane.screen_with_colours())
        pane.close()
    assert seen["256"]["indexed"] and not seen["256"]["rgb"]
    assert seen["truecolor"]["rgb"]
    assert seen["16"]["basic"] and not seen["16"]["indexed"] and not seen["16"]["rgb"]
    assert seen["no colour"]["indexed"] <= GREYS and not seen["no colour"]["rgb"]  # shades of grey: no hue


def test_two_home_folders_are_two_identities_side_by_side_in_tmux(open_pane, installed, home: Path) -> None:
    """`--home` and HEYPETER_TUI_HOME: two dashboards on one machine, each with its own operator, checklists and
    runs; neither reads or writes the user dirs (XDG) nor the other's folder."""
    folders = {}
    for name in ("ana", "ben"):
        folder = home / f"{name}-home"
        (folder / "config" / "checklists").mkdir(parents=True)
        (folder / "config" / "config.yaml").write_text(f"operator: {name}\n")
        (folder / "config" / "checklists" / f"{name}.yaml").write_text(
            f"schema: 1\nid: {name}\ntitle: {name.title()} checklist\nsections:\n- title: {name.title()} prep\n"
            "  items: [Tick me]\n")
        made = installed.run(home, "--home", str(folder), "new", f"{name.title()} drill", "--checklist", name)
        assert made.returncode == 0, made.stderr
        folders[name] = folder
    ana = open_pane(env={"HEYPETER_TUI_HOME": str(folders["ana"])})
    ben = open_pane("--home", str(folders["ben"]))
    ana.wait_for("Ana drill", "Ana prep")
    ben.wait_for("Ben drill", "Ben prep")
    assert "Ben" not in ana.screen() and "Ana" not in ben.screen()
    ana.send("q")
    ben.send("q")
    assert ana.wait_exit() == 0 and ben.wait_exit() == 0
    assert not (home / "state").exists() and not (home / "config").exists()  # the XDG dirs untouched
    for name, folder in folders.items():
        runs = installed.run(home, "--home", str(folder), "runs")
        assert f"{name.title()} drill" in runs.stdout and len(list((folder / "state" / "runs").glob("*.jsonl"))) == 1
