"""A Markdown file measured against its limits before markdown-it sees it.

markdown-it-py spends its time and memory on tokens, and a few characters make many: each `*`, `_` or `` ` `` can
be a token of its own (4 MB of `*_` held 2.3 GB), each unclosed `[` looks ahead for its `]` up to 100 levels deep
(35 µs a character: 4 MB of `[` ran past a minute), each table cell is three tokens (a 50,000-column table held
1.4 GB) and each list marker on a line opens a list inside the last (`- - - …`). So the text is refused first, by
plain counts over its lines, each as one clean error naming the line:

- at most 200,000 lines and 100,000 task lines (existing bounds);
- a line at most 16,000 characters, its HTML comments aside (a record's title carries its signer lines in one),
  and a task line's text at most the item text limit, 4,000 (core/checklist.py);
- lists and quotes nested at most as deep as markdown-it can read (a line's leading markers and indent, counted
  as the nesting they could open: an upper bound; the exact depth is checked again on the parsed tokens);
- a table at most 64 columns, and 50,000 cells in the file (its columns times its rows up to a blank line);
- at most 10,000 `[` in the file (a task's own box is not counted) and 100,000 other markup characters
  (`*`, `_`, `~`, `` ` ``, `<`, `&`, `\\`, `!`).

A checklist of the corpus uses at most 406 lines, 388 characters a line, 6 columns and a few hundred markup
characters: each limit is hundreds of times what a checklist read by people needs.
"""

from __future__ import annotations

import re

from heypeter_tui.core.checklist import MAX_TEXT
from heypeter_tui.core.errors import UserError

MAX_LINES = 200_000
"""markdown-it holds every block of the file at once: 100,000 task lines take 4 s and 240 MB."""
MAX_TASK_LINES = 100_000
MAX_LINE = 16_000
"""Four times an item's text: room for its markup, a link's address and its `<!-- id: … -->`."""
MAX_NESTING = 100
"""markdown-it's nesting limit (a list is two levels, a quote one); the file is refused before it is reached."""
MAX_COLUMNS = 64
MAX_CELLS = 50_000
MAX_BRACKETS = 10_000
MAX_MARKUP = 100_000

TASK_LIKE = re.compile(r"^[ \t]*(?:>[ \t]?)*[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+\[[ xX\-!~/]\](?:[ \t]|$)",
                       re.MULTILINE)
_COMMENT = re.compile(r"<!--.*?-->")
_ESCAPE = re.compile(r"\\(?=[!-/:-@\[-`{-~])")  # `\*` is one character of text
_CONTAINERS = re.compile(r"[ \t]*(?:(?:>|(?:[-*+]|\d{1,9}[.)])(?=[ \t]|$))[ \t]*)*")
_MARKER = re.compile(r">|[-*+]|\d{1,9}[.)]")
_DELIMITER_ROW = re.compile(r"^[ \t>]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)?\|?[ \t]*:?-[-: \t|]*$", re.MULTILINE)
_MARKUP = "*_~`<&\\!"


def check_bounds(text: str, source: str) -> None:
    """Raises UserError naming the first line past a limit. Each count is over the whole text first (a C loop),
    walked line by line only to name the line where it is passed."""
    if text.count("\n") >= MAX_LINES:
        raise UserError(f"{source}:{MAX_LINES + 1}: more than {MAX_LINES:,} lines; a checklist is read by people")
    _check_tasks(text, source)
    _check_tables(text, source)
    lines = text.split("\n")
    _check_lines(lines, source)
    _check_markup(text, lines, source)


def _check_lines(lines: list[str], source: str) -> None:
    for number, line in enumerate(lines, start=1):
        if len(line) > MAX_LINE and (length := len(_COMMENT.sub("", line))) > MAX_LINE:
            raise UserError(f"{source}:{number}: a line of {length:,} characters; at most {MAX_LINE:,} are allowed "
                            "(a checklist is read by people)")
        if _depth(line) >= MAX_NESTING:
            raise UserError(f"{source}:{number}: nested too deeply to be a checklist (lists within lists, or quotes)")


def _depth(line: str) -> int:
    """The most nesting a line could open: each list marker two levels, each `>` one, and its indent as lists
    (each nested list is indented at least two columns more than its parent)."""
    if not line or line[0] not in " \t>-*+0123456789":
        return 0
    lead = _CONTAINERS.match(line)
    if lead is None or not lead.group(0).strip():
        return 0
    head = lead.group(0)
    indent = len(head) - len(head.lstrip(" \t"))
    markers = _MARKER.findall(head)
    return head[:indent].expandtabs(4).count(" ") + sum(1 if marker == ">" else 2 for marker in markers)


def _check_tables(text: str, source: str) -> None:
    """A table's columns are its delimiter row's (`|---|:-:|`); markdown-it gives every row that many cells."""
    cells = 0
    for match in _DELIMITER_ROW.finditer(text):
        row = match.group(0)
        if "|" not in row:
            continue  # `---`: a rule or a heading's underline, no table
        columns = row.strip(" \t>").strip("|").count("|") + 1
        line = max(text.count("\n", 0, match.start()), 1)  # the header row's, above the delimiter row
        if columns > MAX_COLUMNS:
            raise UserError(f"{source}:{line}: a table of {columns:,} columns; at most {MAX_COLUMNS} are allowed "
                            "(a checklist is read by people)")
        end = text.find("\n\n", match.end())
        rows = text.count("\n", match.start(), len(text) if end < 0 else end) + 1  # the header with the body
        cells += columns * rows
        if cells > MAX_CELLS:
            raise UserError(f"{source}:{line}: the tables hold more than {MAX_CELLS:,} cells; a checklist is read "
                            "by people")


def _check_tasks(text: str, source: str) -> None:
    for number, match in enumerate(TASK_LIKE.finditer(text), start=1):
        if number > MAX_TASK_LINES:
            line = text.count("\n", 0, match.start()) + 1
            raise UserError(f"{source}:{line}: more than {MAX_TASK_LINES:,} task lines; a checklist is read by people")
        end = text.find("\n", match.end())
        rest = text[match.end():len(text) if end < 0 else end]
        if len(rest) > MAX_TEXT and (length := len(_ESCAPE.sub("", _COMMENT.sub("", rest)).strip())) > MAX_TEXT:
            line = text.count("\n", 0, match.start()) + 1
            raise UserError(f"{source}:{line}: a task's text is {length:,} characters; at most {MAX_TEXT:,} are "
                            "allowed (a checklist is read by people)")


def _check_markup(text: str, lines: list[str], source: str) -> None:
    boxes = len(TASK_LIKE.findall(text))  # each task's own `[ ]` is no link
    if text.count("[") - boxes <= MAX_BRACKETS and sum(map(text.count, _MARKUP)) <= MAX_MARKUP:
        return
    brackets = markup = 0
    for number, line in enumerate(lines, start=1):
        brackets += line.count("[") - (1 if TASK_LIKE.match(line) else 0)
        markup += sum(map(line.count, _MARKUP))
        if brackets > MAX_BRACKETS:
            raise UserError(f"{source}:{number}: more than {MAX_BRACKETS:,} `[` in the file (links or brackets); a "
                            "checklist is read by people")
        if markup > MAX_MARKUP:
            raise UserError(f"{source}:{number}: more than {MAX_MARKUP:,} markup characters in the file (`*`, `_`, "
                            "`~`, `` ` ``, `<`, `&`, `\\`, `!`); a checklist is read by people")
