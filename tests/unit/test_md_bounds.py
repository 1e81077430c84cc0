"""A hostile Markdown file is refused by counts over its lines before markdown-it reads it (core/md_bounds.py):
one clean error naming the line, never minutes of parsing or gigabytes of tokens; a checklist within the limits
imports as before."""

from __future__ import annotations

from pathlib import Path

import pytest

from heypeter_tui.cli import main
from heypeter_tui.core import markdown
from heypeter_tui.core.errors import UserError
from heypeter_tui.core.md_bounds import MAX_BRACKETS, MAX_CELLS, MAX_COLUMNS, MAX_LINE, MAX_MARKUP

HEAD = "# T\n## Steps\n- [ ] first\n"  # the hostile part starts on line 4


def table(columns: int, rows: int) -> str:
    return "|" + "a|" * columns + "\n|" + "-|" * columns + "\n" + ("|" + "b|" * columns + "\n") * rows


HOSTILE = {
    "4 MB of [ on a task line": ("- [ ] " + "[" * 4_000_000 + "\n",
                                 r"t.md:4: a task's text is 4,000,000 characters; at most 4,000 are allowed"),
    "4 MB of *_ on a task line": ("- [ ] " + "*_" * 2_000_000 + "\n", r"t.md:4: a task's text is 4,000,000"),
    "a task whose markup is past the item text limit": ("- [ ] " + "*a*" * 1400 + "\n",
                                                        r"t.md:4: a task's text is 4,200 characters"),
    "4 MB of *_ as a paragraph": ("\n" + "*_" * 2_000_000 + "\n", rf"t.md:5: a line of 4,000,000 characters; at most "
                                                                  rf"{MAX_LINE:,} are allowed"),
    "*_ on many short lines": ("\n" + ("*_" * 40 + "\n") * 2000, rf"t.md:\d+: more than {MAX_MARKUP:,} markup "),
    "[ in many paragraphs": ("\n" + ("[" * 4000 + "\n\n") * 3, rf"t.md:9: more than {MAX_BRACKETS:,} `\[`"),
    "a 50,000-column table": ("\n" + table(50_000, 1), rf"t.md:5: a table of 50,000 columns; at most {MAX_COLUMNS}"),
    "a table of too many cells": ("\n" + table(MAX_COLUMNS, 1000), rf"t.md:5: the tables hold more than "
                                                                   rf"{MAX_CELLS:,} cells"),
    "list markers nested on one line": ("- " * 60 + "x\n", r"t.md:4: nested too deeply"),
    "quotes nested on one line": (">" * 200 + " x\n", r"t.md:4: nested too deeply"),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_file_is_refused_with_its_line_before_markdown_it_reads_it(name: str, monkeypatch) -> None:
    text, message = HOSTILE[name]
    parser = markdown._parser()
    parsed: list[int] = []
    parse = parser.parse
    monkeypatch.setattr(parser, "parse", lambda src, env=None: (parsed.append(len(src)), parse(src, env))[1])
    with pytest.raises(UserError, match=message):
        markdown.import_markdown(HEAD + text, "t.md", "t")
    assert parsed == []  # refused by counting, not by parsing


def test_a_checklist_at_the_limits_imports() -> None:
    text = (HEAD + "- [ ] " + "a" * 4000 + "\n- [ ] [link](https://example.com/" + "p" * 3000 + ")\n"
            "- [ ] \\*escaped\\* and commented <!-- id: x; " + "o" * 20_000 + " -->" + " b" * 1988 + "\n\n"
            "## Sign-offs\n| Role | " + " | ".join(f"C{n}" for n in range(1, MAX_COLUMNS)) + " |\n"
            "|" + "---|" * MAX_COLUMNS + "\n| QA Lead | " + " | ".join("x" for _ in range(1, MAX_COLUMNS)) + " |\n")
    imported = markdown.import_markdown(text, "t.md", "t")
    assert [len(item["text"] if isinstance(item, dict) else item) for item in imported.data["sections"][0]["items"]]\
        == [5, 4000, 3027, 4000]  # the escapes and the comment are no text
    assert imported.data["signoffs"] == ["QA Lead"]  # a table of 64 columns is read


def test_a_record_title_carrying_many_signer_lines_still_imports() -> None:
    """The record writes every allowed signer in its title's comment: one line, far past the line limit."""
    signers = [f"ops{n}@example.com%20ssh-ed25519%20AAAAC3NzaC1lZDI1NTE5AAAAI{n:040d}" for n in range(400)]
    text = f"# Runbook <!-- id: runbook; allowed_signers: {' '.join(signers)} -->\n## Steps\n- [ ] a\n"
    assert len(text.split("\n")[0]) > MAX_LINE
    assert len(markdown.import_markdown(text, "t.md", "t").data["allowed_signers"]) == 400


@pytest.mark.parametrize("name", ["4 MB of [ on a task line", "4 MB of *_ as a paragraph", "a 50,000-column table"])
def test_import_md_refuses_a_hostile_file_in_one_line_and_writes_nothing(name: str, tmp_path: Path, capsys) -> None:
    source, output = tmp_path / "hostile.md", tmp_path / "out.yaml"
    source.write_text(HEAD + HOSTILE[name][0])
    assert main(["import-md", str(source), "-o", str(output)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith(f"heypeter-tui: {source}:") and err.count("\n") == 1
    assert "a checklist is read by people" in err and "Traceback" not in err
    assert not output.exists()
