"""`check` and `trust`: run items' commands from a pipeline, and trust a checklist's commands first.

`check` exit codes: 0 every check passed, 1 any failed (or timed out), 2 bad input or an untrusted checklist
(nothing run), 130 interrupted (the command killed, and its cancel recorded).
"""

from __future__ import annotations

import codecs
import contextlib
import signal
import sys
import threading

from heypeter_tui.context import Context
from heypeter_tui.core.errors import UserError
from heypeter_tui.core.text import clean_line, count

TYPE_CHECKING = False
if TYPE_CHECKING:
    from argparse import Namespace

STREAM_FLUSH = 64 * 1024
"""A line longer than this is written out unfinished: memory stays bounded whatever a command prints."""


def cmd_check(context: Context, args: Namespace) -> int:
    from heypeter_tui.core import commands
    from heypeter_tui.core.check_runner import run_check
    from heypeter_tui.core.checks import checks_of
    from heypeter_tui.core.clock import to_iso
    from heypeter_tui.core.trust import content_digest, require_trust

    if sum(bool(x) for x in (args.item, args.section, args.all)) != 1:
        raise UserError("check needs one of: an ITEM, --section SECTION or --all")
    session = context.existing_session(args.checklist, writer=True)
    for problem in session.problems:
        print(f"heypeter-tui: warning: {problem}", file=sys.stderr)
    state = session.state
    if state.read_only:
        raise UserError(f"{state.read_only}; nothing was run")
    keys = _keys(state, args, commands.find_item, checks_of)
    require_trust(context.config_dir, state.checklist)
    # What runs is what was trusted: the commands are taken now, from the checklist just judged, never read again
    # from the run (whose log another writer could replace between two checks).
    trusted, jobs = content_digest(state.checklist), [(key, state.checklist.items_by_key[key][1].check)
                                                      for key in keys]
    failed = 0
    # Ctrl-C, a pipeline's SIGTERM and a lost terminal's SIGHUP cancel the check, never raise where they land: one
    # landing while subprocess.Popen waits for the exec would leave the command running, unwatched and unrecorded.
    cancel = threading.Event()
    previous = {number: signal.signal(number, lambda *_: cancel.set())
                for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT)}
    try:
        for key, check in jobs:
            if cancel.is_set():
                raise KeyboardInterrupt
            if content_digest(session.state.checklist) != trusted:
                raise UserError("the run's checklist changed while its checks ran (its log replaced?): stopped, "
                                "nothing more was run; `heypeter-tui trust` shows what it holds now")
            if not args.quiet:
                _say(clean_line(f"check {key}: $ {_first_line(check.run)}"))
            stream = None if args.quiet else _Stream(context.hidden)
            result = run_check(check, context.environment, to_iso(session.clock()), session.actor.host, cancel,
                               stream, context.hidden)
            failed += not result.passed
            _record(session, key, result, commands)
            if cancel.is_set():
                raise KeyboardInterrupt  # recorded as cancelled: exit 130
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
    if len(keys) > 1:
        _say(f"{count(len(keys) - failed, 'check')} passed, {failed} failed")
    return 1 if failed else 0


def _say(text: str, error: bool = False) -> None:
    """A line for the pipeline's log. Its reader gone (`check --all | head -2`) stops nothing: every check still
    runs and is recorded, and the exit status still says whether they passed."""
    with contextlib.suppress(OSError, ValueError):  # a pipe closed, /dev/full: the log's loss, not the checks'
        print(text, file=sys.stderr if error else sys.stdout, flush=True)


def _keys(state, args: Namespace, find_item, checks_of) -> list[str]:
    checklist = state.checklist
    if args.item:
        key = find_item(state, args.item)
        if checklist.items_by_key[key][1].check is None:
            having = [each for each, _ in checks_of(checklist)]
            listed = ", ".join(having[:10]) + (f" and {len(having) - 10} more" if len(having) > 10 else "")
            raise UserError(f"{key} has no check" + (f"; the items with one: {listed}" if having else
                                                     f"; checklist {checklist.id!r} has none"))
        return [key]
    if args.section:
        group = _group(checklist, args.section)
        keys = [key for key, _ in checks_of(checklist, group.id)]
        if not keys:
            raise UserError(f"{group.title} ({group.id}) has no items with a check")
        return keys
    keys = [key for key, _ in checks_of(checklist)]
    if not keys:
        raise UserError(f"checklist {checklist.id!r} has no items with a check")
    return keys


def _group(checklist, reference: str):
    """A section or phase by id or title, or a section by its number as the dashboard's keys give it (0: 10)."""
    wanted = reference.strip().casefold()
    for group in checklist.groups:
        if wanted in (group.id.casefold(), group.title.casefold()):
            return group
    plain = wanted.isascii() and wanted.isdigit() and len(wanted) < 4  # `²` and `١` are digits to str, not to a user
    number = 10 if wanted == "0" else int(wanted) if plain else 0
    if 1 <= number <= len(checklist.sections):
        return checklist.sections[number - 1]
    names = ", ".join(group.id for group in checklist.groups)
    raise UserError(f"no section or phase {reference[:80]!r}; they are: {names}")


