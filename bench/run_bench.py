"""Benchmark ``ustd dry-run`` against the raw-Playwright floor (bench/floor.py).

For each size (applicants) it generates the groups (bench/make_groups.py), then runs, each as
a subprocess timed from the outside:

- ``product serial``:      ``.venv/bin/ustd dry-run FILES --quiet --report TMP``
- ``product parallel 2``:  the same with ``--parallel 2``
- ``..., stop-only shots``: the same with ``--screenshots failures`` (no picture of every page)
- ``floor serial``:        ``.venv/bin/python -m bench.floor FILES``
- ``floor parallel 2``:    with ``--parallel 2``, only when there are 2+ groups (one group
                           cannot be split: a dependent hangs off its primary's session)

and prints a Markdown table: wall seconds, seconds per applicant, peak memory (sum of the RSS
of the subprocess tree, sampled from /proc every 100 ms) and the ratio to the floor run with
the same number of workers. Every run must exit 0 (the dry run checks what the mock received;
so does the floor), else the row says FAILED.

    .venv/bin/python -m bench.run_bench                       # sizes 1, 4, 20; repeat 1
    .venv/bin/python -m bench.run_bench --sizes 4 --repeat 3  # median of 3
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.make_groups import make_groups, sizes_of

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


# --- memory: sum of RSS over the process tree ----------------------------------------------

def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces and parentheses, so split after the last ')'
        ppid = int(stat[stat.rindex(b")") + 2:].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    return children


def tree_rss_bytes(root: int) -> int:
    """Sum of resident set sizes of ``root`` and all its descendants (shared pages count
    once per process, so this overstates what the tree really holds: an approximation)."""
    children = _children_map()
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        try:
            with open(f"/proc/{pid}/statm") as f:
                total += int(f.read().split()[1]) * PAGE_SIZE
        except (OSError, IndexError, ValueError):
            pass
        stack.extend(children.get(pid, ()))
    return total


class PeakSampler(threading.Thread):
    def __init__(self, pid: int, interval: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval, self.peak = pid, interval, 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            self.peak = max(self.peak, tree_rss_bytes(self.pid))
            self._stop_event.wait(self.interval)

    def stop(self) -> int:
        self._stop_event.set()
        self.join()
        return self.peak


# --- one measured run ------------------------------------------------------------------------

@dataclass
class Measure:
    seconds: float
    peak_mb: float
    ok: bool
    detail: str = ""
    load: float = 0.0  # 1-minute load average when the run ended: other work on the machine
    cpu: float = 0.0  # user + system CPU seconds of the run and every descendant it reaped


def measure(cmd: list[str], env: dict[str, str], log: Path) -> Measure:
    started = time.perf_counter()
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        sampler = PeakSampler(proc.pid)
        sampler.start()
        # wait4's usage counts the child and every descendant reaped under it (the driver,
        # Chromium's processes): the CPU the run cost, whatever else the machine did.
        _pid, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        peak = sampler.stop()
    detail = "" if code == 0 else f"exit {code}, see {log}"
    load = float(Path("/proc/loadavg").read_text().split()[0])
    return Measure(seconds, peak / 2**20, code == 0, detail, load, usage.ru_utime + usage.ru_stime)


@dataclass
class Row:
    size: int
    mode: str
    workers: int
    runs: list[Measure] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.runs) and all(r.ok for r in self.runs)

    @property
    def seconds(self) -> float:
        return statistics.median(r.seconds for r in self.runs)

    @property
    def peak_mb(self) -> float:
        return statistics.median(r.peak_mb for r in self.runs)

    @property
    def cpu(self) -> float:
        return statistics.median(r.cpu for r in self.runs)

    @property
    def load(self) -> float:
        return statistics.median(r.load for r in self.runs)


def commands(files: list[Path], report: Path, groups: int, floor_rate_limit: int) -> list[tuple[str, int, list[str]]]:
    ustd = [str(VENV_BIN / "ustd"), "dry-run", *map(str, files), "--quiet"]
    floor = [str(VENV_BIN / "python"), "-m", "bench.floor", *map(str, files), "--rate-limit", str(floor_rate_limit)]
    out = [
        ("product serial", 1, [*ustd, "--report", str(report / "serial")]),
        ("product parallel 2", min(2, groups), [*ustd, "--parallel", "2", "--report", str(report / "parallel")]),
        ("product serial, stop-only shots", 1,
         [*ustd, "--screenshots", "failures", "--report", str(report / "serial-stop-shots")]),
        ("product parallel 2, stop-only shots", min(2, groups),
         [*ustd, "--parallel", "2", "--screenshots", "failures", "--report", str(report / "parallel-stop-shots")]),
        ("floor serial", 1, floor),
        ("floor serial, every page photographed", 1, [*floor, "--pictures", str(report / "floor-pictures")]),
    ]
    if groups >= 2:
        out.append(("floor parallel 2", 2, [*floor, "--parallel", "2"]))
    return out


PLAIN_FLOORS = ("floor serial", "floor parallel 2")
PICTURE_FLOOR = "floor serial, every page photographed"


def _paired(row: Row, floor: Row | None) -> str:
    """Median of run n / the floor's run n (same round, so the same load on the machine)."""
    if floor is None or len(row.runs) < 2 or not floor.ok:
        return ""
    return f"{statistics.median(a.seconds / b.seconds for a, b in zip(row.runs, floor.runs)):.2f}"


