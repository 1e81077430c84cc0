"""Reintroduces, one at a time, each bug a skeptic once slipped past the suite, and runs the suite on it.

`make bugs` runs it: every bug must turn at least one test red. A copy of the source tree gets the bug
(one exact text replacement, so a bug that no longer applies is said, not silently skipped) and pytest
runs the unit and Pilot tests on that copy (`-x`: the first failure is enough), the test file named as its guard
first. Usage:

    python tests/reintroduce.py [NAME_SUBSTRING ...]
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SKIP = shutil.ignore_patterns(
    ".venv", ".git", "mutants", "__pycache__", ".pytest_cache", ".hypothesis", "dist", "build"
)

sys.path.insert(0, str(Path(__file__).resolve().parent))  # run as a script: its neighbour
from reintroduce_bugs import BUGS  # noqa: E402  (name, file, code as it is, code with the bug, guard)


def pytest(tree: Path, *paths: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(tree), "PYTHONDONTWRITEBYTECODE": "1"}
    command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *paths]
    return subprocess.run(command, cwd=tree, env=env, capture_output=True, text=True)


def reintroduce(file: str, old: str, new: str, guard: str, scratch: Path) -> tuple[str, str]:
    tree = scratch / "tree"
    shutil.rmtree(tree, ignore_errors=True)
    shutil.copytree(REPO, tree, ignore=SKIP)
    target = tree / file
    text = target.read_text()
    if text.count(old) != 1:
        return "STALE", f"the code to break is no longer in {file} (found {text.count(old)} times): update this bug"
    target.write_text(text.replace(old, new))
    result = pytest(tree, guard)  # the test meant to catch it first: quick; then, if it did not, all of them
    if result.returncode == 0:
        result = pytest(tree, "tests/unit", "tests/ui")
    failed = [line for line in result.stdout.splitlines() if line.startswith(("FAILED", "ERROR"))]
    if result.returncode == 0:
        return "MISSED", "every test passed"
    return "caught", failed[0] if failed else result.stdout.strip().splitlines()[-1]


def main(wanted: list[str]) -> int:
    chosen = [bug for bug in BUGS if not wanted or any(w in bug[0] for w in wanted)]
    missed = 0
    with tempfile.TemporaryDirectory(prefix="heypeter-bugs-") as scratch:
        for name, file, old, new, guard in chosen:
            started = time.monotonic()
            verdict, detail = reintroduce(file, old, new, guard, Path(scratch))
            missed += verdict != "caught"
            print(f"{verdict:7} {name} ({time.monotonic() - started:.0f} s): {detail}", flush=True)
    print(f"{len(chosen) - missed} of {len(chosen)} bugs caught")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
