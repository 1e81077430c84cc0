"""After `mutmut run`: the mutation score of the core, file by file, and every mutant no test killed.

A mutant counts as killed when a test failed on it or it ran past its time limit (a loop the mutation made
endless); one that no test reached ("no tests") counts as a survivor. Exit 1 below TARGET.
Each survivor is listed so tests/MUTANTS.md can account for it: `mutmut show NAME` shows its diff.
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

TARGET = 0.90
KILLED = {"killed", "timeout", "caught by type check"}
BIN = Path(sys.executable).parent


def main() -> int:
    listing = subprocess.run([BIN / "mutmut", "results", "--all", "true"], capture_output=True, text=True, check=True)
    by_file: dict[str, Counter[str]] = defaultdict(Counter)
    survivors: list[str] = []
    for line in listing.stdout.splitlines():
        name, _, status = line.strip().rpartition(": ")
        if not name.startswith("heypeter_tui."):
            continue
        module = name.split(".x")[0]  # heypeter_tui.core.run.x_fold__mutmut_3 -> heypeter_tui.core.run
        if status == "not checked":
            print(f"not checked: {name} (the run was stopped early?)", file=sys.stderr)
        by_file[module]["killed" if status in KILLED else "survived"] += 1
        if status not in KILLED:
            survivors.append(f"{status:10} {name}")
    total = sum(sum(counts.values()) for counts in by_file.values())
    killed = sum(counts["killed"] for counts in by_file.values())
    if not total:
        print("no mutants found: run `make mutate` (mutmut run) first", file=sys.stderr)
        return 2
    print("\n".join(survivors))
    print(f"\n{'module':40} {'killed':>7} {'of':>6} {'score':>7}")
    for module, counts in sorted(by_file.items()):
        of = sum(counts.values())
        print(f"{module:40} {counts['killed']:7} {of:6} {counts['killed'] / of:7.1%}")
    score = killed / total
    print(f"{'core':40} {killed:7} {total:6} {score:7.1%} (target {TARGET:.0%})")
    return 0 if score >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
