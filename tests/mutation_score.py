"""After `mutmut run`: the mutation score of the core, module by module, and every mutant no test killed.

A mutant counts as killed when a test failed on it or it ran past its time limit (a loop the mutation made
endless); one that no test reached ("no tests") counts as a survivor. Exit 1 below TARGET.
With `--diff`, each survivor is shown as the line it changed, for tests/MUTANTS.md to account for;
`--names` lists the survivors' names alone (`make mutate` re-tests them).
Reads mutmut's own records in mutants/ (a second `mutmut results` would take minutes).
"""

from __future__ import annotations

import ast
import difflib
import json
import sys
from collections import Counter, defaultdict
from functools import cache
from pathlib import Path

from mutmut.stats import status_by_exit_code

TARGET = 0.90
KILLED = {"killed", "timeout", "caught by type check"}
MUTANTS = Path("mutants")


@cache
def functions(source: Path) -> dict[str, str]:
    lines = source.read_text().splitlines()  # by line numbers: ast.get_source_segment re-splits the file each call
    nodes = ast.walk(ast.parse("\n".join(lines)))
    found = (node for node in nodes if isinstance(node, ast.FunctionDef) and node.end_lineno)
    return {node.name: "\n".join(lines[node.lineno - 1 : node.end_lineno]) for node in found}


def changed_lines(mutated: Path, key: str) -> list[str]:
    """`heypeter_tui.core.run.xǁ_Folderǁ_undo__mutmut_3` -> the lines its mutation changed."""
    name = key.rsplit(".", 1)[1]
    base, _, number = name.rpartition("__mutmut_")
    found = functions(mutated)
    original, mutant = found.get(f"{base}__mutmut_orig", ""), found.get(f"{base}__mutmut_{number}", "")
    diff = difflib.unified_diff(original.splitlines()[1:], mutant.splitlines()[1:], lineterm="", n=0)
    return [line for line in diff if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def main(show_diff: bool, names_only: bool) -> int:
    by_module: dict[str, Counter[str]] = defaultdict(Counter)
    survivors: list[tuple[str, str, Path]] = []
    for meta in sorted(MUTANTS.glob("heypeter_tui/core/*.py.meta")):
        module = str(meta.relative_to(MUTANTS)).removesuffix(".py.meta").replace("/", ".")
        for key, code in json.loads(meta.read_text())["exit_code_by_key"].items():
            status = status_by_exit_code[code]
            by_module[module]["killed" if status in KILLED else "survived"] += 1
            if status not in KILLED:
                survivors.append((status, key, meta.with_suffix("")))
    total = sum(sum(counts.values()) for counts in by_module.values())
    if not total:
        print("no mutants found: run `make mutate` (mutmut run) first", file=sys.stderr)
        return 2
    if names_only:
        print("\n".join(key for status, key, _ in survivors if status in ("survived", "no tests")))
        return 0
    for status, key, mutated in survivors:
        print(f"{status:11} {key}")
        if show_diff:
            print("\n".join(f"    {line}" for line in changed_lines(mutated, key)))
    killed = sum(counts["killed"] for counts in by_module.values())
    print(f"\n{'module':36} {'killed':>7} {'of':>6} {'score':>7}")
    for module, counts in sorted(by_module.items()):
        of = sum(counts.values())
        print(f"{module:36} {counts['killed']:7} {of:6} {counts['killed'] / of:7.1%}")
    print(f"{'core':36} {killed:7} {total:6} {killed / total:7.1%} (target {TARGET:.0%})")
    return 0 if killed / total >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main("--diff" in sys.argv[1:], "--names" in sys.argv[1:]))
