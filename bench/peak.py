"""A heypeter-tui command's seconds and peak memory, as the process itself saw them.

A child's rusage (os.wait4, RUSAGE_CHILDREN) counts the pages the bench's own process held when it forked it: after
the bench builds a 200,000-event run in-process, every child "peaks" at the bench's size. VmHWM, read by the program
itself as it ends, is its own since its exec.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PEAK = (
    "import os, sys\n"
    "from heypeter_tui.cli import main\n"
    "code = 1\n"
    "try:\n"
    "    code = main(sys.argv[1:])\n"
    "finally:\n"
    "    peak = [line for line in open('/proc/self/status') if line.startswith('VmHWM:')][0].split()[1]\n"
    "    open(os.environ['PEAK_FILE'], 'w').write(peak)\n"
    "sys.exit(code)\n"
)


def run(args: list[str], env: dict[str, str] | None = None) -> tuple[float, int, int]:
    """Seconds, peak RSS in KiB and exit status of `heypeter-tui ARGS`."""
    with tempfile.NamedTemporaryFile() as peak:
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", PEAK, *args], env={**(env or os.environ), "PEAK_FILE": peak.name},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        seconds = time.perf_counter() - started
        return seconds, int(Path(peak.name).read_text() or 0), done.returncode
