"""Markdown task lists -> a schema-1 checklist, by general rules (no rule for any one file).

The file is parsed as CommonMark (markdown-it-py, with tables) and its task lists as GitHub writes them
(mdit-py-plugins' tasklists), so emphasis, links, code spans, HTML comments and fences mean what they mean
anywhere else: a `- [ ]` inside a fence or a comment is no item.

- Every task (`- [ ]`, `* [x]`, `+ [ ]`, `1. [ ]`, nested, in block quotes; and the record's own `[-]` N/A and
  `[!]` blocked) is exactly one item. Its text is the task's first paragraph as plain text (core/md_text.py):
  emphasis markers dropped, code spans with their backticks, a link as its text (and its address, where the text
  does not say it). Other list items and paragraphs are not items.
- Headings of any level, and a paragraph of bold text alone that introduces a list (`**Code Quality** (T-24
  hours):`), start groups; the headings above a group's own level are the *part* it belongs to. The first level-1
  heading is the checklist's title; `**Product:** X` before any group its product.
- A group is a deployment-day phase when its part is headed like deployment day (`Deployment Day`, `Deployment
  Execution`, `Post-Deployment`, `Go-Live`…) or its own time offset is T-0 or later; a checklist of such groups
  only has them as its sections (they are what must be done).
- A time offset in a group's title (`(T-2 hours)`, `T-15 minutes`, `T+30 minutes`) becomes its `due` and leaves
  the title; so does a leading number (`1.`). Emoji stay.
- Under a sign-off heading, a table's Role column (else its first) gives the sign-off roles, each once; under a
  contacts heading, its list lines and tables give the contacts (core/md_contacts.py).
- Ids, windows, timers and gated phases: core/md_infer.py, where each rule is written out.
- `<!-- id: x; optional -->` in a line carries what Markdown cannot say; the record writes them when asked.
- UTF-8 text once read as cp1252 (`âœ“`) is repaired; escape sequences and controls are removed before parsing.
- Bounds, each said as one clean error naming the line: lines, task lines, a line's and a task's length, tables,
  nesting and markup are counted before markdown-it sees the text (core/md_bounds.py); lists nested 47 deep
  (quotes 92; deeper, markdown-it would silently drop the rest of the file) and 4,000 characters of text per item,
  title or role are checked again on what it parsed (a checklist is read by people).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from mdit_py_plugins.tasklists import tasklists_plugin

from heypeter_tui.core.checklist import MAX_DUE_SECONDS, MAX_TEXT
from heypeter_tui.core.durations import parse_duration
from heypeter_tui.core.errors import UserError
from heypeter_tui.core.ids import slugify
from heypeter_tui.core.loader import read_checklist_text
from heypeter_tui.core.md_bounds import MAX_LINES, MAX_NESTING, MAX_TASK_LINES, check_bounds
from heypeter_tui.core.md_contacts import contact_from_line, contacts_from_table, role_column, signoff_roles
from heypeter_tui.core.md_infer import Findings, ParsedGroup, ParsedItem, assemble, is_conditional
from heypeter_tui.core.md_record import Lists, checked_id, with_safeguards
from heypeter_tui.core.md_text import leading_emphasis, plain, repair, title_and_due, unmojibake
from heypeter_tui.core.record_attributes import comment_lists
from heypeter_tui.core.text import clean, clean_line, count

__all__ = ["MAX_LINES", "MAX_TASK_LINES", "Imported", "import_markdown", "import_markdown_file", "repair"]

_OWN_MARK = re.compile(r"^\[[-!~/]\][ \t]+(?=\S)")  # `[-]` N/A and `[!]` blocked, as the record writes them
_EMPTY_TASK = re.compile(r"^\[[ xX\-!~/]\]$")
_LIST_OPEN = ("bullet_list_open", "ordered_list_open")
_LIST_CLOSE = ("bullet_list_close", "ordered_list_close")
_SIGNOFF_HEADING = re.compile(r"sign[- ]?offs?|approvals?|signatures?", re.IGNORECASE)
_CONTACT_HEADING = re.compile(r"\bcontacts\b|emergency|escalation|on[- ]?call", re.IGNORECASE)


@dataclass(frozen=True)
class Imported:
    data: dict[str, Any]  # the checklist as schema-1 data, ready for YAML
    task_lines: int
    findings: Findings = field(default_factory=Findings)

    def to_yaml(self, source: str = "") -> str:
        header = f"# Imported from {clean_line(source)} by heypeter-tui import-md.\n" if source else ""
        body = yaml.safe_dump(self.data, sort_keys=False, allow_unicode=True, width=4096, default_flow_style=False)
        return header + body

    def review(self) -> list[str]:
        """What the import made of the file, a line each, for a person to check before a run: groups with their
        kind and due, windows, timers and gates (inferred or stated in a comment), sign-off roles, contacts."""
        lines = []
        gated = dict(self.findings.gated)
        for kind in ("sections", "phases"):
            for group in self.data.get(kind, []):
                facts = [f"{len(group['items'])} items"] + ([f"due T{group['due']}"] if "due" in group else [])
                if group["id"] in gated:
                    facts.append(f"gated: {_source(gated[group['id']])}")
                if group["id"] in self.findings.optional:
                    facts.append("optional: its heading says it is done only if needed")
                lines.append(f"{kind[:-1]} {group['id']}: {group['title']} ({', '.join(facts)})")
        for name, opener, closer, inferred in self.findings.windows:
            lines.append(f"window {name}: opened by {opener or 'no item'}, closed by {closer or 'no item'} "
                         f"({_source(inferred)})")
        lines += [f"timer {duration}: {key} ({_source(inferred)})" for key, duration, inferred in self.findings.timers]
        roles = [role if isinstance(role, dict) else {"role": role} for role in self.data.get("signoffs", [])]
        if roles:
            lines.append(f"sign-off roles: {', '.join(role['role'] for role in roles)}")
        for role in roles:  # a record's safeguards, stated in its comments (core/md_record.py)
            said = [f"{key} {' '.join(map(str, value)) if isinstance(value, list) else ''}".strip()
                    for key, value in role.items() if key != "role"]
            if said:
                lines.append(f"sign-off {role['role']}: {'; '.join(said)}")
        for key in ("allowed_signers", "revoked_keys"):
            if self.data.get(key):
                lines.append(f"{key}: {count(len(self.data[key]), 'line')} (stated in a comment)")
        for contact in self.data.get("contacts", []):
            values = [contact[key] for key in ("name", "phone", "email") if key in contact]
            lines.append(f"contact {contact['role']}: {', '.join(values) or 'no name, phone or email'}")
        found = self.findings
        if found.renamed is not None:
            lines.append(f"imported as checklist {found.renamed.given}, not {found.renamed.stated}: "
                         f"{found.renamed.why}")
        if found.struck:
            lines.append(f"{count(found.struck, 'task')} struck out in the file: no item")
        for number, how in ((found.ticked, "ticked"), (found.marked, "marked N/A, blocked or in part")):
            if number:
                lines.append(f"{count(number, 'task')} {'was' if number == 1 else 'were'} {how} in the file; imported "
                             "as open: a run starts fresh")
        return [clean_line(line) for line in lines]  # titles and names are data, never escapes


def _source(inferred: bool) -> str:
    return "inferred from the text" if inferred else "stated in a comment"


def import_markdown_file(path: Path) -> Imported:
    """Raises UserError (a ChecklistError naming file and line) on a file that is not Markdown text."""
    return import_markdown(read_checklist_text(path), str(path), slugify(path.stem, "checklist"))


def import_markdown(text: str, source: str = "<markdown>", default_id: str = "checklist") -> Imported:
    text = _prepared(text)
    check_bounds(text, source)  # core/md_bounds.py: before markdown-it sees it
    tokens = _parser().parse(text)
    _check_nesting(tokens, source)
    _mark_tasks(tokens)
    reader = _Reader(source)
    reader.read(tokens)
    if reader.task_lines == 0:
        raise UserError(f"{source}: no task lines (`- [ ] …`) found; nothing to import")
    if not any(group.items for group in reader.groups):
        raise UserError(f"{source}: every task is struck out; nothing to import")
    data, findings = assemble(reader.title, reader.title_attributes, reader.product, default_id, reader.groups,
                              reader.signoffs, reader.contacts)
    findings.struck, findings.ticked, findings.marked = reader.struck, reader.ticked, reader.marked
    with_safeguards(data, reader.title_lists, reader.role_rules)
    findings.renamed = checked_id(data, reader.title_lists, reader.record_of)
    return Imported(data, reader.task_lines, findings)


def _prepared(text: str) -> str:
    """Text as markdown-it should read it: lines as a person sees them (a lone CR or U+2028 breaks or joins no
    line differently), mojibake undone, and every escape sequence and control but tab and newline removed."""
    text = re.sub(r"[\u2028\u2029\x85]", " ", text.replace("\r\n", "\n").replace("\r", "\n"))
    return clean(unmojibake(text))


def _check_nesting(tokens: list[Any], source: str) -> None:
    """Past its nesting limit markdown-it silently drops the rest of the file: refused just before."""
    for token in tokens:
        if token.level >= MAX_NESTING - 4:
            line = token.map[0] + 1 if token.map else 0
            raise UserError(f"{source}:{line}: nested too deeply to be a checklist (lists within lists, or quotes)")


@cache
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"maxNesting": MAX_NESTING}).enable(["table", "strikethrough"])


@cache
def _task_rule() -> MarkdownIt:
    """A parser that runs nothing but the tasklists plugin's rule, over the tokens it is given."""
    md = MarkdownIt("zero").use(tasklists_plugin)
    md.core.ruler.enableOnly(["github-tasklists"])
    return md


