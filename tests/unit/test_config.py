"""config.yaml: read as settings, one setting rewritten in place with the rest of the file kept."""

from __future__ import annotations

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
