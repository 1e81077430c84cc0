"""Markdown read as CommonMark, and hostile Markdown: never a traceback, always clean text or one clean error."""

from __future__ import annotations

from pathlib import Path

import pytest

from heypeter_tui.cli import main
from heypeter_tui.core.errors import UserError
from heypeter_tui.core.loader import validate_text
from heypeter_tui.core.markdown import MAX_LINES, MAX_TASK_LINES, import_markdown


def items_of(markdown: str) -> list[str]:
    imported = import_markdown("# T\n## Steps\n" + markdown, "t.md", "t")
    validation = validate_text(imported.to_yaml(), "t.yaml")
    assert not validation.errors and not validation.warnings
    assert validation.checklist is not None
    return [item.text for group in validation.checklist.groups for item in group.items]


@pytest.mark.parametrize(("markdown", "text"), [
    ("- [ ] **Bold** and *em* and __also__ and _this_", "Bold and em and also and this"),
    ("- [ ] ***both*** and **nested *em* inside**", "both and nested em inside"),
    ("- [ ] Run `make test` and ``a ` tick``", "Run `make test` and ``a ` tick``"),
    ("- [ ] `**not bold**` stays", "`**not bold**` stays"),
    ("- [ ] See [the runbook](https://wiki.example/runbook)", "See the runbook (https://wiki.example/runbook)"),
    ("- [ ] See [wiki.example/runbook](https://wiki.example/runbook/)", "See wiki.example/runbook"),
    ("- [ ] See <https://status.example>", "See https://status.example"),
    ("- [ ] Mail [ops@example.com](mailto:ops@example.com)", "Mail ops@example.com"),
    ("- [ ] Read [the notes](#notes) first", "Read the notes first"),
    ("- [ ] Read [the notes][n]\n\n[n]: https://notes.example", "Read the notes (https://notes.example)"),
    ("- [ ] Logo ![the *logo*](logo.png) shows", "Logo the logo shows"),
    ("- [ ] Tag <kbd>v1</kbd><br>now", "Tag v1now"),
    ("- [ ] Hidden <!-- a reviewer's note --> text", "Hidden  text"),
    ("- [ ] Escaped \\*stars\\* and \\[box\\] and &amp; and &copy;", "Escaped *stars* and [box] and & and ©"),
    ("- [ ] [bold]not markup[/bold] [@click=app.quit]x[/]", "[bold]not markup[/bold] [@click=app.quit]x[/]"),
    ("- [ ] A line\n  that goes on", "A line that goes on"),
    ("- [x] Checked and [X] upper", "Checked and [X] upper"),
    ("1. [ ] Ordered", "Ordered"),
    ("> - [ ] Quoted\n>   - [ ] and nested", None),
])
def test_item_text_is_commonmark_as_plain_text(markdown: str, text: str | None) -> None:
    assert items_of(markdown) == ([text] if text is not None else ["Quoted", "and nested"])


@pytest.mark.parametrize("markdown", [
    "```\n- [ ] in a fence\n```\n",
    "~~~md\n- [ ] in a tilde fence\n~~~\n",
    "    - [ ] indented code\n",
    "<!--\n- [ ] in a comment\n-->\n",
    "<div>\n- [ ] in an HTML block\n</div>\n\n",  # an HTML block runs to a blank line
    "- [ ]not a task (no space)\n",
    "- [y] not a box\n",
    "- a [ ] box later in the line\n",
    "Text - [ ] in a paragraph\n",
])
def test_what_looks_like_a_task_but_is_not(markdown: str) -> None:
    assert items_of(markdown + "- [ ] real\n") == ["real"]


def test_the_records_own_marks_are_tasks_too() -> None:
    assert items_of("- [-] N/A\n- [!] Blocked\n- [~] Skipped\n- [/] Half\n") == ["N/A", "Blocked", "Skipped", "Half"]


def test_headings_setext_and_emphasis_in_titles() -> None:
    imported = import_markdown("Title *here*\n===\n\nGroup `one`\n---\n- [ ] a\n\n## **Two** (T-2 hours) ##\n- [ ] b\n"
                               "\n**Three**:\n- [ ] c\n\n**Not a group**: prose\n- [ ] d\n", "t.md", "t")
    assert imported.data["title"] == "Title here"
    assert [(g["title"], g.get("due")) for g in imported.data["sections"]] == [("Group `one`", None), ("Two", "-2h")]
    # beneath `## Two (T-2 hours)`, a part timed on the day: its due and its deployment-day kind reach `**Three**`
    assert [(g["title"], g.get("due")) for g in imported.data["phases"]] == [("Three", "-2h")]
    assert [i["text"] for i in imported.data["phases"][0]["items"]] == ["c", "d"]


