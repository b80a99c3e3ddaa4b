"""One run from start to report, shared by ``dry-run`` and ``prefill``.

Order matters: inputs are validated (and secrets loaded) before any browser opens; the
record is saved after every page so an interrupted run can be resumed; the report is
written whatever happened, including Ctrl-C.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from loguru import logger
from rich.console import Console

from assistant.batch import BatchOptions, GatesFor, SecretsFor, new_account_record, run_batch
from assistant.inputs import load_groups
from assistant.models import Group
from assistant.portal_forms import AccountEntry, account_entry
from assistant.problems import Problem
from assistant.progress import RunProgress
from assistant.report import default_report_dir, write_html
from assistant.run_record import RunRecord, RunStore, now_iso, run_key


def state_dir() -> Path:
    """Where resume state lives (platformdirs), e.g. ~/.local/state/ustd-assistant."""
    import os

    from platformdirs import user_state_path

    override = os.environ.get("USTD_STATE_DIR")
    return Path(override) if override else user_state_path("ustd-assistant", appauthor=False)


@dataclass
class RunRequest:
    paths: list[Path]
    mode: Literal["dry-run", "prefill"]
    portal_url: str
    locale: str = "zh-CN"
    report_dir: Path | None = None
    resume: bool = False
    batch: BatchOptions | None = None
    show_progress: bool = True
    groups: list[tuple[Path, Group]] = field(default_factory=list)


def prepare(request: RunRequest) -> tuple[list[tuple[Path, Group]], list[AccountEntry], list[Problem]]:
    """Validate every input (raises ProfileInvalid with all errors) and build the entries.

    Returns the warnings and notes too, for the caller to show before the run starts.
    """
    groups, problems = load_groups(request.paths)
    request.groups = groups
    return groups, [account_entry(group) for _, group in groups], problems


def open_record(request: RunRequest, entries: list[AccountEntry]) -> RunStore:
    """A fresh record, or with --resume the saved one for the same inputs and portal."""
    key = run_key(request.mode, request.portal_url, request.paths)
    saved = RunStore.load(state_dir(), key) if request.resume else None
    if saved is not None:
        report_dir = Path(saved.report_dir) if request.report_dir is None else request.report_dir
        saved.report_dir = str(report_dir)
        saved.interrupted = False
        saved.finished_at = None
        record = saved
        logger.info("Resuming run {key} into {dir}", key=key, dir=report_dir)
    else:
        report_dir = request.report_dir or default_report_dir()
        record = RunRecord(
            run_key=key,
            mode=request.mode,
            portal_url=request.portal_url,
            locale=request.locale,
            inputs=[str(p) for p in request.paths],
            report_dir=str(report_dir.resolve()),
        )
    for entry in entries:
        record.accounts.setdefault(entry.account_id, new_account_record(entry))
    Path(record.report_dir).mkdir(parents=True, exist_ok=True)
    store = RunStore(record, state_dir())
    store.save()
    return store


def execute(
    request: RunRequest,
    entries: list[AccountEntry],
    store: RunStore,
    console: Console,
    secrets_for: SecretsFor,
    gates_for: GatesFor,
    after: Callable[[RunRecord], dict[str, list[str]]] | None = None,
) -> tuple[RunRecord, Path]:
    """Run the batch with a progress display; always finish the record and the report."""
    assert request.batch is not None
    verification: dict[str, list[str]] = {}
    try:
        with RunProgress(console, entries, enabled=request.show_progress) as progress:
            run_batch(entries, request.batch, store, secrets_for, gates_for, progress.page_done)
        if after is not None:
            verification = after(store.record)
    except KeyboardInterrupt:
        store.record.interrupted = True
        logger.warning("Interrupted: progress is saved; run again with --resume to continue.")
    finally:
        store.record.finished_at = now_iso()
        store.save()
        html = write_html(store.record, verification)
    return store.record, html