def _mark_tasks(tokens: list[Any]) -> None:
    """The tasklists plugin marks each task's list item (class `task-list-item`) and takes its box off its text.
    It is run on each list item's own tokens: over the whole stream it looks for each task's list by walking back
    to the list's start, which is quadratic in a list's length (20,000 tasks in one list took minutes)."""
    md = _task_rule()
    lists: list[Any] = []
    for index, token in enumerate(tokens):
        if token.type in _LIST_OPEN:
            lists.append(token)
        elif token.type in _LIST_CLOSE:
            lists.pop()
        elif (token.type == "list_item_open" and lists and index + 3 < len(tokens)
              and tokens[index + 1].type == "paragraph_open" and tokens[index + 2].type == "inline"):
            md.core.process(StateCore("", md, {}, [lists[-1], *tokens[index:index + 4]]))


class _Reader:
    """One walk over the token stream: groups and their items, title, product, sign-off roles, contacts."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.title = ""
        self.title_attributes: dict[str, str] = {}
        self.product = ""
        self.groups: list[ParsedGroup] = []
        self.headings: list[tuple[int, str]] = []  # the open heading path: (level, title); the title is level 0
        self.current: ParsedGroup | None = None
        self.section_kind = ""  # "signoffs" / "contacts" while under such a heading
        self.signoffs: list[str] = []
        self.role_rules: dict[str, Lists] = {}  # a role's safeguards, by its casefolded name, from its cell's comment
        self.title_lists: Lists = {}  # the title comment's keys as lists (a record's digest and signer lines)
        self.record_of = ""  # the checklist a record's Run details name (`- **Checklist:** x (sha256 …)`)
        self.contacts: list[dict[str, str]] = []
        self.task_lines = 0
        self.struck = 0  # tasks struck out whole (`- [ ] ~~old step~~`): no items
        self.ticked = 0  # `[x]` tasks: imported open, a run starts fresh
        self.marked = 0  # the record's own `[-]` N/A and `[!]` blocked: imported open too

    def read(self, tokens: list[Any]) -> None:
        lists = items_open = 0
        index = 0
        while index < len(tokens):
            token = tokens[index]
            kind = token.type
            if kind == "heading_open":
                self.heading(token, tokens[index + 1])
            elif kind in _LIST_OPEN:
                lists += 1
            elif kind in _LIST_CLOSE:
                lists -= 1
            elif kind == "list_item_open":
                items_open += 1
                if tokens[index + 1].type == "paragraph_open":
                    self.list_item(token, tokens[index + 2], lists)
            elif kind == "list_item_close":
                items_open -= 1
            elif kind == "paragraph_open" and not items_open:
                self.paragraph(token, tokens[index + 1])
            elif kind == "table_open":
                index = self.table(tokens, index)
            index += 1

    def line_of(self, token: Any) -> int:
        return token.map[0] + 1 if token.map else 0

    def checked(self, text: str, what: str, token: Any) -> str:
        if len(text) > MAX_TEXT:
            raise UserError(f"{self.source}:{self.line_of(token)}: {what} is {len(text):,} characters; at most "
                            f"{MAX_TEXT:,} are allowed (a checklist is read by people)")
        return text

    # -- groups ---------------------------------------------------------------------------------------

    def heading(self, token: Any, inline: Any) -> None:
        level = int(token.tag[1:])
        attributes: dict[str, str] = {}
        text = self.checked(plain(inline.children, attributes), "a heading", token)
        if not text:
            return  # an empty heading (`#` alone) heads nothing
        self.section_kind = ("signoffs" if _SIGNOFF_HEADING.search(text)
                             else "contacts" if _CONTACT_HEADING.search(text) else "")
        if level == 1 and not self.title:
            self.title, self.title_attributes = text, attributes
            self.title_lists = comment_lists(_comments(inline.children))
            self.headings = [(0, text)]
            self.current = None
            return
        self.headings = [(lvl, title) for lvl, title in self.headings if lvl < level] + [(level, text)]
        self.current = self.start_group(text, attributes, level, self.line_of(token))

    def start_group(self, text: str, attributes: dict[str, str], level: int, line: int) -> ParsedGroup:
        """A group, with what the headings above it say of every group beneath them: the nearest one's time
        offset (`## Pre-Deployment (T-60 minutes)`), unless the group has its own, and a condition (`## Rollback
        (only if needed)`)."""
        above = [title for lvl, title in self.headings if 0 < lvl < level]
        part = " / ".join(above)  # a phase's may be two up
        title, due = title_and_due(text)
        stated = _duration_or_none(attributes.get("due"))
        if stated is not None and abs(stated) <= MAX_DUE_SECONDS:
            due = stated
        part_due = next((offset for heading in reversed(above) if (offset := title_and_due(heading)[1]) is not None),
                        None)
        group = ParsedGroup(title or "Checklist", level, part, line, due if due is not None else part_due, attributes,
                            part_due=part_due, conditional=any(map(is_conditional, [*above, text])))
        self.groups.append(group)
        return group

    def paragraph(self, token: Any, inline: Any) -> None:
        children = inline.children or []
        if self.product_from(children, token):
            return
        intro = _bold_intro(children)
        if intro is not None:
            title, attributes = intro
            self.current = self.start_group(self.checked(title, "a heading", token), attributes, 7,
                                            self.line_of(token))
        elif self.section_kind == "contacts":  # `**DBA:** Ana Ruiz` lines, one contact a line
            for line in _lines(children):
                self.add_contact(line)

    def product_from(self, children: list[Any], token: Any) -> bool:
        """`**Product:** X` before any group: the checklist's product."""
        span = leading_emphasis(children)
        if span is None or self.groups or plain(children[span[0] + 1:span[1]]).rstrip(":").strip().casefold() != \
                "product":
            return False
        self.product = self.checked(plain(children[span[1] + 1:]).lstrip(":").strip(), "the product", token)
        return True

    # -- items, contacts and tables -----------------------------------------------------------------

    def list_item(self, token: Any, inline: Any, lists: int) -> None:
        children = inline.children or []
        task = "task-list-item" in str(token.attrGet("class") or "")
        mark = _OWN_MARK.match(inline.content)
        if not task and mark and children and children[0].type == "text" and children[0].content.startswith(
                mark.group(0)):
            children[0].content = children[0].content[mark.end():]
            task = True
            self.marked += 1
        elif task and children and children[0].type == "html_inline" and "checked" in children[0].content:
            self.ticked += 1  # the plugin's checkbox: `checked="checked"` for `[x]`
        if task:
            self.add_task(token, children)
        elif _EMPTY_TASK.match(inline.content.strip()):
            raise UserError(f"{self.source}:{self.line_of(token)}: a task line with no text")
        elif not self.product_from(children, token) and self.section_kind == "contacts" and lists == 1:
            self.add_contact(children)
        else:
            self.record_from(children)

    def record_from(self, children: list[Any]) -> None:
        """A record's `- **Checklist:** golden (sha256 …)`: the checklist it ran (core/md_record.py)."""
        span = leading_emphasis(children)
        if span is not None and plain(children[span[0] + 1:span[1]]).rstrip(":").strip() == "Checklist":
            self.record_of = plain(children[span[1] + 1:]).lstrip(":").split(" (sha256", 1)[0].strip()

    def add_task(self, token: Any, children: list[Any]) -> None:
        self.task_lines += 1
        line = self.line_of(token)
        if self.task_lines > MAX_TASK_LINES:  # a task the line count before parsing could not see
            raise UserError(f"{self.source}:{line}: more than {MAX_TASK_LINES:,} task lines; a checklist is read "
                            "by people")
        attributes: dict[str, str] = {}
        text = self.checked(plain(children, attributes), "a task's text", token)
        if not text and any(child.type == "s_open" for child in children):
            self.struck += 1  # struck out whole: a step the author took out, no item
            return
        if not text:
            raise UserError(f"{self.source}:{line}: a task line with no text")
        if self.current is None:
            self.current = ParsedGroup(self.title or "Checklist", 7, "", line)
            self.groups.append(self.current)
        self.current.items.append(ParsedItem(text, attributes, line))

    def add_contact(self, children: list[Any]) -> None:
        contact = contact_from_line(children)
        if contact:
            self.contacts.append(contact)

    def table(self, tokens: list[Any], index: int) -> int:
        """A table's rows as plain text; under a sign-off or contacts heading, its roles or contacts.
        Returns the index of the table's end."""
        start, rows, row, comments, cells = tokens[index], [], [], [], []
        while index < len(tokens) and tokens[index].type != "table_close":
            token = tokens[index]
            if token.type == "tr_open":
                row, cells = [], []
            elif token.type in ("th_open", "td_open"):
                cell = tokens[index + 1]
                row.append(plain(cell.children) if cell.type == "inline" else "")
                cells.append(_comments(cell.children) if cell.type == "inline" else [])
            elif token.type == "tr_close":
                rows.append(row)
                comments.append(cells)
            index += 1
        if len(rows) > 1 and self.section_kind:
            header, body = rows[0], rows[1:]
            if self.section_kind == "signoffs":
                self.signoffs += [self.checked(role, "a sign-off role", start) for role in signoff_roles(header, body)]
                at = role_column(header)
                for values, cells in zip(body, comments[1:]):
                    if at < len(cells) and cells[at]:
                        self.role_rules.setdefault(values[at].casefold(), comment_lists(cells[at]))
            else:
                found = contacts_from_table(header, body)
                self.contacts += [{**contact, "role": self.checked(contact["role"], "a contact role", start)}
                                  for contact in found]
        return index


def _bold_intro(children: list[Any]) -> tuple[str, dict[str, str]] | None:
    """`**Title** (T-2 hours):` alone in its paragraph -> ("Title (T-2 hours)", attributes); else None."""
    span = leading_emphasis(children)
    if span is None:
        return None
    attributes: dict[str, str] = {}
    title = plain(children[span[0] + 1:span[1]], attributes)
    rest = re.fullmatch(r"(\([^)]*\))?\s*:?", plain(children[span[1] + 1:], attributes))
    if not title or rest is None:
        return None
    return f"{title} {rest.group(1) or ''}".strip(), attributes


def _comments(children: list[Any] | None) -> list[str]:
    """An inline's HTML, raw: where its comments are."""
    return [child.content for child in children or () if child.type == "html_inline"]


def _lines(children: list[Any]) -> list[list[Any]]:
    """A paragraph's inline tokens, line by line."""
    lines: list[list[Any]] = [[]]
    for token in children:
        if token.type in ("softbreak", "hardbreak"):
            lines.append([])
        else:
            lines[-1].append(token)
    return lines


def _duration_or_none(text: str | None) -> int | None:
    try:
        return parse_duration(text) if text else None
    except ValueError:
        return None
