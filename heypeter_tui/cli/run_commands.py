"""Commands that change a run's own details rather than an item: its title, its emergency contacts."""

from __future__ import annotations

from heypeter_tui.cli.commands import _writing
from heypeter_tui.context import Context
from heypeter_tui.core.errors import UserError
from heypeter_tui.core.text import clean_line

TYPE_CHECKING = False
if TYPE_CHECKING:
    from argparse import Namespace


def cmd_contact(context: Context, args: Namespace) -> int:
    """`contact ROLE [--name N] [--phone P] [--email E] [--add]`: a field not given keeps its value. `--add` makes a
    row beyond the checklist's roles (the incident bridge, vendor support); without it an unknown role is an error,
    so a typo never adds a stray row."""
    from heypeter_tui.core import commands

    session = _writing(context, args)
    known = next((role for role in session.state.contacts if role.casefold() == args.role.strip().casefold()), None)
    if known is None and not args.add:
        roles = ", ".join(session.state.contacts) or "none"
        raise UserError(clean_line(f"no contact role {args.role[:200]!r} in this run (its roles: {roles}); --add adds "
                                   "it as a row of its own"))
    current = session.state.contacts.get(known) if known else None
    values = {field: getattr(args, field) if getattr(args, field) is not None else
              (getattr(current, field) if current else "") for field in ("name", "phone", "email")}
    change = commands.set_contact(session.state, args.role, values["name"], values["phone"], values["email"],
                                  add=args.add)
    session.record(change)
    shown = " / ".join(change.data[k] for k in ("name", "phone", "email") if change.data[k]) or "cleared"
    added = "" if known else " (added)"
    print(clean_line(f"contact {change.data['role']}{added}: {shown}"))
    return 0


def cmd_rename(context: Context, args: Namespace) -> int:
    """`rename TITLE`: the title the header, `runs` and the record show from here on (an event: `u` undoes it)."""
    from heypeter_tui.core import commands

    session = _writing(context, args)
    before = session.state.title
    change = commands.rename(session.state, args.title)
    session.record(change)
    print(clean_line(f"{session.store.opened_id}: renamed {before!r} -> {change.data['title']!r}"))
    return 0