def _first_line(command: str) -> str:
    from heypeter_tui.core.checks import visible

    lines = visible(command).split("\n")
    return lines[0] + (f"  (and {count(len(lines) - 1, 'more line')})" if len(lines) > 1 else "")


def _record(session, key: str, result, commands) -> None:
    from heypeter_tui.core.checks import OUTPUT_KEPT, duration_text, outcome_line
    from heypeter_tui.core.staleness import stale_roles

    changes, held = commands.checked(session.state, key, result)
    fresh = [role for role in session.state.signoffs if role not in stale_roles(session.state)]
    try:
        session.record(*changes)
    except (UserError, OSError) as error:  # the command ran: what it found is said, with why it is not recorded
        from heypeter_tui.core.paths import describe_os_error

        why = describe_os_error(error) if isinstance(error, OSError) else str(error)
        raise UserError(f"{key}: {outcome_line(result.to_data(key))}, but NOT recorded: {why}") from error
    marked = "; marked done" if len(changes) > 1 else ""
    size = f"; {result.output_bytes:,} bytes of output, the last {OUTPUT_KEPT // 1024} KiB kept" \
        if result.output_bytes > OUTPUT_KEPT else ""
    _say(clean_line(f"{key}: {outcome_line(result.to_data(key))} in {duration_text(result.duration_ms)}"
                    f"{marked}{size}"))
    if held:
        _say(clean_line(f"heypeter-tui: {key}: passed, {held}"), error=True)
    made_stale = [role for role in fresh if role in stale_roles(session.state)]
    if made_stale:
        _say(clean_line(f"heypeter-tui: this made {count(len(made_stale), 'sign-off')} stale "
                        f"({', '.join(made_stale)}); they must sign again for GO"), error=True)


class _Stream:
    """A check's output as it comes, line by line, through the CLI's cleaning stream (cli/__init__.py): a chunk
    that ends inside a character or an escape sequence waits for the rest. Each line is redacted as the log's copy
    is (core/redaction.py): a pipeline's log keeps no secret either; a line written out unfinished keeps back what
    could be the start of one."""

    def __init__(self, hidden) -> None:
        self.decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self.hidden = hidden
        self.pending = ""
        self.gone = False

    def __call__(self, tail, chunk: bytes) -> None:
        self.pending += self.decoder.decode(chunk, final=not chunk)
        end = self.pending.rfind("\n") + 1
        if not chunk:
            end = len(self.pending)
        elif len(self.pending) > STREAM_FLUSH:
            end = len(self.pending) - self.hidden.longest
        if end and not self.gone:
            text, self.pending = self.hidden.text(self.pending[:end]), self.pending[end:]
            try:
                sys.stdout.write(text if text.endswith("\n") else text + "\n")
                sys.stdout.flush()
            except (OSError, ValueError):  # the reader is gone (or the disk full): the check runs on, and is recorded
                self.gone = True
        elif self.gone:
            self.pending = ""


def cmd_trust(context: Context, args: Namespace) -> int:
    from heypeter_tui.core.checks import checks_of
    from heypeter_tui.core.clock import to_iso
    from heypeter_tui.core.trust import (
        change_summary,
        content_digest,
        is_trusted,
        previous_trust,
        review_lines,
        trust,
        trust_path,
    )

    session = context.existing_session(args.checklist)
    checklist = session.state.checklist
    checks = checks_of(checklist)
    if not checks:
        print(clean_line(f"checklist {checklist.id!r} has no commands: nothing to trust"))
        return 0
    digest = content_digest(checklist)
    actor = context.actor
    print(clean_line(f"Checklist {checklist.id} ({checklist.title}), run {session.state.run_id}"))
    print(f"content sha256 {digest}")
    print(clean_line(f"{count(len(checks), 'command')}, each run by /bin/sh -c as {actor.user} on {actor.host} "
                     "when its item is checked:"))
    previous = None if is_trusted(context.config_dir, checklist) else previous_trust(context.config_dir, checklist)
    if previous is not None:
        print(change_summary(previous, checklist))
    for line in review_lines(checklist, previous):
        print(line)  # `visible` already: every control spelled out
    if is_trusted(context.config_dir, checklist):
        print(f"already trusted here ({trust_path(context.config_dir, digest)})")
        return 0
    if not args.yes:
        if not sys.stdin.isatty():
            raise UserError("not asked: standard input is not a terminal; review the commands above, then run "
                            "`heypeter-tui trust --yes`")
        try:
            answer = input(f"Trust these {count(len(checks), 'command')}? [y/N] ")
        except EOFError:
            answer = ""
        if answer.strip().lower() not in ("y", "yes"):
            print("not trusted: none of them will run")
            return 1
    path = trust(context.config_dir, checklist, f"{actor.user}@{actor.host}", to_iso(context.clock()))
    print(f"trusted: these commands may run here (kept in {path})")
    return 0
