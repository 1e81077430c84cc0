"""What each command does. Each imports what only it needs, so `status` (asked by pipelines) starts fast."""

from __future__ import annotations

import gc
import json
import sys
from pathlib import Path

from heypeter_tui.context import Context
from heypeter_tui.core.clock import format_full, parse_iso
from heypeter_tui.core.errors import UserError
from heypeter_tui.core.rules import gate, overall_progress
from heypeter_tui.core.text import clean_line, count

TYPE_CHECKING = False  # typing and argparse's types are not needed at run time
if TYPE_CHECKING:
    from argparse import Namespace
    from collections.abc import Iterable, Iterator

PROG = "heypeter-tui"
SCHEMA_PATH = Path(__file__).parent.parent / "checklist.schema.json"
GATE_REASONS_SHOWN = 10
NEXT_SHOWN = 10


def cmd_dashboard(context: Context, args: Namespace) -> int:
    session = context.current_session(args.checklist)
    from heypeter_tui.ui.app import HeyPeterApp  # only the dashboard pays for Textual
    from heypeter_tui.ui.terminal import tolerate_malformed_input

    tolerate_malformed_input()
    app = HeyPeterApp(context, session, theme=args.theme)
    # Textual's modules, the run and the checklist live as long as the app: frozen, the collector
    # never walks them again. Unfrozen, a full collection of them landed in the first frame (20 ms).
    gc.freeze()
    gc.enable()
    from heypeter_tui.cli.crash import run_dashboard

    return run_dashboard(app, context)  # 70 and a crash file where anything escaped: never 0 after a crash


def cmd_new(context: Context, args: Namespace) -> int:
    from heypeter_tui.core.clock import parse_when

    t0 = None
    if args.t0:
        try:
            t0 = parse_when(args.t0, context.clock())
        except ValueError as error:
            raise UserError(f"--t0: {error}") from error
    made = context.new_run(args.title, args.checklist, t0)
    print(f"created run {made.run_id} (now current)")
    if made.carry_note():  # on stderr: stdout stays the one line a script reads the id from
        print(made.carry_note(), file=sys.stderr)
    return 0


