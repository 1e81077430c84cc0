"""`verify`: re-walk a run's hash chain (core/chain.py), and find a record by its chain head.

Exit 0: the chain is intact (and the record named by --digest is held unchanged); 1: a link is broken, or the run
does not hold that record; 2: bad input.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from heypeter_tui.context import Context
from heypeter_tui.core.errors import UserError
from heypeter_tui.core.text import clean_line, count

TYPE_CHECKING = False
if TYPE_CHECKING:
    from argparse import Namespace

_DIGEST = re.compile(r"(?:sha256[ :])?([0-9a-f]{64})")


def cmd_verify(context: Context, args: Namespace) -> int:
    if args.acknowledge is not None:
        return _acknowledge(context, args)
    if args.reason is not None:
        raise UserError("--reason goes with --acknowledge LINE")
    digest = _digest(args.digest) if args.digest is not None else None
    allowed = args.allowed_signers
    if allowed is not None and not allowed.expanduser().is_file():  # said before anything else is printed
        raise UserError(f"--allowed-signers: {allowed} is not a file (OpenSSH's allowed signers format)")
    context.whole_reads = True  # verify walks every line: it never resumes from a checkpoint
    session = context.existing_session(args.checklist)
    store, run_id = session.store, session.store.opened_id
    chain = store.chain
    for problem in session.problems:
        print(f"warning: {problem}", file=sys.stderr)
    lines = f"{count(chain.head_line, 'line')}" if chain.head_line else "nothing"
    if chain.broken is not None:
        from heypeter_tui.core.acknowledge import said, unacknowledged

        for found in chain.breaks:  # every break, each with its acknowledgement where someone looked
            print(clean_line(f"{run_id}: chain broken at {said(found, session.state)}"))
        if chain.more_breaks:
            print(f"{run_id}: and {count(chain.more_breaks, 'more broken link')}")
        left = unacknowledged(chain, session.state)
        if not left:
            print(f"{run_id}: every break acknowledged: the gate may pass; the breaks stay in the record")
        code = 1
    else:
        print(f"{run_id}: {chain.describe() or 'chain intact (only its first event)'}; {lines} read; head sha256 "
              f"{chain.head}")
        code = 0
    from heypeter_tui.core.witness import judge

    if session.state.run_id != run_id:
        print(f"{run_id}: line 1 names another run ({session.state.run_id!r}): it was changed")
        code = 1
    seen = judge(context.witness_path(run_id), chain)
    if seen is not None:
        print(f"{run_id}: {seen} (this host's witness of the chain)")
        code = 1
    code = max(code, _misplaced(session), _signoffs(context, session, args.allowed_signers))
    if digest is not None:
        line = chain.heads.get(digest)
        if line is not None and chain.broken is not None and chain.broken.line <= line:
            print(f"{run_id}: holds the line of chain head {digest} (line {line}), but the chain breaks before it "
                  f"(at line {chain.broken.line}): the record is not held unchanged")
            return 1
        if line is None:
            print(f"{run_id}: holds no record with chain head {digest}: a line up to it was changed or removed, "
                  "or the record is of another run")
            return 1
        after = chain.head_line - line
        print(f"{run_id}: holds the record with chain head {digest} unchanged (up to line {line}; "
              f"{count(after, 'line')} after it)")
    return code


def _signoffs(context: Context, session, allowed: Path | None) -> int:
    """Who signed each role, and whether each key signature verifies against the run's own keys: 1 where one does
    not. The reader's own allowed signers file (--allowed-signers, config.yaml) is a second opinion, said beside."""
    from heypeter_tui.core.signoff_check import check_signoffs

    allowed = allowed or context.allowed_signers  # config.yaml's, only when it is this user's own file
    code = 0
    for check in check_signoffs(session.state, session.store.chain, allowed):
        verdict = "" if not check.key_signed else ("verified" if check.ok else "NOT VERIFIED")
        second = f" ({check.second})" if check.second else ""
        print(clean_line(f"{check.role}: {check.name}: {check.said}" + (f": {verdict}" if verdict else "") + second))
        if check.key_signed and not check.ok:
            code = 1
    return code


def _acknowledge(context: Context, args: Namespace) -> int:
    """`verify --acknowledge LINE --reason R`: who looked at the break at LINE, and why, recorded in the run."""
    from heypeter_tui.core.acknowledge import acknowledge, unacknowledged

    if not args.reason:
        raise UserError("--acknowledge needs --reason: who looked, and what they found")
    session = context.existing_session(args.checklist, writer=True)
    change = acknowledge(session.store.chain, args.acknowledge, args.reason)
    session.record(change)
    print(clean_line(f"{session.store.opened_id}: the break at line {args.acknowledge} acknowledged by "
                     f"{session.actor.operator}: {change.data['reason']}"))
    left = unacknowledged(session.store.chain, session.state)
    if left:
        print(clean_line(f"{session.store.opened_id}: still unacknowledged: line "
                         f"{', '.join(str(found.line) for found in left[:10])}"), file=sys.stderr)
    return 0


def _misplaced(session) -> int:
    """Key-signed sign-offs whose signature vouches for another place in the chain than their own line: a sign line
    replayed or moved. None counts (core/run.py); each is said, and verify fails: someone appended a copy."""
    from heypeter_tui.core import events as ev
    from heypeter_tui.core.run import misplaced

    chain, code = session.store.chain, 0
    for event in session.state.events:
        if event.type == ev.SIGNOFF_SIGN and misplaced(event):
            line = event.link_broken or (chain.heads.get(event.get("prev"), -1) + 1)
            where = f"line {line}" if line > 0 else f"event {event.id}"
            print(clean_line(f"{session.store.opened_id}: {where}: a key-signed sign-off of {event.get('role')} "
                             f"({event.get('name')}) not at the place it signed: replayed or moved; not counted"))
            code = 1
    return code


def _digest(text: str) -> str:
    found = _DIGEST.fullmatch(text.strip().lower())
    if found is None:
        raise UserError("--digest: a chain head is 64 hex digits (the record's 'Chain head', 'sha256 …')")
    return found.group(1)
