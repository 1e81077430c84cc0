"""Nothing on the way to the first screen (or to `status`) that it does not show: the start stays fast.

Each module below costs its import (and its dataclasses and patterns) on every start, and a feature that lands with
an eager import puts it back without any test noticing the time; these notice the import. Each start runs in a
fresh process, as a user's does, on a run that already exists (creating one reads the checklist's YAML).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from heypeter_tui.core.resources import builtin_dir
from heypeter_tui.core.text import clean_line
from heypeter_tui.ui import themes

NOT_ON_THE_WAY = (
    "yaml",  # the built-in themes are read without it; a checklist file is not read for a run that exists
    "textual.widgets._data_table",  # sign-offs and contacts, built when first shown
    "heypeter_tui.ui.widgets.tables",
    "heypeter_tui.ui.providers",  # the palette's commands: when the palette opens
    "heypeter_tui.core.runs_index",
    "heypeter_tui.core.search",
    "heypeter_tui.core.report",  # the record: export, the record views
    "heypeter_tui.core.record_summary",
    "heypeter_tui.core.signoff_history",
    "heypeter_tui.core.check_runner",  # running a check
    "heypeter_tui.core.ssh_signatures",  # signing, verifying
    "heypeter_tui.core.signer_lines",
    "heypeter_tui.core.pg_store",  # the database store, when chosen
    "psycopg",
    "heypeter_tui.core.markdown",  # import-md
    "markdown_it",
    "heypeter_tui.core.loader",  # a checklist file
)

FIRST_SCREEN = """
import asyncio, json, sys
from pathlib import Path
import heypeter_tui.cli.commands, heypeter_tui.cli.parser  # the dashboard's way in, as `heypeter-tui` starts
import heypeter_tui.cli.crash, heypeter_tui.ui.terminal
from heypeter_tui.context import Context
from heypeter_tui.ui.app import HeyPeterApp

async def first_screen():
    context = Context(state_dir=Path(sys.argv[1]))
    app = HeyPeterApp(context, context.current_session())
    async with app.run_test(size=(250, 70)) as pilot:
        await pilot.pause()
        loaded = sorted(sys.modules)
        items = app.screen.query_one("#items")
        print(json.dumps({"loaded": loaded, "rows": [row.id for row in items.rows], "title": app.state.title}))