def cmd_runs(context: Context, args: Namespace) -> int:
    from heypeter_tui.core.runs_index import summarize_runs

    summaries, problems = summarize_runs(context.workspace)
    for problem in problems:
        print(f"{PROG}: warning: {problem}", file=sys.stderr)
    if not summaries:
        print("no runs yet; `heypeter-tui new TITLE` starts one")
        return 0
    made_by = any(run.created_by for run in summaries)  # a database run: who made it, as the server stamped it
    rows = [("", "RUN", "TITLE", "CHECKLIST", "CREATED", "PROGRESS", "T-0") + (("BY",) if made_by else ())]
    rows += [
        ("*" if run.current else "", run.id,
         clean_line(run.title + (f" (made as {run.made_as!r})" if run.made_as else "")),
         run.checklist, run.created, run.progress, run.t0)
        + ((clean_line(run.created_by),) if made_by else ())
        for run in reversed(summaries)
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
    return 0


def cmd_open(context: Context, args: Namespace) -> int:
    run_id = context.workspace.resolve(args.reference)
    context.workspace.set_current(run_id)
    print(f"current run: {run_id}")
    return 0


def cmd_status(context: Context, args: Namespace) -> int:
    session = context.existing_session(args.checklist)
    state = session.state
    owned = _owned(context, state, args.owner) if args.owner else None  # an unknown owner: said before anything
    verdict = gate(state)
    progress = overall_progress(state)
    if args.json:
        from heypeter_tui.core.rules import summary

        data = summary(state)
        if owned is not None:
            data["owner"] = {"name": owned[0], "open_items": [entry.to_dict() for entry in owned[1]]}
        print(json_text(data))
    else:
        # One line each: a title or reason holding a line break must not print a line of its own
        # (`verdict: GO` under a NO-GO). The stream removes escapes; clean_line folds the breaks.

        print(f"{clean_line(state.title)} ({state.run_id})")
        print(f"checklist: {clean_line(state.checklist.title)} [{state.checklist.id}]")
        if state.t0:
            print(f"T-0: {format_full(parse_iso(state.t0))}")
        print(f"progress: {progress} complete, {progress.blocked} blocked")
        print(f"verdict: {verdict.verdict}")
        shown = len(verdict.reasons) if args.all else GATE_REASONS_SHOWN
        for reason in verdict.reasons[:shown]:
            print(f"  - {clean_line(reason)}")
        if len(verdict.reasons) > shown:
            print(f"  … and {count(len(verdict.reasons) - shown, 'more reason')} (--all lists every one)")
        if owned is not None:
            owner, entries = owned
            print(clean_line(f"{count(len(entries), 'open item')} owned by {owner}"))
            _print_next(entries, context.clock(), args.all, indent="  ")
    _warn_problems(session)
    return (0 if verdict.go else 1) if args.gate else 0


def cmd_next(context: Context, args: Namespace) -> int:
    session = context.existing_session(args.checklist)  # read-only: never a writer, never a new run
    state = session.state
    if args.owner:
        owner, entries = _owned(context, state, args.owner)
    else:
        from heypeter_tui.core.next_items import next_items

        owner, entries = None, next_items(state, context.clock())
    if args.json:  # every one, as status --json gives every reason: a script needs no screenful
        print(json_text([entry.to_dict() for entry in entries]))
    elif not entries:
        print(clean_line(f"no open items owned by {owner}" if owner else "no open items"))
    else:
        _print_next(entries, context.clock(), args.all)
    _warn_problems(session)
    return 0


def _owned(context: Context, state, reference: str):
    """The owner `reference` names (UserError, one line, if none) and every open item it answers for."""
    from heypeter_tui.core.next_items import find_owner, next_items

    owner = find_owner(state.checklist, reference)
    return owner, next_items(state, context.clock(), owner)


def _print_next(entries, now, every: bool, indent: str = "") -> None:
    """One line each: when (OVERDUE, its due time, T-2h while no T-0 is set, or `no due`), group / text, [owner].
    Checklist text is data: each part is cleaned to one line, so no text can start a line of its own."""
    from heypeter_tui.core.clock import format_local
    from heypeter_tui.core.record_text import offset

    shown = entries if every else entries[:NEXT_SHOWN]

    def when(entry) -> str:
        if entry.overdue:
            return "OVERDUE"
        if entry.due is not None:
            return format_local(entry.due, now)
        return offset(entry.offset) if entry.offset is not None else "no due"

    times = [when(entry) for entry in shown]
    width = max(map(len, times), default=0)
    for moment, entry in zip(times, shown):
        blocked = " (blocked)" if entry.status == "blocked" else ""
        owner = f"  [{clean_line(entry.owner)}]" if entry.owner else ""
        print(f"{indent}{moment.ljust(width)}  {clean_line(entry.group)} / {clean_line(entry.text)}{blocked}{owner}")
    if len(entries) > len(shown):
        print(f"{indent}… and {count(len(entries) - len(shown), 'more open item')} (--all lists every one)")


def _writing(context: Context, args: Namespace):
    """The run a change goes into, its damaged lines said first (a writer also sets torn ones aside)."""
    session = context.existing_session(args.checklist, writer=True)
    _warn_problems(session)
    return session


def _warn_problems(session) -> None:
    """Lines of the log that are not part of the run: said on stderr, so a pipeline's log shows them."""
    for problem in session.problems:
        print(f"{PROG}: warning: {problem}", file=sys.stderr)


def json_text(data: object) -> str:
    """JSON whose text cannot act on a terminal: controls, C1, bidi overrides and line separators are
    written as \\u escapes (valid JSON, and the same data once parsed)."""
    return _terminal_safe(json.dumps(data, indent=2, ensure_ascii=False))


def _terminal_safe(text: str) -> str:
    """`json_text`'s escapes, for JSON text (whole or a piece of it: each character is judged alone)."""
    import re

    unsafe = r"[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
    return re.sub(unsafe, lambda m: f"\\u{ord(m[0]):04x}", text)


def cmd_mark(context: Context, args: Namespace) -> int:
    """With `--if-status S`, only where the item is S, checked and written as one step: the append must follow the
    line the check read (as a key signature's), or it is read and checked again. Not S: one line, exit 1 (the
    command was right, the run was not as required), where exit 2 is a command that was wrong."""
    from heypeter_tui.core import commands
    from heypeter_tui.core.run import LABELS
    from heypeter_tui.core.staleness import stale_roles
    from heypeter_tui.core.store import ANYWHERE, HeadMoved

    session = _writing(context, args)
    expected = commands.parse_status(args.if_status) if args.if_status is not None else None
    for attempt in range(1, SIGN_TRIES + 1):
        key = commands.find_item(session.state, args.item)
        if expected is not None and session.state.item(key).status != expected:
            print(clean_line(f"{PROG}: {key} is not {LABELS[expected]}: {commands.last_change(session.state, key)}; "
                             "nothing was changed"), file=sys.stderr)
            return 1
        change = commands.set_status(session.state, key, commands.parse_status(args.status), args.reason,
                                     args.override)
        note = commands.add_note(session.state, key, args.note) if args.note is not None else None
        fresh = [role for role in session.state.signoffs if role not in stale_roles(session.state)]
        try:  # with its note: all or nothing
            session.record(change, *([note] if note else []),
                           after=ANYWHERE if expected is None else session.store.chain.head)
            break
        except HeadMoved as moved:
            if attempt == SIGN_TRIES:
                raise UserError("the run kept changing while --if-status was checked; nothing was changed") from moved
            session.refresh()  # someone else's change came first: check the item as it is now
    print(f"{key}: {session.state.item(key).status}")
    # Judged on the log as it is now, others' changes included: what this command's change left stale.
    made_stale = [role for role in fresh if role in stale_roles(session.state)]
    if made_stale:
        print(clean_line(f"{PROG}: this made {count(len(made_stale), 'sign-off')} stale ({', '.join(made_stale)}); "
                         "they must sign again for GO"), file=sys.stderr)
    return 0


def cmd_sign(context: Context, args: Namespace) -> int:
    from heypeter_tui.core import commands
    from heypeter_tui.core.store import HeadMoved

    session = _writing(context, args)
    for attempt in range(1, SIGN_TRIES + 1):
        change = commands.sign(session.state, args.role, args.name, args.signature)
        earlier = session.state.signoffs.get(change.data["role"])
        if args.ssh_key is None:
            session.record(change)
            break
        change, head = _key_signed(session, change, args.ssh_key)
        try:  # a key signature vouches for the line it sits after: only there, or not at all
            session.record(change, after=head)
            break
        except HeadMoved:
            if attempt == SIGN_TRIES:
                raise
            session.refresh()  # someone else's change came first: sign what is there now
    open_items = change.data["open_items"]
    warning = f" ({count(open_items, 'readiness item')} still open)" if open_items else ""
    replaced = f"; replaces {earlier.name}'s sign-off of {format_full(parse_iso(earlier.at))}" if earlier else ""
    key = f" with {change.data['ssh_key_type']} {change.data['ssh_fingerprint']}" if args.ssh_key else ""
    print(clean_line(f"{change.data['role']} signed by {change.data['name']}{key}{warning}{replaced}"))
    signers = session.state.checklist.signers_of(change.data["role"])
    if signers is not None and signers.required and change.data["role"] not in session.state.verified:
        why = next((check.said for check in session.signature_checks() if check.role == change.data["role"]), "")
        print(clean_line(f"warning: {change.data['role']} counts only signed with a key of "
                         f"{', '.join(signers.principals)} that verifies against the run's allowed signers"
                         f"{': ' + why if why else ''}; the gate stays NO-GO"), file=sys.stderr)
    return 0


SIGN_TRIES = 3
"""Signing again where others' changes keep coming first: each try signs the log as it is then."""


def _key_signed(session, change, key: Path):
    """The sign-off signed with an SSH key (core/ssh_signatures.py) over the run, role, name, the readiness its signer
    sees, the log's chain head and the time; the signature and what it covers go into the event. Returns the change
    and the head it signed: it must be recorded right after that line."""
    from heypeter_tui.core import commands
    from heypeter_tui.core import ssh_signatures as ssh
    from heypeter_tui.core.clock import to_iso

    at, head = to_iso(session.clock()), session.store.chain.head
    data = change.data
    signed = ssh.sign(ssh.payload(session.state.run_id, data["role"], data["name"], data["readiness"], head, at),
                      key.expanduser())
    return commands.key_signed(change, signed.signature, signed.key_type, signed.fingerprint, head, at), head


def cmd_revoke(context: Context, args: Namespace) -> int:
    from heypeter_tui.core import commands

    session = _writing(context, args)
    change = commands.revoke(session.state, args.role, args.reason)
    session.record(change)
    print(f"{change.data['role']} sign-off revoked")
    return 0


def cmd_timer(context: Context, args: Namespace) -> int:
    from heypeter_tui.core import commands

    session = _writing(context, args)
    key = commands.find_item(session.state, args.item)
    session.record(commands.timer(session.state, key, args.action))
    print(f"{key}: timer {'started' if args.action == 'start' else 'stopped'}")
    return 0


def cmd_export(context: Context, args: Namespace) -> int:
    from heypeter_tui.core.report import json_chunks, markdown_lines

    session = context.existing_session(args.checklist)
    state, integrity = session.state, session.integrity()
    now = context.clock()  # the record judges overdue phases as of the export: the context's clock, injectable
    if args.format == "json":  # written as it is read: a run's length is not the export's memory
        from itertools import chain

        chunks = (_terminal_safe(chunk) for chunk in _batched(chain(json_chunks(state, integrity, now=now), ["\n"])))
    else:
        lines = markdown_lines(state, integrity, now=now, ids=args.ids, verdicts=session.line_checks())
        chunks = _batched(piece for line in lines for piece in (line, "\n"))
    _warn_problems(session)
    if _is_stdout(args.output):
        _spooled_to_stdout(chunks)
    else:
        _write_private_file(args.output, chunks)
        print(f"wrote {_shown(args.output)}", file=sys.stderr)
    return 0


def _spooled_to_stdout(chunks: Iterable[str]) -> None:
    """The record to standard output only once all of it was read and checked: kept meanwhile in a file of no name
    (0600, gone when closed), so a log changed while it is read sends nothing, as `-o` writes nothing."""
    import tempfile

    with tempfile.TemporaryFile("w+", encoding="utf-8", errors="surrogatepass") as spool:
        for chunk in chunks:
            spool.write(chunk)
        spool.seek(0)
        while piece := spool.read(1 << 16):
            sys.stdout.write(piece)  # cleaned on its way out, as every line this program prints


def _batched(pieces: Iterable[str], size: int = 1 << 16) -> Iterator[str]:
    """Small pieces of text joined into pieces of about `size` characters: each is cleaned and written once."""
    held: list[str] = []
    length = 0
    for piece in pieces:
        held.append(piece)
        length += len(piece)
        if length >= size:
            yield "".join(held)
            held, length = [], 0
    yield "".join(held)


def _shown(path: Path) -> str:
    """A path as typed, or quoted with its escapes visible where it holds what the terminal would act on."""
    text = str(path)
    return text if text.isprintable() else ascii(text)


def _is_stdout(output: Path | None) -> bool:
    """`-`, no -o at all, or /dev/stdout by name (which, with stdout sent to a file, is a link to that file)."""
    return output is None or str(output) in ("-", "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1")


def cmd_validate(context: Context, args: Namespace) -> int:
    from heypeter_tui.core.loader import validate_file

    validation = validate_file(args.file)
    for problem in validation.errors:
        print(f"error: {problem}", file=sys.stderr)
    for problem in validation.warnings:
        print(f"warning: {problem}", file=sys.stderr)
    if validation.errors or validation.checklist is None:
        return 2
    checklist = validation.checklist
    print(
        f"{args.file}: valid: {checklist.title} [{checklist.id}], {count(len(checklist.sections), 'section')}, "
        f"{count(len(checklist.phases), 'phase')}, {count(checklist.item_count, 'item')}"
    )
    return 0


def cmd_import_md(context: Context, args: Namespace) -> int:
    from heypeter_tui.core.loader import validate_text
    from heypeter_tui.core.markdown import import_markdown_file

    imported = import_markdown_file(args.file)
    text = imported.to_yaml(args.file.name)
    validation = validate_text(text, str(args.output or "<import>"))
    if validation.errors:  # the importer's own output must always validate
        raise UserError(f"{args.file}: could not be made into a valid checklist: {validation.errors[0].message}")
    checklist = validation.checklist
    summary = (
        f"{_shown(args.file)}: {count(imported.task_lines, 'task line')} -> "
        f"{count(len(checklist.sections), 'section')}, {count(len(checklist.phases), 'phase')}, "
        f"{count(checklist.item_count, 'item')}, "
        f"{count(len(checklist.signoffs), 'sign-off role')}, {count(len(checklist.contacts), 'contact role')}"
    )
    if _is_stdout(args.output):
        sys.stdout.write(text)
    else:
        _write_private_file(args.output, text)
        summary += f"; wrote {_shown(args.output)}"
    # What the import made of the file, for a person to check before the first run: on stderr, like the count,
    # so that `import-md x.md > x.yaml` still writes the YAML alone. Each line is cleaned by `review`.
    print("\n".join([summary, *(f"  {line}" for line in imported.review())]), file=sys.stderr)
    for problem in validation.warnings:
        print(f"{PROG}: warning: {problem}", file=sys.stderr)
    return 0


def cmd_schema(context: Context, args: Namespace) -> int:
    sys.stdout.write(SCHEMA_PATH.read_text(encoding="utf-8"))
    return 0


def cmd_checklists(context: Context, args: Namespace) -> int:
    from heypeter_tui.core.loader import validate_file

    for path in context.available_checklists().values():
        validation = validate_file(path)
        checklist = validation.checklist
        if checklist is None:
            print(f"{path.stem}\t(invalid: {validation.errors[0]})\t{path}")
        else:
            print(f"{checklist.id}\t{clean_line(checklist.title)} ({count(checklist.item_count, 'item')})\t{path}")
    for path, why in context.refused_checklists():  # another user's word: named, never read
        print(f"{clean_line(path.stem)}\t(refused: {clean_line(why)})\t{clean_line(str(path))}")
    for checklist_id, paths in context.shared_ids().items():  # `--checklist ID` refuses to guess between them
        print(f"{PROG}: warning: {len(paths)} files share checklist id {checklist_id!r}: "
              f"{', '.join(clean_line(str(path)) for path in paths)}; `--checklist {checklist_id}` refuses to guess "
              "(give a path, or give one of them another id)", file=sys.stderr)
    return 0


def cmd_paths(context: Context, args: Namespace) -> int:
    from heypeter_tui.core.workspace import Workspace

    current = context.workspace.current_id()
    if context.home is not None:
        print(f"home\t{clean_line(str(context.home))}")
    print(f"config\t{context.config_dir / 'config.yaml'}")
    print(f"checklists\t{context.config_dir / 'checklists'}")
    print(f"themes\t{context.config_dir / 'themes'}")
    workspace = context.workspace
    if isinstance(workspace, Workspace):
        print(f"state\t{workspace.state_dir}")
        print(f"runs\t{workspace.runs_dir}")
    else:  # a database: the runs are there, which is current is remembered here
        print(f"store\t{workspace.where('')}")
        print(f"current-run pointer\t{workspace.pointer_dir / 'current'}")
    if current:
        print(f"current\t{workspace.where(current)}")
    return 0


def _write_private_file(path: Path, text: str | Iterable[str]) -> None:
    """Exports and imports are written whole or not at all, 0600: they hold contacts. `text` may come in pieces, each
    written as it comes (a temporary file renamed into place only once all of it is there)."""
    from heypeter_tui.core.paths import describe_os_error, write_private_file

    data = text.encode("utf-8") if isinstance(text, str) else (piece.encode("utf-8") for piece in text)
    try:
        write_private_file(path, data, stream=True)
    except OSError as error:
        error.filename = None
        raise UserError(f"{path}: cannot write: {describe_os_error(error)}") from error
