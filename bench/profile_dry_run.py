"""Where does a dry run spend its time? Wall-clock timers around the flows' helpers and Playwright calls.

A sampling profiler sees little here: sync Playwright waits in a separate greenlet (its event
loop), so the waiting is not charged to the product code that asked for it. Instead this wraps
the interesting functions (inclusive and exclusive wall time, call counts) and runs
``ustd dry-run`` in-process (serial, so everything is on the main thread).

    .venv/bin/python -m bench.profile_dry_run FILES... [--report DIR]
"""

from __future__ import annotations

import functools
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

STATS: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0.0])  # calls, inclusive, exclusive
_stack: list[list[float]] = []  # per active call: [child time]


def _wrap(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def timed(*args: Any, **kwargs: Any) -> Any:
        _stack.append([0.0])
        started = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            spent = time.perf_counter() - started
            children = _stack.pop()[0]
            if _stack:
                _stack[-1][0] += spent
            s = STATS[name]
            s[0] += 1
            s[1] += spent
            s[2] += spent - children
    timed.__wrapped_for_profile__ = True  # type: ignore[attr-defined]
    return timed


def _missing(what: str) -> None:
    """The product renamed or moved something this profiler wraps: say so, time the rest."""
    print(f"profile_dry_run: {what} not found, not timed (adjust install())", file=sys.stderr)


def _patch_function(module_names: list[str], owner: str, attr: str) -> None:
    """Replace a module-level function everywhere it was imported by name."""
    module_of_owner = sys.modules.get(owner)
    original = getattr(module_of_owner, attr, None)
    if original is None:
        _missing(f"{owner}.{attr}")
        return
    wrapped = _wrap(f"{owner.split('.')[-1]}.{attr}", original)
    for name in module_names:
        module = sys.modules.get(name)
        if module is not None and getattr(module, attr, None) is original:
            setattr(module, attr, wrapped)


def _patch_method(cls: type, attr: str, label: str | None = None) -> None:
    if not hasattr(cls, attr):
        _missing(f"{cls.__name__}.{attr}")
        return
    setattr(cls, attr, _wrap(label or f"{cls.__name__}.{attr}", getattr(cls, attr)))


def install() -> None:
    import importlib

    from playwright.sync_api import CDPSession, Locator, Page

    import assistant.runner  # noqa: F401 - imports every flow module
    import flows.screenshot  # noqa: F401
    from assistant.run_record import RunStore
    from assistant.runner import AccountRunner

    names = [n for n in list(sys.modules) if n.startswith(("flows", "assistant"))]
    # The widget engine (flows/_fill.py, _widgets.py, recognise.py).
    for owner, functions in (("flows._fill", ("fill_fields",)),
                             ("flows._widgets", ("probe_many", "probe", "probe_and_read_back", "read_back", "wait_drawn", "wait_for_options", "set_value")),
                             ("flows.recognise", ("look", "best_page"))):
        importlib.import_module(owner)
        for fn in functions:
            _patch_function(names, owner, fn)
    try:
        from flows._base import PortalPage
    except ImportError:
        _missing("flows._base.PortalPage")
    else:
        for attr in ("press_and_wait", "errors", "button"):
            _patch_method(PortalPage, attr)
    for attr in ("recognise", "screenshot", "fill", "fill_and_submit", "goto"):
        _patch_method(AccountRunner, attr)
    _patch_method(RunStore, "save")
    # The report's page photographs (flows/screenshot.py): the quick path and the emptying one.
    for fn in ("secret_free_screenshot", "capture_whole_page", "_emptied_screenshot"):
        _patch_function(names, "flows.screenshot", fn)
    _patch_method(CDPSession, "send", "CDPSession.send")
    for attr in ("screenshot", "goto", "get_by_label", "title", "evaluate", "evaluate_handle"):
        _patch_method(Page, attr, f"Page.{attr}")
    for attr in ("fill", "press_sequentially", "count", "is_visible", "evaluate", "input_value", "click",
                 "select_option", "check", "wait_for", "inner_text", "get_attribute", "blur", "dispatch_event",
                 "is_checked", "is_enabled"):
        _patch_method(Locator, attr, f"Locator.{attr}")
    importlib.import_module("assistant.dry_run")


def report(total: float) -> str:
    lines = [f"total wall {total:.1f} s", "",
             "| function | calls | inclusive s | exclusive s | ms/call |", "|---|---:|---:|---:|---:|"]
    for name, (calls, inc, exc) in sorted(STATS.items(), key=lambda kv: -kv[1][1]):
        lines.append(f"| {name} | {calls} | {inc:.2f} | {exc:.2f} | {1000 * inc / calls:.0f} |")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    from assistant.cli import app

    install()
    report_dir = tempfile.mkdtemp(prefix="ustd-profile-")
    args = ["dry-run", *argv, "--quiet", "--report", report_dir]
    started = time.perf_counter()
    code = 0
    try:
        app(args)
    except SystemExit as done:
        code = int(done.code or 0)
    print(report(time.perf_counter() - started))
    print(f"\nexit {code}; report {Path(report_dir) / 'run.json'}")
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