def table(rows: list[Row]) -> str:
    floors = {(r.size, r.workers): r for r in rows if r.mode in PLAIN_FLOORS and r.ok}
    picture_floors = {r.size: r for r in rows if r.mode == PICTURE_FLOOR and r.ok}
    lines = ["| size | mode | seconds | CPU s | s/applicant | peak MB | ratio to floor | paired ratio "
             "| paired ratio to the floor with pictures | load |",
             "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        if not r.ok:
            detail = next((m.detail for m in r.runs if not m.ok), "not run")
            lines.append(f"| {r.size} | {r.mode} | FAILED ({detail}) | | | | | | | |")
            continue
        floor = floors.get((r.size, r.workers))
        ratio = f"{r.seconds / floor.seconds:.2f}" if floor else "n/a"
        # Every picture taken, serially: compare with the floor that photographs every page too.
        like_for_like = (r.mode.startswith("product serial") and "stop-only" not in r.mode) or r.mode == PICTURE_FLOOR
        with_pictures = _paired(r, picture_floors.get(r.size)) if like_for_like else ""
        lines.append(f"| {r.size} | {r.mode} | {r.seconds:.1f} | {r.cpu:.1f} | {r.seconds / r.size:.2f} | {r.peak_mb:.0f} | {ratio} "
                     f"| {_paired(r, floor)} | {with_pictures} | {r.load:.1f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Dry run vs raw-Playwright floor: time and memory.")
    parser.add_argument("--sizes", default="1,4,20", help="applicant counts, comma-separated (default 1,4,20)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per cell; the table shows medians")
    parser.add_argument("--modes", default="", help="only modes containing one of these words, e.g. floor,serial")
    parser.add_argument("--floor-rate-limit", type=int, default=20,
                        help="mock rate_limit_per_second for the floor (default 20 = the dry run's); 0 = off")
    parser.add_argument("--workdir", type=Path, default=None, help="keep groups, reports and logs here")
    parser.add_argument("--no-warmup", action="store_true",
                        help="skip the untimed first run of each command kind (cold disk cache, .pyc)")
    parser.add_argument("--json", type=Path, default=None, help="also write the raw measures as JSON")
    args = parser.parse_args(argv)

    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    # Bytecode present, as a wheel install writes it (PYTHONDONTWRITEBYTECODE only stops writing).
    for package in ("assistant", "flows", "fixtures", "bench"):
        compileall.compile_dir(str(ROOT / package), quiet=1)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="ustd-bench-"))
    env = dict(os.environ, USTD_STATE_DIR=str(workdir / "state"), PYTHONPATH=str(ROOT))
    rows: list[Row] = []
    if not args.no_warmup:  # one untimed run of each program, so the first cell is not the cold one
        files = make_groups(1, workdir / "groups-warmup")
        (workdir / "reports-warmup").mkdir(parents=True, exist_ok=True)
        for mode, _workers, cmd in commands(files, workdir / "reports-warmup", 1, args.floor_rate_limit)[::2]:
            print(f"  warm-up: {mode}", file=sys.stderr, flush=True)
            measure(cmd, env, workdir / f"log-warmup-{mode.replace(' ', '-')}.txt")
    for size in sizes:
        files = make_groups(size, workdir / f"groups-{size}")
        groups = len(sizes_of(size))
        reports = workdir / f"reports-{size}"
        reports.mkdir(parents=True, exist_ok=True)  # --report wants an existing parent folder
        chosen = [(Row(size, mode, workers), cmd)
                  for mode, workers, cmd in commands(files, reports, groups, args.floor_rate_limit)
                  if not args.modes or any(word in mode for word in args.modes.split(","))]
        # Repeats interleaved (A B C, A B C, ...), not A A A B B B: a burst of other work on the
        # machine then slows every mode alike instead of one mode's whole row.
        for n in range(args.repeat):
            for row, cmd in chosen:
                log = workdir / f"log-{size}-{row.mode.replace(' ', '-')}-{n}.txt"
                m = measure(cmd, env, log)
                row.runs.append(m)
                print(f"  size {size:>3} {row.mode:<20} run {n + 1}: {m.seconds:6.1f} s  cpu {m.cpu:5.1f} s  {m.peak_mb:6.0f} MB  load {m.load:.1f}"
                      + ("" if m.ok else f"  FAILED ({m.detail})"), file=sys.stderr, flush=True)
        rows.extend(row for row, _cmd in chosen)
    print(table(rows))
    print(f"\n(work folder: {workdir})")
    if args.json:
        args.json.write_text(json.dumps(
            [{"size": r.size, "mode": r.mode, "workers": r.workers,
              "runs": [m.__dict__ for m in r.runs]} for r in rows], indent=2))
    return 0 if all(r.ok for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
