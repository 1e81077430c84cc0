"""The model never imports the UI: plain Python, fast to start, testable without a screen."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import heypeter_tui.core

CORE = Path(heypeter_tui.core.__file__).parent
FORBIDDEN = ("textual", "rich", "heypeter_tui.ui")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_core_modules_import_no_ui() -> None:
    offenders = {
        f"{path.name}: {name}"
        for path in CORE.glob("*.py")
        for name in imported_modules(path)
        if name.split(".")[0] in FORBIDDEN or name.startswith("heypeter_tui.ui")
    }
    assert not offenders
    assert len(list(CORE.glob("*.py"))) > 5  # the walk saw the real package


def test_non_ui_commands_do_not_load_textual(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from heypeter_tui.cli import main\n"
        f"main(['--state-dir', {str(tmp_path)!r}, 'new', 'R'])\n"
        "for name in [m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')]: del sys.modules[name]\n"
        f"code = main(['--state-dir', {str(tmp_path)!r}, 'status'])\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert "NO-GO" in result.stdout
    assert result.stdout.strip().splitlines()[-1] == "[]"
