"""A live view of the run for the person watching: one bar per applicant, the page it is on."""

from __future__ import annotations

import threading
from types import TracebackType

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from assistant.portal_forms import AccountEntry

# Pages a primary goes through; a dependent goes through contact, applicant, visa, DS-160.
PRIMARY_PAGES = 8
DEPENDENT_PAGES = 4


class RunProgress:
    """Rich progress bars fed by the runner's ``on_progress(applicant_id, page)`` callback."""

    def __init__(self, console: Console, entries: list[AccountEntry], *, enabled: bool = True) -> None:
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("[dim]{task.fields[page]}"),
            TimeElapsedColumn(),
            console=console,
            disable=not enabled,
            transient=False,
        )
        self._tasks: dict[str, TaskID] = {}
        self._lock = threading.Lock()
        for entry in entries:
            for index, applicant in enumerate(entry.applicants):
                total = PRIMARY_PAGES if index == 0 else DEPENDENT_PAGES
                self._tasks[applicant.applicant_id] = self._progress.add_task(
                    applicant.display_name, total=total, page="waiting"
                )

    def __enter__(self) -> RunProgress:
        self._progress.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self._progress.stop()

    def page_done(self, applicant_id: str, page: str) -> None:
        with self._lock:
            task = self._tasks.get(applicant_id)
            if task is None:
                return
            if page == "payment":
                total = self._progress.tasks[task].total or 0
                self._progress.update(task, completed=total, page="stopped at payment: a person pays")
            else:
                self._progress.update(task, advance=1, page=page)