asyncio.run(first_screen())
"""


def run_python(script: str, *args: str) -> str:
    result = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, check=True)
    return result.stdout.strip().splitlines()[-1]


@pytest.fixture
def existing_run(tmp_path: Path) -> Path:
    state = tmp_path / "state"
    subprocess.run([sys.executable, "-m", "heypeter_tui", "--state-dir", str(state), "new", "Launch"],
                   capture_output=True, check=True)
    return state


def test_the_first_screen_shows_the_run_and_loads_nothing_it_does_not_show(existing_run: Path) -> None:
    seen = json.loads(run_python(FIRST_SCREEN, str(existing_run)))
    assert seen["title"] == "Launch" and len(seen["rows"]) > 5  # the first screen is up, its items listed
    assert "textual.app" in seen["loaded"] and "heypeter_tui.ui.screens.dashboard" in seen["loaded"]
    assert [name for name in NOT_ON_THE_WAY if name in seen["loaded"]] == []


def test_status_loads_neither_textual_nor_what_it_does_not_print(existing_run: Path) -> None:
    script = (
        "import json, sys\n"
        "from heypeter_tui.cli import main\n"
        "code = main(['--state-dir', sys.argv[1], 'status'])\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    result = subprocess.run([sys.executable, "-c", script, str(existing_run)], capture_output=True, text=True,
                            check=True)
    assert "Launch" in result.stdout and "NO-GO" in result.stdout
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert [name for name in loaded if name.split(".")[0] in ("textual", "rich")] == []
    assert [name for name in (*NOT_ON_THE_WAY, "typing", "uuid") if name in loaded] == []


def yaml_reading(path: Path, monkeypatch: pytest.MonkeyPatch):
    """The theme as the YAML library reads it (the way every user's theme is read)."""
    with monkeypatch.context() as patch:
        patch.setattr(themes, "_flat_theme", lambda _text: None)
        return themes.load_theme(path, trusted=True)


def test_every_built_in_theme_reads_the_same_without_the_yaml_library(monkeypatch: pytest.MonkeyPatch) -> None:
    paths = sorted(builtin_dir("themes").glob("*.yaml"))
    assert len(paths) >= 4
    for path in paths:
        assert themes._flat_theme(path.read_text(encoding="utf-8")) is not None, path  # the quick reading is taken
        assert themes.load_theme(path, trusted=True) == yaml_reading(path, monkeypatch), path


@pytest.mark.parametrize("line", [
    'primary: "#5AA9E6"  # a trailing comment',
    'primary: "\\x41BC"',  # an escape
    "primary: '#5AA9E6'",  # single quotes
    "primary: &colour '#5AA9E6'",  # an anchor
    'dark: yes',  # a YAML 1.1 boolean word
    'luminosity_spread: 1_0',
    'primary: "#5AA9E6"\nprimary: "#000000"',  # twice: the YAML reading names the line
    'variables:\n    border: "#FFFFFF"',  # nested deeper
])
def test_a_theme_outside_the_plain_subset_is_read_as_yaml(tmp_path: Path, line: str,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    text = (builtin_dir("themes") / "heypeter.yaml").read_text(encoding="utf-8")
    text = "\n".join(row for row in text.splitlines() if not row.startswith(line.split(":")[0] + ":")) + "\n" + line
    path = tmp_path / "theme.yaml"
    path.write_text(text + "\n", encoding="utf-8")
    assert themes._flat_theme(text) is None
    try:
        expected = yaml_reading(path, monkeypatch)
    except Exception as error:  # the YAML reading refuses it: so does the start, with the same words
        with pytest.raises(type(error)) as raised:
            themes.load_theme(path, trusted=True)
        assert clean_line(str(raised.value)) == clean_line(str(error))
    else:
        assert themes.load_theme(path, trusted=True) == expected


@pytest.mark.parametrize("argv", [
    [], ["--theme", "x"], ["--state-dir", "/tmp/runs", "--run", "r"], ["--them=x"], ["--bogus"], ["--theme"],
    ["--st", "x"], ["--version"], ["--operator", "status"], ["--t0=-2h"], ["--checklist", "c", "--home", "h"],
    ["--theme", "--help"],
    # not the dashboard's alone: the whole parser, as before
    ["status"], ["--theme", "x", "status"], ["-h"], ["--help"], ["--he"], ["--h"], ["-"], ["--", "status"], ["bogus"],
    ["-2h"], ["--run", "r", "next", "--all"],
])
def test_the_dashboard_parses_as_with_every_commands_parser(argv: list[str], capsys: pytest.CaptureFixture) -> None:
    """The dashboard's start builds no sub-parser: what it parses, refuses or prints is what the whole grammar does."""
    from heypeter_tui.cli.parser import build_parser

    def parse(parser) -> object:
        try:
            return vars(parser.parse_args(argv))
        except SystemExit as leaving:
            return leaving.code, capsys.readouterr()

    assert parse(build_parser(argv)) == parse(build_parser(None))


def test_a_built_in_checklist_reads_the_same_with_the_quicker_loader() -> None:
    """A first launch reads the built-in checklist with libyaml's C loader: the checklist and its warnings are what
    the pure-Python reading (a user's file) gives."""
    from heypeter_tui.core.loader import load_checklist_source, validate_bytes
    from heypeter_tui.core.resources import builtin_checklists

    for path in builtin_checklists().values():
        data = path.read_bytes()
        assert validate_bytes(data, str(path), trusted=True) == validate_bytes(data, str(path))
        assert load_checklist_source(path, trusted=True) == load_checklist_source(path)


def test_a_first_launch_reads_the_built_in_checklist_once_and_quickly(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """It was parsed twice, both times by the pure-Python loader: once to see that no other file claims its id (there
    is none but itself), once to load it."""
    import yaml

    from heypeter_tui.context import Context

    loaders: list[str] = []
    compose = yaml.compose
    monkeypatch.setattr(yaml, "compose", lambda text, Loader: loaders.append(Loader.__name__) or compose(text, Loader))
    checklist, _ = Context(state_dir=tmp_path / "state").load_checklist(None)
    assert checklist.id == "heypeter-production" and len(checklist.items_by_key) > 50
    assert loaders == [getattr(yaml, "CSafeLoader", yaml.SafeLoader).__name__]


def test_a_first_launch_makes_its_new_run_current_and_the_next_start_resumes_it(tmp_path: Path) -> None:
    from heypeter_tui.context import Context

    first = Context(state_dir=tmp_path / "state").current_session()
    assert Context(state_dir=tmp_path / "state").workspace.current_id() == first.state.run_id
    assert Context(state_dir=tmp_path / "state").current_session().state.run_id == first.state.run_id
    assert len(Context(state_dir=tmp_path / "state").workspace.runs()) == 1
