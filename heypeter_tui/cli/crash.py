"""The dashboard's run, and what is left when it fails: a crash file, one line naming it, exit status 70.

Textual ends the app on any exception that escapes a worker, a timer or a message handler, restores the terminal,
and then prints a Rich traceback (with every frame's locals) to `App.error_console` (public), setting
`App.return_code` to 1 (public). The CLI would still have exited 0. Here the error console is a buffer: its text goes
to `<state dir>/crash/crash-<UTC time>-<pid>.txt` (0600, the one safe-write helper, the environment's secrets and
the store's password redacted), stderr gets one line naming the file, and the exit status is 70 (EX_SOFTWARE), never
0. A failure Textual reports without a return code (its input thread failing) is a crash all the same.
`HEYPETER_TUI_DEBUG=1` also prints the traceback.
"""

from __future__ import annotations

import io
import os
import platform
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from heypeter_tui.core.text import clean_line, shorten

if TYPE_CHECKING:
    from heypeter_tui.context import Context
    from heypeter_tui.ui.app import HeyPeterApp

CRASH_EXIT = 70
"""EX_SOFTWARE (sysexits.h): the program failed, not its input (2) nor the gate (1)."""
PROG = "heypeter-tui"


def run_dashboard(app: HeyPeterApp, context: Context, **options) -> int:
    """Run the app (`options` go to `App.run`: tests run it headless); its exit status."""
    from rich.console import Console

    captured = io.StringIO()
    app.error_console = Console(file=captured, markup=False, highlight=False, color_system=None, width=120)
    # From here a lost terminal ends the process within two seconds, with the status this function would give
    # (ui/shutdown.py); disarmed once `run` returns, before a crash file is written.
    app.shutdown.install(lambda: CRASH_EXIT if app.return_code or captured.getvalue().strip() else 0)
    try:
        app.run(**options)
    except Exception:  # escaped Textual itself (its start, its end): the same crash file, the same status
        import traceback

        captured.write(traceback.format_exc())
        return crashed(context, captured.getvalue())
    finally:
        app.shutdown.uninstall()
    text = captured.getvalue()
    if app.return_code or text.strip():
        return crashed(context, text)
    return 0


def crashed(context: Context, text: str) -> int:
    """Write the crash file, say where it is in one line, and return the crash's exit status."""
    cause = _last_line(text) or "an unhandled error"
    try:
        path = write_crash_file(context, text)
    except Exception as error:  # the state dir refused too: still one line, and still not 0
        print(clean_line(f"{PROG}: the dashboard failed ({cause}); no crash file could be written: {error}"),
              file=sys.stderr)
    else:
        print(clean_line(f"{PROG}: the dashboard failed ({cause}); the traceback is in {path}; please report it"),
              file=sys.stderr)
    if os.environ.get("HEYPETER_TUI_DEBUG"):
        print(text, file=sys.stderr)
    return CRASH_EXIT


def write_crash_file(context: Context, text: str) -> Path:
    from heypeter_tui import __version__
    from heypeter_tui.core.paths import write_private_file

    now = datetime.now(timezone.utc)
    path = context.state_dir / "crash" / f"crash-{now:%Y%m%dT%H%M%S.%fZ}-{os.getpid()}.txt"
    head = (f"{PROG} {__version__} crashed at {now:%Y-%m-%d %H:%M:%S} UTC; Python {platform.python_version()} on "
            f"{platform.system()}.\nReview it before sharing: a traceback's locals may hold run data (the "
            "environment's secrets and the store's password are redacted).\n\n")
    write_private_file(path, (head + context.hidden.text(text)).encode("utf-8", "replace"))
    return path


def _last_line(text: str) -> str:
    """The exception's own line, which a traceback ends with: what the one line on stderr names."""
    lines = [line.strip(" │╰─╯") for line in text.splitlines()]
    found = next((line for line in reversed(lines) if line and not line.startswith("NOTE:")), "")
    return shorten(clean_line(found), 160)
