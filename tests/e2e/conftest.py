"""The e2e harness: the project built as a real wheel, run as `heypeter-tui` in a real tmux pane.

Each test gets its own tmux server (its own socket), empty XDG dirs and a clean environment, and
reads the screen with `capture-pane`. Waiting polls the screen for what a person would look for,
with a deadline; nothing sleeps and hopes.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.e2e


@dataclass(frozen=True)
class Installed:
    """The console script of a wheel built from this checkout, and the environment it runs in."""

    script: Path
    site: Path

    def env(self, home: Path) -> dict[str, str]:
        return {
            "HOME": str(home),
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "XDG_CONFIG_HOME": str(home / "config"),
            "XDG_STATE_HOME": str(home / "state"),
            "XDG_CACHE_HOME": str(home / "cache"),
            "PYTHONPATH": str(self.site),
            "LANG": "C.UTF-8",
            "TZ": "UTC",
            "TERM": "screen-256color",
        }

    def run(self, home: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        variables = {**self.env(home), **(env or {})}
        return subprocess.run([str(self.script), *args], env=variables, capture_output=True, text=True, timeout=60)


@pytest.fixture(scope="session")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    if shutil.which("tmux") is None:
        pytest.fail("tmux is not installed; `.ci/run` installs it (apt-get install tmux)")
    build = tmp_path_factory.mktemp("wheel")
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run(
        [*pip, "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", str(build), str(REPO)], check=True
    )
    wheel = next(build.glob("heypeter_tui-*.whl"))
    site = build / "site"
    subprocess.run([*pip, "install", "--no-deps", "--no-index", "--target", str(site), str(wheel)], check=True)
    return Installed(site / "bin" / "heypeter-tui", site)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "home"
    path.mkdir()
    return path


class Pane:
    def __init__(
        self,
        installed: Installed,
        home: Path,
        args: tuple[str, ...],
        width: int,
        height: int,
        env: dict[str, str] | None = None,
    ) -> None:
        self.socket_dir = Path(tempfile.mkdtemp(prefix="hp-tmux-"))  # short: socket paths are limited
        config = self.socket_dir / "tmux.conf"
        config.write_text(
            "set -g status off\nset -g remain-on-exit on\nset -sg escape-time 10\n"
            "set -g set-clipboard on\nset -g window-size latest\n"  # as the README sets a team's tmux up
        )
        self.base = ["tmux", "-S", str(self.socket_dir / "s"), "-f", str(config)]
        variables = {**installed.env(home), **(env or {})}
        env_words = " ".join(f"{k}={shlex.quote(v)}" for k, v in variables.items())
        self.exit_file = self.socket_dir / "exit-status"
        program = f"env -i {env_words} {shlex.quote(str(installed.script))} {shlex.join(args)}"
        # The shell records the exit status: tmux 3.3 may never report it for a process that ends at once.
        self.command = f"{program}; echo $? > {shlex.quote(str(self.exit_file))}"
        self.tmux("new-session", "-d", "-s", "main", "-x", str(width), "-y", str(height), self.command)

    def tmux(self, *args: str) -> str:
        return subprocess.run([*self.base, *args], check=True, capture_output=True, text=True, timeout=10).stdout

    def screen_with_colours(self) -> str:
        return self.tmux("capture-pane", "-p", "-e", "-t", "main")

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-J", "-S", "-", "-t", "main")  # wrapped lines joined

    def send(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "main", *keys)

    def wait_for(self, *texts: str, timeout: float = 15.0) -> str:
        """The screen, once every one of `texts` is on it."""
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if all(text in screen for text in texts):
                return screen
            if time.monotonic() > deadline:
                missing = [text for text in texts if text not in screen]
                raise AssertionError(f"not on screen after {timeout}s: {missing}\n{screen}")
            time.sleep(0.05)

    def wait_exit(self, timeout: float = 10.0) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.exit_file.exists() and self.exit_file.read_text().strip():
                return int(self.exit_file.read_text())
            time.sleep(0.05)
        raise AssertionError(f"still running after {timeout}s:\n{self.screen()}")

    def restart(self) -> None:
        self.exit_file.unlink(missing_ok=True)
        self.tmux("respawn-pane", "-k", "-t", "main", self.command)

    def resize(self, width: int, height: int) -> None:
        self.tmux("resize-window", "-t", "main", "-x", str(width), "-y", str(height))

    def close(self) -> None:
        subprocess.run([*self.base, "kill-server"], capture_output=True, timeout=10)
        shutil.rmtree(self.socket_dir, ignore_errors=True)


@pytest.fixture
def open_pane(installed: Installed, home: Path):
    panes: list[Pane] = []

    def start(
        *args: str, width: int = 120, height: int = 40, env: dict[str, str] | None = None, at: Path | None = None
    ) -> Pane:
        """A pane running `heypeter-tui ARGS` in the test's home, or in the home `at` (another "host")."""
        pane = Pane(installed, at or home, args, width, height, env)
        panes.append(pane)
        return pane

    yield start
    for pane in panes:
        pane.close()

