"""`store init` and `store copy`: setting up a database for runs, and moving a run between stores."""

from __future__ import annotations

import sys

from heypeter_tui.context import Context
from heypeter_tui.core.errors import UserError
from heypeter_tui.core.store_choice import choose
from heypeter_tui.core.text import count

TYPE_CHECKING = False
if TYPE_CHECKING:
    from argparse import Namespace


def cmd_store(context: Context, args: Namespace) -> int:
    if args.action == "init":
        if args.run is not None or args.to is not None:
            raise UserError("store init takes no run and no --to; it sets up the store --store names")
        return _init(context)
    if args.run is None or args.to is None:
        raise UserError("store copy needs the run and where to: `heypeter-tui store copy RUN --to URL|DIR`")
    return _copy(context, args.run, args.to)


def _init(context: Context) -> int:
    choice = context.store_choice
    if choice is None or not choice.is_postgres:
        raise UserError("store init sets up a PostgreSQL store: name it with --store postgresql://… (or "
                        "$HEYPETER_TUI_STORE); the file store needs no setting up")
    from heypeter_tui.core import pg_schema
    from heypeter_tui.core.pg_store import Database

    db = Database(choice, checked=False)  # the tables may not be there yet: that is what init is for
    try:
        before, after = db.run(lambda conn: pg_schema.init(conn, db.shown))
    finally:
        db.close()
    if before == after:
        print(f"{db.shown}: the tables are at version {after} already; nothing to do")
    elif before == 0:
        print(f"{db.shown}: created the heypeter-tui tables (version {after})")
    else:
        print(f"{db.shown}: upgraded the tables from version {before} to {after}")
    return 0


def _copy(context: Context, reference: str, to: str) -> int:
    from heypeter_tui.core.store_copy import copy_run

    target_choice = choose(to, None, None)
    source = context.workspace
    run_id = source.resolve(reference)
    target = context.open_store(target_choice)
    copied = copy_run(source, run_id, target, context.witness_path(run_id))
    for line in copied.not_copied:
        print(f"not copied: {line}", file=sys.stderr)
    shown = target_choice.shown if target_choice else to
    if copied.added == 0:
        print(f"{run_id}: {shown} holds all of it already ({count(copied.present, 'event')}); nothing copied")
    else:
        made = "made the run and " if copied.created else ""
        there = f" ({count(copied.present, 'event')} there already)" if copied.present else ""
        print(f"{run_id}: {made}copied {count(copied.added, 'event')} to {shown}{there}")
    return 0