@pytest.mark.parametrize(("markdown", "text"), [
    ("- [ ] ok \x1b]0;title\x07 \x1b[31mred\x1b[0m", "ok  red"),
    ("- [ ] x\u202ey\u2066z", "xyz"),
    ("- [ ] a\x00b\x7fc\x9b1md", "abcd"),  # \x9b is CSI: `\x9b1m` is one sequence
    ("- [ ] a\u2028- [x] forged", "a - [x] forged"),  # a line separator is no new line, so no new task
    ("- [ ] caf\u00c3\u00a9", "café"),
    ("- [ ] lone \ud800 surrogate", "lone \ufffd surrogate"),
])
def test_hostile_text_is_cleaned_never_acted_on(markdown: str, text: str) -> None:
    assert items_of(markdown) == [text]


def test_cleaned_titles_roles_and_contacts() -> None:
    imported = import_markdown("# T \x1b[2J\n## S \u202e\n- [ ] a\n## Sign-offs\n| Role |\n|---|\n"
                               "| QA \x1b]52;c;eA==\x07|\n"
                               "## Contacts\n- **DBA\x07:** Ann \x1b[1m, ann@example.com\n", "t.md", "t")
    assert (imported.data["title"], imported.data["sections"][0]["title"]) == ("T", "S")
    assert imported.data["signoffs"] == ["QA"]
    assert imported.data["contacts"] == [{"role": "DBA", "name": "Ann", "email": "ann@example.com"}]


@pytest.mark.parametrize(("markdown", "message"), [
    ("- [ ] " + "a" * 4001 + "\n", r"t.md:3: a task's text is 4,001 characters; at most 4,000"),
    ("### " + "h" * 4001 + "\n- [ ] a\n", r"t.md:3: a heading is 4,001 characters"),
    ("- [ ] \u2066\n", r"t.md:3: a task line with no text"),
    ("- [ ] <!-- id: x -->\n", r"t.md:3: a task line with no text"),
    ("".join("  " * depth + "- [ ] deep\n" for depth in range(60)), r"t.md:\d+: nested too deeply"),
    ("> " * 200 + "- [ ] quoted deep\n", r"t.md:3: nested too deeply"),
])
def test_hostile_structure_is_one_clean_error(markdown: str, message: str) -> None:
    with pytest.raises(UserError, match=message):
        import_markdown("# T\n## Steps\n" + markdown, "t.md", "t")


def test_deep_nesting_short_of_the_limit_loses_no_task() -> None:
    nested = "".join("  " * depth + f"- [ ] level {depth}\n" for depth in range(40))
    assert items_of(nested + "- [ ] after\n") == [f"level {depth}" for depth in range(40)] + ["after"]


def test_long_lines_and_many_brackets_import_or_refuse_cleanly() -> None:
    assert items_of("- [ ] " + "word " * 799 + "\n") == [("word " * 799).strip()]
    assert items_of("- [ ] " + "[" * 3000 + "\n") == ["[" * 3000]
    assert [text.replace("*", "") for text in items_of("- [ ] " + "*a" * 1500 + "\n")] == ["a" * 1500]


def test_too_many_lines_or_tasks_are_refused_before_parsing(tmp_path: Path, capsys) -> None:
    with pytest.raises(UserError, match=rf"t.md:{MAX_LINES + 1}: more than {MAX_LINES:,} lines"):
        import_markdown("\n" * MAX_LINES + "- [ ] a\n", "t.md")
    fenced = "```\n" + "- [ ] x\n" * (MAX_TASK_LINES + 1) + "```\n"  # counted before parsing: fences too
    with pytest.raises(UserError, match=rf"t.md:{MAX_TASK_LINES + 2}: more than {MAX_TASK_LINES:,} task lines"):
        import_markdown(fenced, "t.md")
    source = tmp_path / "deep.md"
    source.write_text("# T\n" + "> " * 500 + "- [ ] x\n")
    assert main(["import-md", str(source)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err and "nested too deeply" in err


def test_tasks_in_one_long_list_import_in_linear_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tasklists plugin walks back from each task to its list's start: run over the whole stream, 20,000
    tasks in one list took minutes. Run on each item's own tokens, each walk is a step (counted, not timed)."""
    from heypeter_tui.core import markdown

    core = markdown._task_rule().core
    seen: list[int] = []
    process = core.process
    monkeypatch.setattr(core, "process", lambda state: (seen.append(len(state.tokens)), process(state))[1])
    assert len(items_of("- [ ] same\n" * 3000)) == 3000
    assert len(seen) == 3000 and max(seen) == 5  # the list's opening, the item's four tokens
