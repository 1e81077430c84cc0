"""Checklist files (YAML, schema 1) -> Checklist, with every error named `FILE:LINE:COLUMN`.

The file is parsed with PyYAML's SafeLoader as far as its node graph (`yaml.compose`) and never
further: no Python object is ever constructed from a tag, and every node keeps its position, so
each problem names its line. The walk below reads the nodes into frozen dataclasses, collecting
every error (up to `MAX_ERRORS`) rather than stopping at the first.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

import yaml

from heypeter_tui.core import signer_lines as lines
from heypeter_tui.core.check_reader import read_check
from heypeter_tui.core.checklist import (
    MAX_DUE_SECONDS,
    MAX_OWNER,
    MAX_PRINCIPAL,
    MAX_TEXT,
    MAX_TIMER_SECONDS,
    SCHEMA_VERSION,
    Checklist,
    ContactRole,
    Group,
    GroupKind,
    Item,
    Signers,
)
from heypeter_tui.core.errors import UserError
from heypeter_tui.core.ids import slugify
from heypeter_tui.core.nodes import (
    MAX_ERRORS,
    YAML_TAG,
    NodeReader,
    Problem,
    TooManyProblems,
)

MAX_FILE_BYTES = 5 * 1024 * 1024


class ChecklistError(UserError):
    """A checklist file that cannot be used; `problems` lists every error found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = tuple(problems)
        more = len(problems) - 1
        suffix = f" (and {more} more; run `heypeter-tui validate` to see all)" if more else ""
        super().__init__(f"{problems[0]}{suffix}")


@dataclass(frozen=True)
class Validation:
    checklist: Checklist | None
    errors: tuple[Problem, ...]
    warnings: tuple[Problem, ...]


def load_checklist(path: Path) -> Checklist:
    return load_checklist_source(path)[0]


def load_checklist_source(path: Path, own: bool = False, trusted: bool = False) -> tuple[Checklist, bytes]:
    """The checklist in `path` and the very bytes it was read from (a run records their digest); with `own`, only
    from a file that is the user's own word (a checklist of the config dir: core/paths.py, not_yours). `trusted`
    (a built-in checklist) is parsed by libyaml's C loader (validate_text)."""
    data = read_checklist_bytes(path, own)
    validation = validate_bytes(data, str(path), trusted)
    if validation.errors or validation.checklist is None:
        raise ChecklistError(list(validation.errors))
    return validation.checklist, data


def read_checklist_bytes(path: Path, own: bool = False) -> bytes:
    """A checklist file's bytes: a regular file of at most 5 MB (a FIFO or /dev/zero is refused, and
    the limit is found by reading, not by stat). Raises ChecklistError naming the file."""
    from heypeter_tui.core.paths import ReadRefused, describe_os_error, read_limited

    source = str(path)
    try:
        return read_limited(path, MAX_FILE_BYTES, own=own)
    except ReadRefused as error:
        why = str(error) if own and "refused: only your own" in str(error) else \
            f"{error} (a checklist is a file of at most 5 MB)"
        raise ChecklistError([_problem(source, why)]) from error
    except FileNotFoundError as error:
        raise ChecklistError([_problem(source, "no such file")]) from error
    except OSError as error:
        error.filename = None
        raise ChecklistError([_problem(source, f"cannot read: {describe_os_error(error)}")]) from error


def read_checklist_text(path: Path) -> str:
    """The text of a checklist file, YAML or Markdown: at most 5 MB, not binary, UTF-8.

    Raises ChecklistError naming the file (and line) otherwise.
    """
    return decode_checklist(read_checklist_bytes(path), str(path))


def decode_checklist(data: bytes, source: str) -> str:
    """`data` as text, or ChecklistError: too large, binary, or not UTF-8 (naming the line)."""
    if len(data) > MAX_FILE_BYTES:
        message = f"file is {len(data):,} bytes; a checklist may be at most {MAX_FILE_BYTES:,}"
        raise ChecklistError([_problem(source, message)])
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise ChecklistError([_problem(source, "a binary file, not a checklist", line)])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        message = f"not UTF-8 text (byte 0x{data[error.start]:02x}); save the file as UTF-8"
        raise ChecklistError([_problem(source, message, line)]) from error


