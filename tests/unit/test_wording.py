"""One and many: every count the command line prints says `1 item` and `2 items`, through one helper (core/text.py
`count`), never `1 items` nor `item(s)`."""

from __future__ import annotations

from pathlib import Path

import pytest

from heypeter_tui.cli import main
from heypeter_tui.core.text import count

ONE_OF_EACH = """schema: 1
id: one
title: One
sections:
  - title: Ready
    items: [a]
signoffs: [Boss]
"""
ELEVEN = "schema: 1\nid: eleven\ntitle: Eleven\nsections:\n  - title: S\n    items: [" + ", ".join(
    f"i{n}" for n in range(11)) + "]\nphases:\n  - title: Deploy\n    gated: true\n    items: [go, back]\n"


def cli(state: Path, *args: str) -> int:
    return main(["--state-dir", str(state), *args])


@pytest.mark.parametrize(
    ("number", "noun", "plural", "said"),
    [(0, "item", "", "0 items"), (1, "item", "", "1 item"), (2, "item", "", "2 items"),
     (1_234, "event", "", "1,234 events"), (1, "entry", "entries", "1 entry"), (3, "entry", "entries", "3 entries"),
     (1, "readiness item", "", "1 readiness item"), (-1, "item", "", "-1 items")],
)
def test_count_says_one_and_many(number: int, noun: str, plural: str, said: str) -> None:
    assert count(number, noun, plural) == said


def test_validate_import_and_checklists_say_one_section_one_item(tmp_path: Path, capsys, monkeypatch) -> None:
    source = tmp_path / "one.yaml"
    source.write_text(ONE_OF_EACH)
    assert main(["validate", str(source)]) == 0
    assert capsys.readouterr().out.endswith(": valid: One [one], 1 section, 0 phases, 1 item\n")
    markdown = tmp_path / "one.md"
    markdown.write_text("# One\n\n## Ready\n\n- [ ] a\n\n## Sign-offs\n\n| Role |\n|---|\n| Boss |\n")
    assert main(["import-md", str(markdown), "-o", str(tmp_path / "out.yaml")]) == 0
    assert ": 1 task line -> 1 section, 0 phases, 1 item, 1 sign-off role, 0 contact roles; wrote " in (
        capsys.readouterr().err)
    own = tmp_path / "config" / "heypeter-tui" / "checklists"
    own.mkdir(parents=True)
    (own / "one.yaml").write_text(ONE_OF_EACH)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    assert main(["checklists"]) == 0
    assert "one\tOne (1 item)\t" in capsys.readouterr().out


def test_sign_counts_the_readiness_items_left_open(tmp_path: Path, capsys) -> None:
    source = tmp_path / "one.yaml"
    source.write_text(ONE_OF_EACH)
    state = tmp_path / "state"
    assert cli(state, "--checklist", str(source), "new", "R") == 0
    assert cli(state, "sign", "Boss", "--name", "B") == 0
    assert capsys.readouterr().out.endswith("Boss signed by B (1 readiness item still open)\n")


def test_status_and_the_override_refusal_count_reasons(tmp_path: Path, capsys) -> None:
    source = tmp_path / "eleven.yaml"
    source.write_text(ELEVEN)
    state = tmp_path / "state"
    assert cli(state, "--checklist", str(source), "new", "R") == 0
    capsys.readouterr()
    assert cli(state, "status") == 0
    assert "  … and 1 more reason (--all lists every one)\n" in capsys.readouterr().out  # 11 open, 10 shown
    assert cli(state, "mark", "i0", "done") == 0
    assert cli(state, "status") == 0
    assert "  … and" not in capsys.readouterr().out
    for item in range(1, 10):
        assert cli(state, "mark", f"i{item}", "done") == 0
    capsys.readouterr()
    assert cli(state, "mark", "go", "done") == 2
    assert "the gate says NO-GO (1 reason); ticking 'go' of Deploy needs an override" in capsys.readouterr().err
