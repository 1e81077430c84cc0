"""The checks panel: the checks asked for, each one's state, and the running one's output as it streams.

Docked under the view, never modal: the dashboard keeps answering keys while a check runs. The output shown is a
tail the worker already cut and cleaned (ui/checking.py): whatever a command prints, this draws a few lines.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from textual.content import Content
from textual.widget import Widget

from heypeter_tui.core.checks import PASSED, duration_text, outcome_line, visible
from heypeter_tui.core.durations import format_duration
from heypeter_tui.core.text import clean_line
from heypeter_tui.ui.literal import literal

WAITING, RUNNING = "waiting", "running"
LINES_SHOWN = 200
"""Of the output's tail, the lines kept for drawing: more than any panel is tall."""


@dataclass
class Job:
    """One check asked for, as the panel shows it."""

    key: str
    text: str
    command: str
    timeout: int
    state: str = WAITING
    """`waiting`, `running`, or the `item.check` fields once it ended (see `result`)."""
    result: dict[str, object] = field(default_factory=dict)
    elapsed: float = 0.0
    began: float = 0.0
    """When it started running (monotonic): its time is shown counting, even while it prints nothing."""
    output: str = ""
    output_bytes: int = 0
    unrecorded: str = ""


class ChecksPanel(Widget):
    DEFAULT_CSS = """
    ChecksPanel {
        dock: bottom; height: 12; width: 1fr; display: none;
        border: round $accent; border-title-color: $accent; padding: 0 1; background: $surface;
    }
    ChecksPanel.-failed { border: round $error; border-title-color: $error; }
    """

    def __init__(self) -> None:
        super().__init__(id="checks-panel")
        self.jobs: dict[str, Job] = {}

    def on_mount(self) -> None:
        self.set_interval(1.0, self._count)

    def _count(self) -> None:
        if self.display and any(job.state == RUNNING for job in self.jobs.values()):
            self.refresh()

    def start(self, jobs: list[Job]) -> None:
        """New checks asked for: those that ended before make way, those still running stay."""
        self.jobs = {key: job for key, job in self.jobs.items() if job.state in (WAITING, RUNNING)}
        for job in jobs:
            self.jobs[job.key] = job
        self.display = True
        self.redraw()
        self.screen.refresh_bindings()  # `esc` shows in the footer while the panel does

    def progress(self, key: str, output: str, output_bytes: int, elapsed: float) -> None:
        job = self.jobs.get(key)
        if job is not None:
            if job.state != RUNNING:
                job.began = time.monotonic() - elapsed
            job.state, job.output, job.output_bytes, job.elapsed = RUNNING, output, output_bytes, elapsed
            self.redraw()

    def finish(self, key: str, result: dict[str, object], output: str, unrecorded: str = "") -> None:
        """`unrecorded`: why its result is not in the record (yet), said beside it."""
        job = self.jobs.get(key)
        if job is not None:
            job.state, job.result, job.output, job.unrecorded = "ended", result, output, unrecorded
            self.redraw()
            self.screen.refresh_bindings()  # the last one ended: `esc` closes now

    def drop(self, key: str) -> None:
        """A check cancelled before it started: off the list."""
        if self.jobs.pop(key, None) is not None:
            self.redraw()
            self.screen.refresh_bindings()

    @property
    def running(self) -> bool:
        return any(job.state in (WAITING, RUNNING) for job in self.jobs.values())

    def close(self) -> None:
        self.display = False
        self.screen.refresh_bindings()

    def redraw(self) -> None:
        failed = any(job.result and job.result.get("outcome") != PASSED for job in self.jobs.values())
        self.set_class(failed, "-failed")
        self.border_title = "Checks · esc cancels" if self.running else "Checks · esc closes"
        self.refresh()

    def render(self) -> Content:
        width = max(self.size.width - 2, 20)
        lines = [self._line(job, width) for job in self.jobs.values()]
        shown = self._shown()
        if shown is not None and shown.output:
            room = max(self.size.height - len(lines) - 1, 1)
            tail = shown.output.rstrip("\n").split("\n")[-min(room, LINES_SHOWN):]
            lines.append(Content.styled(f"output of {shown.key} ({shown.output_bytes:,} bytes):", "$text-muted"))
            lines += [literal(line, "", width) for line in tail]
        return Content("\n").join(lines)

    def _shown(self) -> Job | None:
        """The running job, else the last one that did not pass (a section's checks: a failure's output is what to
        read, never hidden by the passes after it), else the last one that ended."""
        jobs = list(self.jobs.values())
        ended = [job for job in jobs if job.result]
        return next((job for job in jobs if job.state == RUNNING), None) or next(
            (job for job in reversed(ended) if job.result.get("outcome") != PASSED), None) or (
            ended[-1] if ended else None)

    def _line(self, job: Job, width: int) -> Content:
        lines = visible(job.command).split("\n")
        command = lines[0] + (" …" if len(lines) > 1 else "")
        if job.state == WAITING:
            head: tuple[str, str] = ("· waiting  ", "$text-muted")
        elif job.state == RUNNING:
            elapsed = max(job.elapsed, time.monotonic() - job.began)
            took = duration_text(int(elapsed * 1000))
            head = (f"▶ running {took} of {format_duration(job.timeout)}  ", "bold $accent")
        else:
            took = duration_text(int(job.result.get("duration_ms") or 0))  # type: ignore[arg-type]
            style = "bold $success" if job.result.get("outcome") == PASSED else "bold $error"
            head = (clean_line(f"{'✓' if job.result.get('outcome') == PASSED else '✗'} {outcome_line(job.result)} in "
                               f"{took}  "), style)
        unrecorded = [(f"({job.unrecorded})  ", "bold reverse $error")] if job.unrecorded else []
        line = Content.assemble(head, *unrecorded, literal(job.text, "bold", 60), ("  $ ", "$text-muted"),
                                literal(command, "$text-muted", 200))
        return line if line.cell_length <= width else line.truncate(width - 1) + Content("…")