def validate_file(path: Path) -> Validation:
    try:
        text = read_checklist_text(path)
    except ChecklistError as error:
        return Validation(None, error.problems, ())
    return validate_text(text, str(path))


def validate_bytes(data: bytes, source: str, trusted: bool = False) -> Validation:
    try:
        text = decode_checklist(data, source)
    except ChecklistError as error:
        return Validation(None, error.problems, ())
    return validate_text(text, source, trusted)


def validate_text(text: str, source: str, trusted: bool = False) -> Validation:
    """`trusted` (the built-in checklists) may be composed by libyaml's C loader, several times faster (a first
    launch reads one); anything else goes through the pure-Python one, whose recursion limit turns a hostile
    nesting into an error. Both give the same nodes and tags (a position may differ by a column at an empty value,
    which a built-in checklist, tested, has none of)."""
    if not text.strip():
        return _failed(source, "empty file; expected a checklist with schema, id, title and sections")
    try:
        root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader) if trusted else yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        message = f"YAML syntax: {error.problem or error.context}"
        return _failed(source, message, mark.line + 1 if mark else 0, mark.column + 1 if mark else 0)
    except yaml.reader.ReaderError as error:  # a control character: said at its line and column, on one line
        line = text.count("\n", 0, error.position) + 1
        column = error.position - text.rfind("\n", 0, error.position)
        return _failed(source, f"character U+{error.character:04X} is not allowed in a checklist", line, column)
    except yaml.YAMLError as error:
        return _failed(source, f"YAML syntax: {' '.join(str(error).split())}")
    except RecursionError:
        return _failed(source, "nested too deeply to be a checklist")
    if root is None:  # comments alone: no document at all
        return _failed(source, "no checklist in the file, only comments; expected schema, id, title and sections")
    reader = ChecklistReader(source)
    checklist = None
    with contextlib.suppress(TooManyProblems):  # the reader's own cap: its errors say why it stopped
        checklist = reader.checklist(root)  # a walk of fixed depth (checklist, group, item, field): no recursion
    if reader.errors:
        checklist = None
    return Validation(checklist, tuple(reader.errors[:MAX_ERRORS]), tuple(reader.warnings))


def _problem(source: str, message: str, line: int = 0, column: int = 1) -> Problem:
    return Problem(source, line, column if line else 0, message)


def _failed(source: str, message: str, line: int = 0, column: int = 1) -> Validation:
    return Validation(None, (_problem(source, message, line, column),), ())


