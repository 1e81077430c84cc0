"""The command line: the dashboard, and commands for scripts and pipelines.

Exit codes: 0 success, 1 a NO-GO gate, 2 bad input or usage (one line on stderr, no traceback).
Only the dashboard imports the UI, so every other command starts without loading Textual.
Everything the CLI prints goes through one cleaning stream: titles, item texts, operators and paths
come from files and people, and none of them may reach the terminal as an escape sequence.
"""

from __future__ import annotations

import gc
import io
import os
import sys

RUN_VARIABLE = "HEYPETER_TUI_RUN"
HOME_VARIABLE = "HEYPETER_TUI_HOME"


class CleanStream(io.TextIOBase):
    """Standard output or error with every escape sequence and control (but newline and tab) removed."""

    def __init__(self, stream) -> None:
        super().__init__()
        self.stream = stream

    def write(self, text: str) -> int:
        from heypeter_tui.core.text import clean

        written, text = len(text), clean(text)
        try:
            self.stream.write(text)
        except UnicodeEncodeError:  # a terminal that is not UTF-8 (PYTHONIOENCODING=latin-1): `?` for the rest
            encoding = self.encoding or "ascii"
            self.stream.write(text.encode(encoding, "replace").decode(encoding))
        return written

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return self.stream.isatty()

    @property
    def encoding(self) -> str:
        return getattr(self.stream, "encoding", "utf-8")


def main(argv: list[str] | None = None) -> int:
    # What a command builds (modules, the run, the checklist) lives until it ends, so the cyclic
    # collector would only walk it to find nothing: it is off while a command starts, and the
    # dashboard turns it back on, with all of that frozen out of its reach, before the first frame.
    collecting = gc.isenabled()
    gc.disable()
    streams = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = CleanStream(sys.stdout), CleanStream(sys.stderr)
    try:
        return _run(sys.argv[1:] if argv is None else argv)
    finally:
        try:
            sys.stdout.flush()
        except BrokenPipeError:  # `heypeter-tui export | head`: the reader has what it wanted
            os.dup2(os.open(os.devnull, os.O_WRONLY), streams[0].fileno())
        except (OSError, ValueError):
            pass
        sys.stdout, sys.stderr = streams
        if collecting:
            gc.enable()


def _run(argv: list[str]) -> int:
    from heypeter_tui.cli.commands import PROG
    from heypeter_tui.core.errors import UserError
    from heypeter_tui.core.text import clean_line

    try:
        from pathlib import Path

        from heypeter_tui.cli.parser import COMMON_OPTIONS, build_parser
        from heypeter_tui.context import Context

        argv = _values_that_look_like_options(argv)
        args = build_parser(argv).parse_args(argv)
        for name in COMMON_OPTIONS:  # SUPPRESS leaves them unset where not given
            setattr(args, name, getattr(args, name, None))
        run = args.run if args.run is not None else os.environ.get(RUN_VARIABLE) or None
        home = args.home if args.home is not None else Path(os.environ[HOME_VARIABLE]).expanduser() \
            if os.environ.get(HOME_VARIABLE) else None
        context = Context(state_dir=args.state_dir, operator=args.operator, run=run, store=args.store,
                          home=home.absolute() if home is not None else None)
        code = args.handler(context, args)
        for trouble in context.witness_troubles:  # said, never dropped: the change itself was kept
            print(clean_line(f"{PROG}: warning: {trouble}"), file=sys.stderr)
        return code
    except UserError as error:
        _fail(f"{PROG}: {error}")
    except OSError as error:
        from heypeter_tui.core.paths import describe_os_error

        if isinstance(error, BrokenPipeError):
            return 0
        _fail(f"{PROG}: {describe_os_error(error)}")
    except KeyboardInterrupt:
        return 130
    except RecursionError:
        _fail(f"{PROG}: input nested too deeply; refused")
    except MemoryError:
        _fail(f"{PROG}: out of memory (an input far too large?); nothing was written")
    except Exception as error:  # a bug of ours: still one line, never a traceback (HEYPETER_TUI_DEBUG shows it)
        if os.environ.get("HEYPETER_TUI_DEBUG"):
            raise
        _fail(f"{PROG}: internal error ({type(error).__name__}: {str(error)[:200]}); please report it")
    return 2


def _values_that_look_like_options(argv: list[str]) -> list[str]:
    """`--t0 -2h`: argparse takes `-2h` for an option; joined as `--t0=-2h` it is the value it is."""
    joined, tokens = [], iter(argv)
    for token in tokens:
        if token == "--t0":
            value = next(tokens, None)
            joined.append(token if value is None else f"{token}={value}")
        else:
            joined.append(token)
    return joined


def _fail(message: str) -> None:
    """One line on stderr, however many lines the message had."""
    from heypeter_tui.core.text import clean_line

    print(clean_line(message), file=sys.stderr)
