"""After `mutmut run`: the mutation score of the core, module by module, and every mutant no test killed.

A mutant counts as killed when a test failed on it or it ran past its time limit (a loop the mutation made
endless); one that no test reached ("no tests") counts as a survivor. Exit 1 below TARGET.
With `--diff`, each survivor is shown as the line it changed; `--names` lists the survivors' names alone
(`make mutate` re-tests them). Every survivor must be accounted for: by a kind below (KINDS), or by its line in
tests/MUTANTS.md ("- module ``line`` : why"). Those left over are listed and fail the run, as a low score does;
`--write` rewrites the list of every survivor at the end of tests/MUTANTS.md.
Reads mutmut's own records in mutants/ (a second `mutmut results` would take minutes).
"""

from __future__ import annotations

import ast
import difflib
import json
import re
import sys
from collections import Counter, defaultdict
from functools import cache
from pathlib import Path

from mutmut.stats import status_by_exit_code

TARGET = 0.90
KILLED = {"killed", "timeout", "caught by type check"}
MUTANTS = Path("mutants")
ACCOUNT = Path(__file__).with_name("MUTANTS.md")
EVERY_SURVIVOR = "## Every survivor"
_REASON = re.compile(r"^- (?P<module>\w+) ``(?P<line>.+?)``: (?P<why>.+)$", re.MULTILINE)

# Kinds of survivor told apart by their change alone, each with why no test kills it. Checked in this order.
KINDS: list[tuple[str, re.Pattern[str], str]] = [
    ("codec name case", re.compile(r'"(?:utf-8|ascii)"', re.IGNORECASE),
     "equivalent: Python's codec lookup ignores case, so `\"UTF-8\"` is `\"utf-8\"`"),
    ("open flags", re.compile(r"os\.O_\w+ & os\.O_"),
     "two open flags joined by `&` drop both; the flags that survive (O_CLOEXEC, O_NOCTTY, O_NONBLOCK, and "
     "O_NOFOLLOW where O_EXCL already refuses a link) change nothing a test can see without an exec, a "
     "controlling terminal or a FIFO it would block on"),
    ("memo key", re.compile(r"for_state\(None, "),
     "equivalent: a memo key only has to differ from the other keys, and `None` does while only one is mutated"),
    ("flag False as None", re.compile(r"=None[,)]|, None\) is True"),
     "equivalent: a flag of `None` is false as `False` is, and `x is True` is false for both"),
]
_MESSAGE = re.compile(r'raise |Error\(|Refused\(|problem\(|\.error\(|\.warning\(|; refused')
CUT = ("cut", "a value shown in a message is cut one character longer: the cut keeps a hostile value (megabytes "
       "on one line) to a readable message; its exact length is no promise, and the tests pin the cuts that are")
WORDING = ("wording", "a message's words changed (`XX` added, or its case): the message is read by people; the "
           "tests read the messages that carry a value (file, line, limit) whole, and the rest by their gist")


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
    mutant = mutant.replace(f"{base}__mutmut_{number}(", f"{base}__mutmut_orig(", 1)  # a default's change shows
    diff = difflib.unified_diff(original.splitlines(), mutant.splitlines(), lineterm="", n=0)
    changed = [line for line in diff if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    return [re.sub(r"\bx(?:ǁ\w+ǁ|_)(\w+?)__mutmut_orig\(", r"\1(", line) for line in changed]


def kind_of(removed: str, added: str) -> tuple[str, str] | None:
    cut = re.compile(r"\[:(\d+)\]")
    if cut.search(removed) and _MESSAGE.search(removed) and cut.sub("", removed) == cut.sub("", added):
        return CUT
    for name, pattern, why in KINDS:
        if pattern.search(added) and not pattern.search(removed) or (
            name == "codec name case" and removed.lower() == added.lower() and pattern.search(removed)
        ):
            return name, why
    literal = re.search(r'"XX.*XX"', added) or (removed != added and removed.lower() == added.lower())
    if literal and _MESSAGE.search(removed):
        return WORDING
    return None


def reasons() -> dict[tuple[str, str], str]:
    """The survivors accounted for by hand in tests/MUTANTS.md: (module, line as the source has it) -> why."""
    text = ACCOUNT.read_text(encoding="utf-8").split(EVERY_SURVIVOR)[0]
    return {(m["module"], m["line"].strip()): m["why"] for m in _REASON.finditer(text)}


def account(survivors: list[tuple[str, str, Path]]) -> list[tuple[str, str, str]]:
    """Each survivor as (module, changed line, why); why is '' where nothing accounts for it."""
    by_hand = reasons()
    accounted = []
    for _, key, mutated in survivors:
        changed = changed_lines(mutated, key)
        removed = " ".join(line[1:].strip() for line in changed if line.startswith("-"))
        added = " ".join(line[1:].strip() for line in changed if line.startswith("+"))
        module = key.split(".")[2]
        kind = kind_of(removed, added)
        why = f"{kind[0]}: {kind[1]}" if kind else by_hand.get((module, removed), "")
        accounted.append((module, removed or "(a line mutmut left unchanged)", why))
    return accounted


def write_every_survivor(survivors: list[tuple[str, str, Path]]) -> None:
    rows = sorted(account(survivors))
    lines = [EVERY_SURVIVOR, "", f"Written by `python tests/mutation_score.py --write` from the last run: {len(rows)} "
             "survivors, by module and line, each with why it is not killed.", ""]
    for module, line, why in rows:
        lines.append(f"- {module} ``{line}`` ({why.split(':')[0] or 'UNACCOUNTED'})")
    head = ACCOUNT.read_text(encoding="utf-8").split(EVERY_SURVIVOR)[0]
    ACCOUNT.write_text(head + "\n".join(lines) + "\n", encoding="utf-8")


def main(show_diff: bool, names_only: bool, write: bool = False) -> int:
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
    live = [survivor for survivor in survivors if survivor[0] in ("survived", "no tests")]
    if write:
        write_every_survivor(live)
    unaccounted = [(module, line) for module, line, why in account(live) if not why]
    for module, line in unaccounted:
        print(f"not accounted for in {ACCOUNT.name}: {module} ``{line}``")
    print(f"{len(live) - len(unaccounted)} of {len(live)} survivors accounted for in {ACCOUNT.name}")
    return 0 if killed / total >= TARGET and not unaccounted else 1


if __name__ == "__main__":
    sys.exit(main("--diff" in sys.argv[1:], "--names" in sys.argv[1:], "--write" in sys.argv[1:]))