class ChecklistReader(NodeReader):
    """Schema 1: the top level, groups, items, sign-off roles and contact roles."""

    def __init__(self, source: str) -> None:
        super().__init__(source)
        self.max_text = MAX_TEXT

    def checklist(self, root: yaml.Node) -> Checklist | None:
        top = self.mapping(
            root,
            "checklist",
            ("schema", "id", "title", "product", "sections", "phases", "signoffs", "contacts", "allowed_signers",
             "revoked_keys"),
            ("schema", "id", "title", "sections"),
        )
        if top is None:
            return None
        if "schema" in top:
            self.schema(top["schema"])
        checklist_id = self.identifier(top["id"], "id") if "id" in top else None
        title = self.text(top["title"], "title") if "title" in top else None
        product = self.text(top["product"], "product") or "" if "product" in top else ""
        group_ids: dict[str, yaml.Node] = {}
        sections = self.groups(top.get("sections"), GroupKind.SECTION, group_ids)
        phases = self.groups(top.get("phases"), GroupKind.PHASE, group_ids)
        if "sections" in top and not sections and not self.errors:
            self.error(top["sections"], "sections: a checklist needs at least one section")
        signoffs, signers = self.signoffs(top["signoffs"], sections + phases) if "signoffs" in top else ((), ())
        contacts = self.contacts(top["contacts"]) if "contacts" in top else ()
        allowed = self.key_lines(top["allowed_signers"], "allowed_signers", lines.allowed_signer) \
            if "allowed_signers" in top else ()
        revoked = self.key_lines(top["revoked_keys"], "revoked_keys", lines.revoked_key) \
            if "revoked_keys" in top else ()
        self.keys_cover(signers, allowed, top)
        if self.derived_ids:
            self.warn(
                self.derived_ids[0],
                f"{len(self.derived_ids)} item(s) take their id from their text (the first here): rewording "
                "one orphans its history in runs already started; give it an `id:` first",
            )
        if self.errors or checklist_id is None or title is None:
            return None
        return Checklist(checklist_id, title, sections, product, phases, signoffs, contacts, signers, allowed, revoked)

    def schema(self, node: yaml.Node) -> None:
        plain = self.visit(node) and node.tag == YAML_TAG + "int" and len(node.value) < 10
        if not plain or int(node.value) != SCHEMA_VERSION:
            value = str(node.value)[:20]  # every node has a value: a scalar its text, a collection its list
            if node.tag == YAML_TAG + "str":  # `schema: '1'` said as "schema 1 is not supported" baffles
                value = f"{value!r} (text, not a number)"
            self.error(node, f"schema {value} is not supported; this heypeter-tui reads schema {SCHEMA_VERSION}")

    def groups(
        self, node: yaml.Node | None, kind: GroupKind, seen: dict[str, yaml.Node]
    ) -> tuple[Group, ...]:
        if node is None:
            return ()
        plural = f"{kind.value}s"
        groups = []
        for index, group_node in enumerate(self.sequence(node, plural), start=1):
            group = self.group(group_node, kind, f"{plural}[{index}]")
            if group is None:
                continue
            if group.id in seen:
                first = seen[group.id].start_mark.line + 1
                self.error(group_node, f"{kind.value} id {group.id!r} is used twice (first on line {first})")
                continue
            seen[group.id] = group_node
            groups.append(group)
        return tuple(groups)

    def group(self, node: yaml.Node, kind: GroupKind, what: str) -> Group | None:
        named = _title_of(node)
        if named:
            what = f"{kind.value} {named!r}"
        allowed = ("id", "title", "due", *(("gated",) if kind == GroupKind.PHASE else ()), "items", "owner")
        fields = self.mapping(node, what, allowed, ("title", "items"))
        if fields is None:
            return None
        title = self.text(fields["title"], f"{what}: title") if "title" in fields else None
        explicit = self.identifier(fields["id"], f"{what}: id") if "id" in fields else None
        due = (
            self.duration(fields["due"], f"{what}: due", "-2h or 30m", -MAX_DUE_SECONDS, MAX_DUE_SECONDS)
            if "due" in fields
            else None
        )
        owner = self.owner(fields, f"{what}: owner")  # before the items: written above them, said above them
        items = self.items(fields["items"], what) if "items" in fields else ()
        gated = self.boolean(fields["gated"], f"{what}: gated") if "gated" in fields else False
        if title is None:
            return None
        return Group(explicit or slugify(title, kind.value), title, kind, items, due, bool(gated), owner)

    def items(self, node: yaml.Node, what: str) -> tuple[Item, ...]:
        items: list[Item] = []
        seen: dict[str, tuple[yaml.Node, bool]] = {}
        for item_node in self.sequence(node, f"{what}: items"):
            parsed = self.item(item_node, what)
            if parsed is None:
                continue
            item, explicit = parsed
            if not explicit:
                self.derived_ids.append(item_node)
            if item.id in seen:
                first_node, first_explicit = seen[item.id]
                first = first_node.start_mark.line + 1
                fix = "" if explicit and first_explicit else "; give one of them an explicit `id:`"
                self.error(item_node, f"{what}: item id {item.id!r} is used twice (first on line {first}){fix}")
                continue
            seen[item.id] = (item_node, explicit)
            items.append(item)
        return tuple(items)

    def item(self, node: yaml.Node, what: str) -> tuple[Item, bool] | None:
        if isinstance(node, yaml.ScalarNode):
            text = self.text(node, f"{what}: item")
            return (Item(slugify(text), text), False) if text is not None else None
        fields = self.mapping(
            node, f"{what}: item", ("id", "text", "optional", "opens", "closes", "timer", "owner", "check"), ("text",),
            _CHECK_KEYS
        )
        if fields is None:
            return None
        text = self.text(fields["text"], f"{what}: item text") if "text" in fields else None
        explicit = self.identifier(fields["id"], f"{what}: item id") if "id" in fields else None
        optional = self.boolean(fields["optional"], f"{what}: optional") if "optional" in fields else False
        opens = self.identifier(fields["opens"], f"{what}: opens") if "opens" in fields else None
        closes = self.identifier(fields["closes"], f"{what}: closes") if "closes" in fields else None
        timer = (
            self.duration(fields["timer"], f"{what}: timer", "30m or 1h", 1, MAX_TIMER_SECONDS)
            if "timer" in fields
            else None
        )
        owner = self.owner(fields, f"{what}: item owner")
        named = f"{what}: item {(text or '')[:40]!r}"
        check = read_check(self, fields["check"], named, timer) if "check" in fields else None
        if text is None:
            return None
        item = Item(explicit or slugify(text), text, bool(optional), opens, closes, timer, owner, check)
        return item, explicit is not None

    def owner(self, fields: dict[str, yaml.Node], what: str) -> str | None:
        """A group's or an item's `owner:`: one line of text (cleaned on entry), a role or a name."""
        return self.text(fields["owner"], what, MAX_OWNER) if "owner" in fields else None

    def signoffs(self, node: yaml.Node, groups: tuple[Group, ...]) -> tuple[tuple[str, ...], tuple[Signers, ...]]:
        """The roles, and for those that say so who may sign them with an SSH key (`principals`), whether only
        such a signature counts (`require_signature`), and what their sign-off vouches for (`covers`)."""
        roles: list[str] = []
        signers: list[Signers] = []
        for role_node in self.sequence(node, "signoffs"):
            fields: dict[str, yaml.Node] | None = None
            if isinstance(role_node, yaml.MappingNode):
                fields = self.mapping(role_node, "signoff", ("role", "principals", "require_signature", "covers"),
                                      ("role",))
                role = self.text(fields["role"], "signoff role") if fields and "role" in fields else None
            else:
                role = self.text(role_node, "signoff role")
            if role is None:
                continue
            if role.casefold() in (existing.casefold() for existing in roles):
                self.error(role_node, f"signoffs: role {role!r} is listed twice")
                continue
            roles.append(role)
            if fields and ("principals" in fields or "require_signature" in fields or "covers" in fields):
                signers.append(self.signers(role, fields, groups))
        return tuple(roles), tuple(signers)

    def covers(self, role: str, node: yaml.Node, groups: tuple[Group, ...]) -> tuple[str, ...]:
        """`covers:`: the sections and phases a role's sign-off vouches for, each by its id or its title (in any case),
        resolved here to ids, so the run carries exactly what the role vouches for whatever a title says later."""
        before = len(self.errors)
        nodes = [node] if isinstance(node, yaml.ScalarNode) else self.sequence(node, f"{role}: covers")
        found: list[str] = []
        for each in nodes:
            name = self.text(each, f"{role}: covers")
            if name is None:
                continue
            matches = [group for group in groups if group.id == name] or \
                [group for group in groups if group.title.casefold() == name.strip().casefold()]
            if len(matches) > 1:
                self.error(each, f"{role}: covers {name!r} names {len(matches)} groups by title; give the id "
                                 f"({', '.join(group.id for group in matches)})")
            elif not matches:
                self.error(each, f"{role}: covers {name!r}, which is no section or phase of this checklist (by id "
                                 "or title)")
            elif matches[0].id in found:
                self.error(each, f"{role}: covers {name!r} twice")
            else:
                found.append(matches[0].id)
        if not nodes and len(self.errors) == before:
            self.error(node, f"{role}: covers names at least one section or phase; leave it out to vouch for all "
                             "readiness")
        return tuple(group.id for group in groups if group.id in found)

    def signers(self, role: str, fields: dict[str, yaml.Node], groups: tuple[Group, ...] = ()) -> Signers:
        principals: list[str] = []
        if "principals" in fields:
            for principal_node in self.sequence(fields["principals"], f"{role}: principals"):
                principal = self.text(principal_node, "principal", MAX_PRINCIPAL)
                if principal and any(ch.isspace() for ch in principal):
                    self.error(principal_node, f"{role}: a principal is one word, as in allowed_signers")
                elif principal:
                    principals.append(principal)
        required = False
        if "require_signature" in fields:
            node = fields["require_signature"]
            required = node.value in ("true", "True", "yes") if isinstance(node, yaml.ScalarNode) else False
            if not isinstance(node, yaml.ScalarNode) or node.value not in ("true", "false", "True", "False", "yes",
                                                                            "no"):
                self.error(node, f"{role}: require_signature is true or false")
        if required and not principals:
            self.error(fields["require_signature"], f"{role}: require_signature needs principals who may sign")
        covers = self.covers(role, fields["covers"], groups) if "covers" in fields else ()
        return Signers(role, tuple(principals), required, covers)

    def key_lines(self, node: yaml.Node, what: str, check) -> tuple[str, ...]:
        """`allowed_signers:` or `revoked_keys:`: a list of lines, or one block of text (`|`) with a line each, as
        OpenSSH's own files hold them (blank lines and `#` comments skipped there). Read as written, never cleaned:
        what ssh-keygen is given must be what was reviewed (core/signer_lines.py)."""
        if isinstance(node, yaml.ScalarNode) and self.visit(node):
            entries = [line for line in node.value.splitlines() if line.strip() and not line.lstrip().startswith("#")]
            nodes = [node] * len(entries)
        else:
            nodes = self.sequence(node, what)
            entries = [item.value if isinstance(item, yaml.ScalarNode) and self.visit(item) else None for item in nodes]
        if len(entries) > lines.MAX_LINES:
            self.error(node, f"{what}: at most {lines.MAX_LINES:,} lines")
            return ()
        found: list[str] = []
        for entry, entry_node in zip(entries, nodes):
            try:
                found.append(check(entry))
            except ValueError as error:
                self.error(entry_node, f"{what}: {error}")
        return tuple(found)

    def keys_cover(self, signers: tuple[Signers, ...], allowed: tuple[str, ...], top: dict[str, yaml.Node]) -> None:
        """A role that requires a key signature needs the checklist's own allowed signers: the keys that decide the
        verdict travel with the run, never from a reader's files. A principal no line names is said."""
        required = [rule.role for rule in signers if rule.required]
        if required and not allowed:
            self.error(top["signoffs"], f"{', '.join(required)}: require_signature needs the keys that may sign in "
                                        "the checklist's `allowed_signers:` (OpenSSH's allowed_signers lines)")
            return
        named = {pattern for line in allowed for pattern in lines.principals_of(line)}
        for rule in signers:
            unknown = [p for p in rule.principals if allowed and p not in named and not any(c in p for c in "*?!")]
            if unknown and named and not any(c in pattern for pattern in named for c in "*?!"):
                self.warn(top["signoffs"], f"{rule.role}: no line of allowed_signers names {', '.join(unknown)}: "
                                           "no key can sign for them")

    def contacts(self, node: yaml.Node) -> tuple[ContactRole, ...]:
        contacts: list[ContactRole] = []
        for contact_node in self.sequence(node, "contacts"):
            if isinstance(contact_node, yaml.ScalarNode):
                role = self.text(contact_node, "contact role")
                if role is not None:
                    contacts.append(ContactRole(role))
                continue
            fields = self.mapping(contact_node, "contact", ("role", "name", "phone", "email"), ("role",))
            if not fields or "role" not in fields:
                continue
            values = {
                key: (self.text(value, f"contact {key}") or "") if _has_text(value) else ""
                for key, value in fields.items()
            }
            if values["role"]:
                contacts.append(ContactRole(**values))
        roles = [contact.role.casefold() for contact in contacts]
        if len(set(roles)) != len(roles):
            self.error(node, "contacts: a role is listed twice")
        return tuple(contacts)


_CHECK_KEYS = {key: f"`{key}:` belongs under the item's `check:` (check: {{run: …, {key}: …}}), indented below it"
               for key in ("run", "timeout", "every")}


def _title_of(node: yaml.Node) -> str | None:
    """A group's title, read ahead so that every message about the group can name it."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == "title" and isinstance(value, yaml.ScalarNode):
                return value.value.strip() or None
    return None


def _has_text(node: yaml.Node) -> bool:
    return not (isinstance(node, yaml.ScalarNode) and node.tag == YAML_TAG + "null")
