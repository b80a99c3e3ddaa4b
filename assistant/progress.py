"""A live view of the run for the person watching: one bar per applicant.

A bar counts the applicant's profile values that reached the portal (entered and read back, or
already there) out of all that must: the same tally the report keeps, so a bar that ends short
is an applicant with values missing, never a page count that a merged or extra page throws off.
Beside it: the page the applicant is on, then where they ended.
"""

from __future__ import annotations

import threading
from types import TracebackType

from rich.console import Console
from rich.progress import BarColumn, Progress, ProgressColumn, Task, TaskID, TextColumn, TimeElapsedColumn
from rich.text import Text

from assistant.portal_forms import AccountEntry
from assistant.run_record import ApplicantRecord

ENDED = {
    "ready": "[green]ready for payment: a person pays[/]",
    "failed": "[red]failed: see the summary[/]",
    "declined": "[red]stopped by the person[/]",
}


class ValuesColumn(ProgressColumn):
    """``entered/total values``; blank until the run has listed the applicant's values."""

    def render(self, task: Task) -> Text:
        if task.total is None:
            return Text("")
        return Text(f"{int(task.completed)}/{int(task.total)} values", style="progress.download")


def where(applicant: ApplicantRecord) -> str:
    """What the bar says beside it: the page now, or how the applicant ended."""
    if applicant.status in ENDED:
        return ENDED[applicant.status]
    if applicant.status == "incomplete":
        count = len(applicant.missing())
        return f"[red]NOT ready: {count} value{'s' if count != 1 else ''} not entered[/]"
    if applicant.pages:
        return f"[dim]{applicant.pages[-1].page}[/]"
    return "[dim]waiting[/]"


class RunProgress:
    """Rich progress bars fed by the runner's ``on_progress(applicant_record)`` callback."""

    def __init__(self, console: Console, entries: list[AccountEntry], *, enabled: bool = True) -> None:
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            ValuesColumn(),
            TextColumn("{task.fields[where]}"),
            TimeElapsedColumn(),
            console=console,
            disable=not enabled,
            transient=False,
        )
        self._tasks: dict[str, TaskID] = {}
        self._lock = threading.Lock()
        for entry in entries:
            for applicant in entry.applicants:
                self._tasks[applicant.applicant_id] = self._progress.add_task(
                    applicant.display_name, total=None, where="[dim]waiting[/]"
                )

    def __enter__(self) -> RunProgress:
        self._progress.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self._progress.stop()

    def applicant_changed(self, applicant: ApplicantRecord) -> None:
        """Redraw one applicant's bar from their record (thread-safe: accounts run in parallel)."""
        with self._lock:
            task = self._tasks.get(applicant.applicant_id)
            if task is None:
                return
            reached = sum(1 for value in applicant.values.values() if value.status != "missing")
            self._progress.update(task, total=max(len(applicant.values), 1), completed=reached, where=where(applicant))
