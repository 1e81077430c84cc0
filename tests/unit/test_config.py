"""config.yaml: read as settings, one setting rewritten in place with the rest of the file kept."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest

from heypeter_tui.core.config import load_config, save_setting
from heypeter_tui.core.errors import UserError


def test_saving_a_setting_keeps_the_file_and_never_doubles_a_line(tmp_path: Path) -> None:
    path = tmp_path / "heypeter-tui" / "config.yaml"
    save_setting(path, "theme", "high-contrast")
    save_setting(path, "theme", "high-contrast")  # the same value again: still one line
    assert path.read_text() == "theme: high-contrast\n"
    path.write_text("# ours\noperator: dana\ntheme: heypeter\nkeymap:\n  app.quit: ctrl+q\n")
    save_setting(path, "theme", "heypeter-light")
    assert path.read_text() == "# ours\noperator: dana\ntheme: heypeter-light\nkeymap:\n  app.quit: ctrl+q\n"
    config = load_config(path)
    assert (config.theme, config.operator, config.keymap) == ("heypeter-light", "dana", {"app.quit": "ctrl+q"})
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert [p.name for p in path.parent.iterdir()] == ["config.yaml"]  # no temporary file left behind


def test_a_bad_config_is_one_line_naming_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("theme: heypeter\ncolour: red\n")
    with pytest.raises(UserError, match="unknown setting 'colour'"):
        load_config(path)
    path.write_text("theme: [unclosed\n")
    with pytest.raises(UserError, match=rf"^{path}:2:1: YAML syntax"):
        load_config(path)


def test_only_plain_settings_are_rewritten_and_a_file_that_is_not_text_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    for key in ("keymap", "colour"):
        with pytest.raises(ValueError, match=f"^not a plain setting: {key}$"):
            save_setting(path, key, "x")
    assert not path.exists()
    path.write_bytes(b"theme: \xff\xfe\n")
    with pytest.raises(UserError, match=rf"^{re.escape(str(path))}: not rewritten: 'utf-8' codec can't decode"):
        save_setting(path, "theme", "dark")
    assert path.read_bytes() == b"theme: \xff\xfe\n"
    path.write_text("# mine\noperator: a\n")
    save_setting(path, "theme", "yes")  # a word YAML would read as true stays text
    assert path.read_text() == "# mine\noperator: a\ntheme: 'yes'\n"


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (b"theme: \xff\n", "{path}: not UTF-8 text"),
        (b"theme: [dark\n", "{path}:2:1: YAML syntax: expected ',' or ']', but got '<stream end>'"),
        (b"theme: 'x" + b"y" * 1001 + b"'\n", "{path}:1:8: theme is 1,002 characters; at most 1,000 are allowed"),
        (b"colour: red\n",
         "{path}:1:1: unknown setting 'colour'; expected one of: operator, theme, keymap, checklist, store, "
         "allowed_signers"),
        (b"keymap: [q]\n", "{path}:1:9: keymap must be a mapping (key: value), not a list"),
        (b"operator: [a]\n", "{path}:1:11: operator must be text, not a list"),
    ],
)
def test_each_mistake_in_the_settings_is_one_line_naming_where(tmp_path: Path, data: bytes, said: str) -> None:
    path = tmp_path / "config.yaml"
    path.write_bytes(data)
    with pytest.raises(UserError) as raised:
        load_config(path)
    assert str(raised.value) == said.format(path=path)


def test_settings_read_as_written(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("# mine\noperator: ' dana '\nkeymap: {quit: x, help: ~}\nchecklist: mine\n")
    config = load_config(path)
    assert (config.operator, config.theme, config.keymap, config.checklist) == (
        "dana", None, {"quit": "x", "help": "~"}, "mine")
    path.write_text("")
    assert load_config(path).operator is None
