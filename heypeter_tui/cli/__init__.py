"""The command line: the dashboard, and commands for scripts and pipelines.

Exit codes: 0 success, 1 a NO-GO gate, 2 bad input or usage (one line on stderr, no traceback).
Only the dashboard imports the UI, so every other command starts without loading Textual.
"""

from __future__ import annotations

import gc
import sys


def main(argv: list[str] | None = None) -> int:
    # What a command builds (modules, the run, the checklist) lives until it ends, so the cyclic
    # collector would only walk it to find nothing: it is off while a command starts, and the
    # dashboard turns it back on, with all of that frozen out of its reach, before the first frame.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _run(sys.argv[1:] if argv is None else argv)
    finally:
        if collecting:
            gc.enable()


def _run(argv: list[str]) -> int:
    from heypeter_tui.cli.commands import PROG
    from heypeter_tui.cli.parser import COMMON_OPTIONS, build_parser
    from heypeter_tui.context import Context
    from heypeter_tui.core.errors import UserError

    args = build_parser(argv).parse_args(argv)
    for name in COMMON_OPTIONS:  # SUPPRESS leaves them unset where not given
        setattr(args, name, getattr(args, name, None))
    context = Context(state_dir=args.state_dir, operator=args.operator)
    try:
        return args.handler(context, args)
    except UserError as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
