"""The command line's grammar: common options, and one sub-parser per command.

Only the sub-parser of the command being run is built (each costs argparse a round of gettext
look-ups); `--help` and anything unrecognised get the whole parser, so nothing is lost but time.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from heypeter_tui import __version__
from heypeter_tui.cli import commands as cmd

TYPE_CHECKING = False  # typing is not imported at run time: `status` starts without it
if TYPE_CHECKING:
    from typing import NoReturn

PROG = cmd.PROG
_COMMON: dict[str, dict[str, object]] = {
    "--state-dir": {"type": Path, "help": "keep runs here instead of the user state dir"},
    "--home": {"type": Path, "metavar": "DIR", "help": "one folder for everything: config, trust, checklists and "
               "themes in DIR/config, runs in DIR/state (default: $HEYPETER_TUI_HOME, else the user dirs)"},
    "--store": {"metavar": "URL|DIR", "help": "where runs are kept: a postgresql:// URL or libpq connection string, or "
                "a directory (default: $HEYPETER_TUI_STORE, else config.yaml's store, else the state dir)"},
    "--operator": {"help": "who is acting (default: config.yaml's operator, else the login name)"},
    "--checklist": {"help": "checklist id or path (dashboard: open its latest run)"},
    "--run": {"help": "the run to act on: its id, a unique prefix of it, or its title "
              "(default: $HEYPETER_TUI_RUN, else the current run)"},
    "--theme": {"help": "the dashboard's theme this time (the palette's choice is kept)"},
}
"""Accepted before or after the command; each takes a value."""
COMMON_OPTIONS = tuple(flag[2:].replace("-", "_") for flag in _COMMON)

Arguments = Callable[[argparse.ArgumentParser], None]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        from heypeter_tui.core.text import clean_line

        self.exit(2, clean_line(f"{self.prog}: {message} (see {PROG} --help)") + "\n")  # one line, whatever was typed


def _no_arguments(parser: argparse.ArgumentParser) -> None:
    pass


def _new(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("title")
    parser.add_argument("--t0", help="target time: 14:00, '2026-12-03 14:00', +2h or ISO 8601")


def _open(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("reference", metavar="RUN", help="run id, a unique prefix of it, or its title")


def _status(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="as JSON")
    parser.add_argument("--gate", action="store_true", help="exit 0 on GO, 1 on NO-GO")
    parser.add_argument("--owner", metavar="ROLE", help="also list the open items this owner answers for")
    parser.add_argument("--all", action="store_true",
                        help="every reason for NO-GO (and every open item of --owner), not only the first ten")


def _next(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--owner", metavar="ROLE", help="only this owner's items (a sign-off role: 'QA Lead', qa-lead)")
    parser.add_argument("--all", action="store_true", help="every open item, not only the first ten")
    parser.add_argument("--json", action="store_true", help="every open item (or --owner's) as a JSON list")


def _mark(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("item", help="item key (section/item), item id, or its exact text")
    parser.add_argument("status", help="done, pending, na or blocked")
    parser.add_argument("--reason", default="", help="required for na and blocked, and to mark done an item whose "
                        "latest check failed")
    parser.add_argument("--note", help="also add this note")
    parser.add_argument("--override", default="", help="why a gated item is ticked while the gate says NO-GO")
    parser.add_argument("--if-status", metavar="S", help="only if the item is S now (as the pipeline last saw it); "
                        "else one line and exit 1, nothing changed")


def _sign(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("role")
    parser.add_argument("--name", required=True)
    parser.add_argument("--signature", default="")
    parser.add_argument("--ssh-key", type=Path, metavar="KEY",
                        help="sign with this SSH key (a private key, or a public key whose private half is in "
                        "ssh-agent); verified against the keys the run's checklist names (allowed_signers:)")


def _revoke(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("role")
    parser.add_argument("--reason", required=True)


def _timer(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("item", help="item key, id, or exact text")
    parser.add_argument("action", choices=("start", "stop"))


def _export(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("md", "json"), default="md")
    parser.add_argument("--ids", action="store_true",
                        help="md: write ids and flags as <!-- --> comments, so the record imports back to the very "
                        "checklist (JSON always has them)")
    parser.add_argument("-o", "--output", type=Path, help="write to this file ('-': standard output)")


def _validate(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path)


def _import_md(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path)
    parser.add_argument("-o", "--output", type=Path, help="write the YAML here ('-': standard output)")


def _store(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=("init", "copy"),
                        help="init: create or upgrade the tables of the --store database; copy: a run to --to")
    parser.add_argument("run", nargs="?", metavar="RUN", help="copy: the run (id, unique prefix or title)")
    parser.add_argument("--to", metavar="URL|DIR", help="copy: the store to copy into (a database or a state dir)")


def _contact(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("role", metavar="ROLE", help="a contact role of the run, or a new one with --add")
    for field in ("name", "phone", "email"):
        parser.add_argument(f"--{field}", help=f"the contact's {field} (not given: kept as it is)")
    parser.add_argument("--add", action="store_true",
                        help="add a row beyond the checklist's roles (the incident bridge, vendor support)")


def _rename(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("title", metavar="TITLE", help="the run's new title")


def _rename_command(context, args) -> int:
    from heypeter_tui.cli.run_commands import cmd_rename

    return cmd_rename(context, args)


def _contact_command(context, args) -> int:
    from heypeter_tui.cli.run_commands import cmd_contact

    return cmd_contact(context, args)


def _verify(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--digest", metavar="HEAD", help="also check the run still holds the record with this chain "
                        "head (its 'Chain head' line) unchanged")
    parser.add_argument("--allowed-signers", type=Path, metavar="FILE",
                        help="a second opinion on every key-signed sign-off, said beside the verdict, which the keys "
                        "the run's checklist names decide (OpenSSH's format; default: allowed_signers in config.yaml)")
    parser.add_argument("--acknowledge", type=int, metavar="LINE",
                        help="record that you looked at the broken link at LINE (a seq in a database), and why "
                        "(--reason): the gate may pass again; the break stays in verify and the record")
    parser.add_argument("--reason", help="with --acknowledge: what you found")


def _check(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("item", nargs="?", metavar="ITEM", help="the item whose check runs (key, id or exact text)")
    parser.add_argument("--section", metavar="SECTION", help="every check of this section or phase (id, title or "
                        "number)")
    parser.add_argument("--all", action="store_true", help="every check of the run's checklist")
    parser.add_argument("--quiet", action="store_true", help="print each result, not each command's output")


def _trust(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--yes", action="store_true", help="trust without asking (a pipeline that reviewed the "
                        "commands already)")


def _check_command(context, args) -> int:
    from heypeter_tui.cli.check_commands import cmd_check

    return cmd_check(context, args)


def _trust_command(context, args) -> int:
    from heypeter_tui.cli.check_commands import cmd_trust

    return cmd_trust(context, args)


def _verify_command(context, args) -> int:
    from heypeter_tui.cli.verify_command import cmd_verify

    return cmd_verify(context, args)


def _store_command(context, args) -> int:
    from heypeter_tui.cli.store_commands import cmd_store

    return cmd_store(context, args)


COMMANDS: dict[str, tuple[str, Arguments, Callable[..., int]]] = {
    "new": ("start a new run and make it current", _new, cmd.cmd_new),
    "runs": ("list runs", _no_arguments, cmd.cmd_runs),
    "rename": ("give the run a new title (the record keeps both)", _rename, _rename_command),
    "open": ("make a run current", _open, cmd.cmd_open),
    "status": ("progress and the Go / No-Go verdict of the current run", _status, cmd.cmd_status),
    "next": ("the open items of the current run, overdue first, then by due time", _next, cmd.cmd_next),
    "mark": ("set an item's state (for scripts and pipelines)", _mark, cmd.cmd_mark),
    "sign": ("sign off for a role", _sign, cmd.cmd_sign),
    "revoke": ("revoke a role's sign-off", _revoke, cmd.cmd_revoke),
    "timer": ("start or stop an item's timer", _timer, cmd.cmd_timer),
    "contact": ("set an emergency contact (--add: a row beyond the checklist's roles)", _contact, _contact_command),
    "check": ("run items' checks (trusted checklists only): exit 0 all passed, 1 any failed", _check,
              _check_command),
    "trust": ("show every command of the run's checklist, and trust them to run here", _trust, _trust_command),
    "export": ("the run's full record", _export, cmd.cmd_export),
    "validate": ("check a checklist file", _validate, cmd.cmd_validate),
    "import-md": ("a Markdown checklist to schema-1 YAML", _import_md, cmd.cmd_import_md),
    "schema": ("print the JSON Schema of the checklist format", _no_arguments, cmd.cmd_schema),
    "checklists": ("list the checklists available by id", _no_arguments, cmd.cmd_checklists),
    "paths": ("where config and runs live", _no_arguments, cmd.cmd_paths),
    "verify": ("re-walk the run's hash chain: exit 0 intact, 1 broken", _verify, _verify_command),
    "store": ("set up a PostgreSQL store (init), or copy a run to another store", _store, _store_command),
}


def _long_options_only(argv: list[str]) -> bool:
    """Only long options (and the common ones' values), no help asked for: nothing a sub-parser would parse or list.
    A word, `-`, `--`, a short option or a negative number may be a command's (or refused naming them all)."""
    tokens = iter(argv)
    for token in tokens:
        flag = token.partition("=")[0]
        if not token.startswith("--") or len(flag) < 3 or "--help".startswith(flag):
            return False
        if "=" not in token and any(common.startswith(flag) for common in _COMMON):
            next(tokens, None)
    return True


def command_in(argv: list[str]) -> str | None:
    """The command word in `argv`, skipping the common options and their values (also when
    abbreviated, as argparse allows); None where there is none or it is not a command."""
    tokens = iter(argv)
    for token in tokens:
        if token == "--":
            break
        if token.startswith("-"):
            takes_value = token.startswith("--") and len(token) > 2 and "=" not in token
            if takes_value and any(flag.startswith(token) for flag in _COMMON):
                next(tokens, None)
            continue
        return token if token in COMMANDS else None
    return None


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The parser for `argv`: with only its command's sub-parser where it names one."""
    # The common options are accepted before or after the command; SUPPRESS keeps a command's
    # parser from resetting what was given before it.
    common = argparse.ArgumentParser(add_help=False)
    for flag, options in _COMMON.items():
        common.add_argument(flag, default=argparse.SUPPRESS, **options)  # type: ignore[arg-type]
    parser = _Parser(prog=PROG, description="Run a production deployment from its checklist.", parents=[common])
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.set_defaults(handler=cmd.cmd_dashboard)
    sub = parser.add_subparsers(title="commands", metavar="COMMAND", parser_class=_Parser)
    if argv is not None and _long_options_only(argv):
        return parser  # the dashboard: no word for a sub-parser to take (building all twenty took 10 ms of its start)
    wanted = command_in(argv) if argv is not None else None
    for name, (summary, arguments, handler) in COMMANDS.items():
        if wanted is None or name == wanted:
            command = sub.add_parser(name, help=summary, parents=[common])
            arguments(command)
            command.set_defaults(handler=handler)
    return parser
