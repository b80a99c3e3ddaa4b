"""Does drawing pictures beside a run slow the run, even at the lowest CPU priority?

The dry run draws its page pictures in a second browser beside the run (assistant/photographer.py),
on the premise that a machine's other core is free while the run waits on its browser. This
measures the premise on the machine at hand: the floor (bench/floor.py) alone, and the floor
while another headless browser draws full-page pictures without pause, started with the
``SCHED_IDLE`` policy (Linux: it gets a core only when nothing else wants one) or at normal
priority. Rounds alternate, so a burst of other work on the machine slows every mode alike.

    .venv/bin/python -m bench.interference [--rounds 5] [--modes alone,idle,normal]

Linux only (``SCHED_IDLE``). Prints a Markdown table of median seconds and the ratio to "alone".
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.make_groups import make_groups
from bench.run_bench import ROOT, VENV_BIN, measure

# A page like the portal's longer forms: a header, 40 labelled boxes and lists, about 1500 px tall.
_FORM_PAGE = (
    "<!doctype html><html lang='zh-CN'><head><style>body{font:14px sans-serif;margin:0;background:#eef}"
    "header{background:#123;color:#fff;padding:24px 80px;font-size:22px}main{margin:16px 80px;background:#fff;"
    "padding:24px;display:grid;grid-template-columns:1fr 1fr;gap:12px 32px}label{display:block;font-weight:bold}"
    "input,select{width:100%;padding:6px;border:1px solid #99a}</style></head><body>"
    "<header>美国国务院官方签证预约服务 · Applicant details</header><main>"
    + "".join(
        f"<div><label>字段 {n} / Field {n}</label>"
        + (f"<select><option>选项 {n}</option></select>" if n % 3 == 0 else f"<input value='值 {n} value {n}'>")
        + "</div>"
        for n in range(40)
    )
    + "</main></body></html>"
)


def draw_forever() -> None:
    """The background load: a full-page JPEG of a freshly drawn form, again and again."""
    from playwright.sync_api import sync_playwright

    from assistant.browser import launch_chromium

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright, headless=True)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        print("ready", flush=True)
        while True:
            page.set_content(_FORM_PAGE)
            page.screenshot(full_page=True, type="jpeg", quality=70)


def _start_load(mode: str) -> subprocess.Popen[bytes]:
    def lower_priority() -> None:  # in the child, before it starts anything
        if mode == "idle":
            os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))

    load = subprocess.Popen([str(VENV_BIN / "python"), "-m", "bench.interference", "--draw-forever"],
                            cwd=ROOT, stdout=subprocess.PIPE, preexec_fn=lower_priority, start_new_session=True)
    assert load.stdout is not None
    if load.stdout.readline().strip() != b"ready":
        raise RuntimeError("the drawing load did not start")
    return load


def _stop_load(load: subprocess.Popen[bytes]) -> None:
    os.killpg(load.pid, 9)  # the driver and its browser too
    load.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--modes", default="alone,idle,normal", help="alone, idle (SCHED_IDLE load), normal (load at normal priority)")
    parser.add_argument("--draw-forever", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.draw_forever:
        draw_forever()
        return 0
    modes = [m for m in args.modes.split(",") if m]
    work = Path(tempfile.mkdtemp(prefix="ustd-interference-"))
    files = make_groups(4, work / "groups")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    floor = [str(VENV_BIN / "python"), "-m", "bench.floor", *map(str, files)]
    seconds: dict[str, list[float]] = {m: [] for m in modes}
    for n in range(args.rounds):
        for mode in modes:
            load = None if mode == "alone" else _start_load(mode)
            try:
                m = measure(floor, env, work / f"log-{mode}-{n}.txt")
            finally:
                if load is not None:
                    _stop_load(load)
            if not m.ok:
                print(f"floor failed: {m.detail}", file=sys.stderr)
                return 1
            seconds[mode].append(m.seconds)
            print(f"  round {n + 1} {mode:<7} {m.seconds:6.2f} s  cpu {m.cpu:5.2f} s", file=sys.stderr, flush=True)
    alone = statistics.median(seconds["alone"]) if "alone" in seconds else None
    print("| the floor (group of 4) | median s | runs | ratio to alone |\n|---|---:|---|---:|")
    for mode, values in seconds.items():
        ratio = f"{statistics.median(values) / alone:.2f}" if alone else ""
        print(f"| {mode} | {statistics.median(values):.2f} | {', '.join(f'{v:.1f}' for v in values)} | {ratio} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
