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

# name, file, the code as it is, the code with the bug, the test file meant to catch it
BUGS: list[tuple[str, str, str, str, str]] = [
    (
        "a sign-off that must be key-signed counts without its signature",
        "heypeter_tui/core/rules.py",
        "    return signers is not None and signers.required and role not in state.verified",
        "    return False",
        "tests/unit/test_signed_signoffs.py",
    ),
    (
        "a role's key signature accepted from any allowed signer, not only its principals",
        "heypeter_tui/core/signoff_check.py",
        "principals = list(signers.principals) if signers is not None and signers.principals else None",
        "principals = None",
        "tests/unit/test_signed_signoffs.py",
    ),
    (
        "a reader that does not check the links",
        "heypeter_tui/core/chain.py",
        "        if is_event and line > 1:\n            self._check(line, prev)\n",
        "",
        "tests/unit/test_chain.py",
    ),
    (
        "a file writer that links to the line it read, not the log's last",
        "heypeter_tui/core/store.py",
        "known = self.chain.head if size == self._offset and not self._changed_underneath(fd, info) else None",
        "known = self.chain.head",
        "tests/unit/test_chain.py",
    ),
    (
        "database trusts the client's claim of who wrote a row",
        "heypeter_tui/core/pg_schema.py",
        "    NEW.db_user := session_user;\n",
        "",
        "tests/unit/test_pg_store.py",
    ),
    (
        "database events can be edited by their owner",
        "heypeter_tui/core/pg_schema.py",
        "CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events\n"
        "    FOR EACH ROW EXECUTE FUNCTION heypeter_append_only();\n",
        "",
        "tests/unit/test_pg_store.py",
    ),
    (
        "database reader reads its last event again",
        "heypeter_tui/core/pg_store.py",
        "WHERE run = %s AND seq > %s",
        "WHERE run = %s AND seq >= %s",
        "tests/unit/test_store_contract.py",
    ),
    (
        "a server restart fails the first change after it",
        "heypeter_tui/core/pg_store.py",
        "            except Unreachable:\n                if fresh:\n                    raise\n",
        "            except Unreachable:\n                raise\n",
        "tests/unit/test_pg_faults.py",  # the listener also drops a dead connection, but a change may come first
    ),
    (
        "dashboard opens a change's dialog while the database is offline",
        "heypeter_tui/ui/flows.py",
        "                if changes_run and self.refuse_offline():",
        "                if False:",
        "tests/ui/test_postgres_dashboard.py",
    ),
    (
        "dashboard records a change whose dialog was open when the database went away",
        "heypeter_tui/ui/flows.py",
        "        if self.refuse_offline():\n            return False\n",
        "",
        "tests/ui/test_postgres_dashboard.py",
    ),
    (
        "a password in config.yaml is taken",
        "heypeter_tui/core/store_choice.py",
        'if source == "config.yaml" and has_password(spec):',
        "if False:",
        "tests/unit/test_pg_store.py",
    ),
    (
        "append without fsync",
        "heypeter_tui/core/store.py",
        "                write_all(fd, data)\n                os.fsync(fd)\n",
        "                write_all(fd, data)\n",
        "tests/unit/test_store_seams.py",
    ),
    (
        "append without flock",
        "heypeter_tui/core/store.py",
        "            fcntl.flock(fd, fcntl.LOCK_EX)\n            info = os.fstat(fd)\n",
        "            info = os.fstat(fd)\n",
        "tests/unit/test_store_seams.py",
    ),
    (
        "reader without its shared lock",
        "heypeter_tui/core/store.py",
        "            fcntl.flock(fd, fcntl.LOCK_SH)\n",
        "",
        "tests/unit/test_store_seams.py",
    ),
    (
        "Go/No-Go panel renders markup",
        "heypeter_tui/ui/widgets/gate_panel.py",
        'Content.assemble("  • ", literal(reason))',
        'Content.assemble("  • ", Content.from_markup(reason))',
        "tests/ui/test_every_view_literal.py",
    ),
    (
        "item history renders markup",
        "heypeter_tui/ui/screens/item_detail.py",
        "what = literal_block(describe(state, event))",
        "what = Content.from_markup(describe(state, event))",
        "tests/ui/test_every_view_literal.py",
    ),
    (
        "a deployment-day tick makes sign-offs stale",
        "heypeter_tui/core/staleness.py",
        "for section in state.checklist.sections for item in section.items])",
        "for section in state.checklist.groups for item in section.items])",
        "tests/unit/test_staleness.py",
    ),
    (
        "undo of T-0 clears it",
        "heypeter_tui/core/run.py",
        '                self.t0 = self.state.created.get("t0")\n',
        "                self.t0 = None\n",
        "tests/unit/test_promised_rules.py",
    ),
    (
        "a stopped timer keeps counting",
        "heypeter_tui/core/run.py",
        "replace(self.timers[key], stopped_at=event.ts)",
        "self.timers[key]",
        "tests/unit/test_run_log_rules.py",
    ),
    (
        "revoke without a reason",
        "heypeter_tui/core/commands.py",
        '    if not reason:\n        raise UserError("revoking a sign-off needs a reason")\n',
        "",
        "tests/unit/test_promised_rules.py",
    ),
    (
        "an empty note accepted",
        "heypeter_tui/core/commands.py",
        '    if not text:\n        raise UserError("a note needs some text")\n',
        "",
        "tests/unit/test_promised_rules.py",
    ),
    (
        "a wide state dir left wide",
        "heypeter_tui/core/paths.py",
        "    if info.st_mode & 0o077 and info.st_uid == os.geteuid():\n        os.chmod(path, DIR_MODE)\n",
        "",
        "tests/unit/test_promised_rules.py",
    ),
    (
        "--checklist X always starts a new run",
        "heypeter_tui/context.py",
        "            run_id = self._latest_of(loaded[0].id)\n            if run_id is not None:",
        "            run_id = None\n            if run_id is not None:",
        "tests/unit/test_promised_rules.py",
    ),
    (
        "the first-run choice without the workspace lock",
        "heypeter_tui/context.py",
        "        with workspace.locked():\n            if loaded is None:",
        "        if True:\n            if loaded is None:",
        "tests/unit/test_promised_rules.py",
    ),
    (
        "a past HH:MM not moved to tomorrow",
        "heypeter_tui/core/clock.py",
        "moment = candidate if candidate > local_now else candidate + timedelta(days=1)",
        "moment = candidate",
        "tests/unit/test_promised_rules.py",
    ),
    (
        "an ambiguous run prefix resolves to the first match",
        "heypeter_tui/core/workspace.py",
        "        if len(matches) == 1:\n            return matches[0]\n        if not matches:",
        "        if matches:\n            return matches[0]\n        if not matches:",
        "tests/unit/test_promised_rules.py",
    ),
    (
        "the stale flag dropped from the JSON record",
        "heypeter_tui/core/report.py",
        '        "stale": is_stale(state, role),\n',
        "",
        "tests/unit/test_promised_rules.py",
    ),
    (
        "the stale flag dropped from the Markdown record",
        "heypeter_tui/core/record_summary.py",
        '        standing = "stale: signed before the latest readiness change" if is_stale(state, role) '
        'else "current"\n',
        '        standing = "current"\n',
        "tests/unit/test_promised_rules.py",
    ),
    (
        "events accepted without their envelope",
        "heypeter_tui/core/validate.py",
        "    if not raw.keys() >= _ENVELOPE:",
        "    if False:",
        "tests/unit/test_promised_rules.py",
    ),
    (
        "unknown status values accepted",
        "heypeter_tui/core/validate.py",
        "if not isinstance(status, str) or status not in STATUSES:",
        "if not isinstance(status, str):",
        "tests/unit/test_event_validator.py",
    ),
    (
        "unknown status values folded in",
        "heypeter_tui/core/run.py",
        "if key in self.state.checklist.items_by_key and status in STATUSES:",
        "if key in self.state.checklist.items_by_key and status:",
        "tests/unit/test_promised_rules.py",
    ),
    (
        "the YAML node cap removed",
        "heypeter_tui/core/nodes.py",
        "        if self.visited > MAX_NODES:",
        "        if False:",
        "tests/unit/test_promised_rules.py",
    ),
    (
        "a check's command may hold a line separator: a screen breaks the line there, /bin/sh runs on past it",
        "heypeter_tui/core/checks.py",
        'if character in "\\n\\t ":',
        'if character in "\\n\\t \\u2028":',
        "tests/unit/test_check_checklists.py",
    ),
    (
        "a check's command may hold a no-break space: `true<NBSP># x; rm -rf ~` shows a comment, and runs rm",
        "heypeter_tui/core/checks.py",
        'if character in "\\n\\t ":',
        'if character in "\\n\\t \\u00a0":',
        "tests/unit/test_check_checklists.py",
    ),
    (
        "a check's timeout kills its shell alone, not its process group",
        "heypeter_tui/core/check_runner.py",
        "        os.killpg(pgid, number)",
        "        os.kill(pgid, number)",
        "tests/unit/test_check_runner.py",
    ),
    (
        "a check's command started in the app's session (start_new_session dropped)",
        "heypeter_tui/core/check_runner.py",
        "start_new_session=True, ",
        "",
        "tests/unit/test_check_runner.py",
    ),
    (
        "a check's output tail not bounded",
        "heypeter_tui/core/check_runner.py",
        "            del self._buffer[: -self.limit]",
        "            pass",
        "tests/unit/test_check_runner.py",
    ),
    (
        "a check's output not cleaned of escapes",
        "heypeter_tui/core/check_runner.py",
        'return clean(kept.decode("utf-8", "replace"))',
        'return kept.decode("utf-8", "replace")',
        "tests/unit/test_check_runner.py",
    ),
    (
        "a check's command inherits our descriptors",
        "heypeter_tui/core/check_runner.py",
        "close_fds=True",
        "close_fds=False",
        "tests/unit/test_check_runner.py",
    ),
    (
        "check runs the commands of a checklist nobody trusted",
        "heypeter_tui/cli/check_commands.py",
        "    require_trust(context.config_dir, state.checklist)\n",
        "",
        "tests/unit/test_cli_checks.py",
    ),
    (
        "a failing check marks its item done",
        "heypeter_tui/core/commands.py",
        "if not marks or not result.passed or state.item(key).status == DONE:",
        "if not marks or state.item(key).status == DONE:",
        "tests/unit/test_cli_checks.py",
    ),
    (
        "a passing check ticks a gated item while NO-GO",
        "heypeter_tui/core/commands.py",
        "    if needs_override(state, key, DONE):\n        return changes,",
        "    if False:\n        return changes,",
        "tests/unit/test_cli_checks.py",
    ),
    (
        "a pipeline's SIGTERM during check leaves the command running and unrecorded",
        "heypeter_tui/cli/check_commands.py",
        "previous = {number: signal.signal(number, lambda *_: cancel.set())\n",
        "previous = {number: signal.getsignal(number)\n",
        "tests/unit/test_cli_checks.py",
    ),
    (
        "a trust file read through a planted link",
        "heypeter_tui/core/trust.py",
        "        info = os.lstat(path)\n        if not stat.S_ISREG(info.st_mode) or",
        "        info = os.stat(path)\n        path = Path(os.path.realpath(path))\n"
        "        if not stat.S_ISREG(info.st_mode) or",
        "tests/unit/test_trust.py",
    ),
    (
        "a trust file copied under another checklist's digest trusts it",
        "heypeter_tui/core/trust.py",
        'return data is not None and data.get("sha256") == digest',
        "return data is not None",
        "tests/unit/test_trust.py",
    ),
    (
        "the trust dialog takes a stray y typed ahead as trust",
        "heypeter_tui/ui/screens/trust_dialog.py",
        'BINDINGS = [Binding("escape", "answer(False)", "Don\'t run", id="trust.no")]',
        'BINDINGS = [Binding("escape", "answer(False)", "Don\'t run", id="trust.no"), Binding("y", "answer(True)", '
        '"Trust", priority=True)]',
        "tests/ui/test_checks_ui.py",
    ),
    (
        "v runs an untrusted checklist's command without asking",
        "heypeter_tui/ui/checking.py",
        "        if not is_trusted(self.context.config_dir, checklist):\n            actor",
        "        if False:\n            actor",
        "tests/ui/test_checks_ui.py",
    ),
    (
        "every dashboard on a run repeats a check, not only the one that started its timer",
        "heypeter_tui/ui/checking.py",
        "timer.started_by not in own or ",
        "",
        "tests/ui/test_checks_ui.py",
    ),
    (
        "a monitoring check (every) marks its item done at its first probe",
        "heypeter_tui/core/commands.py",
        "        marks = False  # a monitoring check",
        "        pass  # a monitoring check",
        "tests/unit/test_cli_checks.py",
    ),
    (
        "checks cancelled before their turn are started (and killed at once)",
        "heypeter_tui/ui/checking.py",
        "            if cancel.is_set():  # cancelled before its turn",
        "            if False:  # cancelled before its turn",
        "tests/ui/test_checks_ui.py",
    ),
    (
        "a check's result that comes back while the database is away is dropped",
        "heypeter_tui/ui/checking.py",
        'if getattr(self, "offline", ""):  # the command ran',
        'if False:  # the command ran',
        "tests/ui/test_checks_ui.py",
    ),
    (
        "a trust file anyone may write, or another user's, trusts",
        "heypeter_tui/core/trust.py",
        " or info.st_uid != os.getuid() or info.st_mode & 0o022:",
        ":",
        "tests/unit/test_trust.py",
    ),
]


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
