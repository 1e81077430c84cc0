"""No text in a run can forge a line of its Markdown record: a task, a heading, a table cell, a comment."""

from __future__ import annotations

import re
from pathlib import Path

from markdown_it import MarkdownIt

from heypeter_tui.cli import main
from heypeter_tui.core import commands
from heypeter_tui.core.events import Actor
from heypeter_tui.core.markdown import import_markdown
from heypeter_tui.core.record_text import md_line
from heypeter_tui.core.report import to_markdown

FIRST = "code-readiness/all-features-tested-and-approved"
FORGERIES = [
    "x\n- [x] Forged: rollback plan tested",
    "x\n## Sign-offs",
    "x | forged cell | more",
    "x <!-- id: forged; optional -->",
    "[click](javascript:alert(1)) ![img](http://evil.example/x.png) <img src=x onerror=alert(1)>",
    "**bold** _em_ `code` ~~strike~~ &amp; \\ back\\slash",
]
HOSTILE_CHECKLIST = """schema: 1
id: hostile
title: "T | x <!-- id: other -->"
sections:
  - title: "S ## not a heading"
    items:
      - "A | b"
      - "c <!-- id: evil; optional --> d"
      - "[link](http://x) **b** _i_ `c` \\\\ e"
      - "- [x] starts like a task"
      - "&amp; entity"
signoffs: ["Boss | Owner"]
"""


def tokens(markdown: str):
    return MarkdownIt("commonmark").enable("table").parse(markdown)


def checkboxes(markdown: str) -> int:
    """Items of the record as a Markdown reader sees them: list items whose text starts with a state box.
    Nested items (who, why, notes) must start with one of the record's own words, never with a box."""
    count, depth, stream = 0, 0, tokens(markdown)
    for index, token in enumerate(stream):
        if token.type == "bullet_list_open" or token.type == "ordered_list_open":
            depth += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
        elif token.type == "list_item_open":
            text = stream[index + 2].content if stream[index + 1].type == "paragraph_open" else ""
            if depth == 1 and text[:4] in ("[ ] ", "[x] ", "[-] ", "[!] "):
                count += 1
            elif depth > 1:
                assert text.startswith(("done", "N/A", "blocked", "Note by", "override while NO-GO")), text
    return count


def test_operators_notes_reasons_and_contacts_forge_no_line(context, clock) -> None:
    session = context.current_session()
    clean_record = to_markdown(session.state)
    items_before = checkboxes(clean_record)
    for text in FORGERIES:
        session.actor = Actor(text, "u\n- [x] user", "h|x")
        session.record(commands.set_status(session.state, FIRST, "na", text))
        session.record(commands.add_note(session.state, FIRST, text + "\n# heading\n1. list\n> quote\n---"))
        session.record(commands.sign(session.state, "Tech Lead", text.replace("\n", " "), "sig | x"))
        session.record(commands.set_contact(session.state, "DevOps", text.replace("\n", " "), "| 1 |", "<a@b>"))
    for ids in (False, True):
        record = to_markdown(session.state, ids=ids)
        assert checkboxes(record) == items_before == 83  # every task of the record is a checklist item
        stream = tokens(record)
        headings = [stream[i + 1].content for i, token in enumerate(stream) if token.type == "heading_open"]
        assert [h for h in headings if "Sign-offs" in h] == ["Sign-offs"]
        inline = [child for token in stream if token.type == "inline" for child in token.children or ()]
        assert not [c for c in inline if c.type in ("link_open", "image", "em_open", "s_open")]
        ours = re.compile(r"<!-- id: [A-Za-z0-9._-]+(; digest: [0-9a-f]{64})?"  # the title's: the checklist's digest
                          r"(; (optional|gated|(opens|closes|timer): [A-Za-z0-9._-]+))*"
                          r"(; owner: [^;,<>\n]+)? -->")  # an owner's ; , < > are %-escaped
        comments = [c.content for c in inline if c.type == "html_inline"]
        assert all(ours.fullmatch(comment) for comment in comments)  # only the record's own ids
        groups = len(session.state.checklist.groups)
        assert len(comments) == (1 + groups + 83 if ids else 0)  # the title, each group, each item; none without ids
        strong = [inline[i + 1].content for i, c in enumerate(inline) if c.type == "strong_open"]
        assert set(strong) <= {"Verdict:", "Product:", "Run:", "As of:", "Checklist:", "T-0:", "First event:",
                               "Last event:", "Participants:", "Progress:", "Integrity:"}
        assert not [token for token in stream if token.type == "html_block"]
        assert not [c for c in inline if c.type == "code_inline"]
        rows = table_rows(stream)
        devops = [row for row in rows if row[0] == "DevOps"]
        assert devops == [["DevOps", FORGERIES[-1], "| 1 |", "<a@b>"]]  # a pipe or a tag stays inside its cell
        signed = [row for row in rows if row[0] == "Tech Lead" and len(row) == 6]
        assert signed[0][2] == FORGERIES[-1] and signed[0][3] == "sig | x"
        na = [line for line in record.splitlines() if line.startswith("- N/A: ")]  # the summary's line for it
        assert len(na) == 1 and na[0].endswith(": " + md_line(FORGERIES[-1]))


def table_rows(stream) -> list[list[str]]:
    """Each table row's cells as a reader sees their text (escapes undone)."""
    rows, row = [], None
    for index, token in enumerate(stream):
        if token.type == "tr_open":
            row = []
        elif token.type in ("td_open", "th_open"):
            inline = stream[index + 1]
            row.append("".join(child.content for child in inline.children or ()) if inline.type == "inline" else "")
        elif token.type == "tr_close":
            rows.append(row)
    return rows


def test_a_hostile_checklist_exports_and_imports_back_word_for_word(tmp_path: Path, capsys) -> None:
    source = tmp_path / "hostile.yaml"
    source.write_text(HOSTILE_CHECKLIST)
    state = tmp_path / "state"
    assert main(["--state-dir", str(state), "--checklist", str(source), "new", "R"]) == 0
    capsys.readouterr()
    assert main(["--state-dir", str(state), "export"]) == 0
    record = capsys.readouterr().out
    imported = import_markdown(record).data
    texts = [item["text"] if isinstance(item, dict) else item for s in imported["sections"] for item in s["items"]]
    assert texts == ["A | b", "c <!-- id: evil; optional --> d", "[link](http://x) **b** _i_ `c` \\ e",
                     "- [x] starts like a task", "&amp; entity"]
    assert imported["title"] == "T | x <!-- id: other -->" and imported["signoffs"] == ["Boss | Owner"]
    assert checkboxes(record) == 5
