"""Benchmark: ``launchgate secrets .`` on a real public history against its floor, in one run.

The input is a git bundle of a real project's history (``../shared/bench/flask-history.bundle``,
pallets/flask, ~12,100 commits on ~3,700 refs; see the README beside it). It is cloned once,
outside this repository, with every ref fetched locally. Each round times, back to back:

* the floor: ``git log -p -U0 --all > /dev/null`` (git printing every commit's patch);
* the scan: ``python -m launchgate secrets CLONE`` (tree + every commit on every ref), as a user
  runs it, output discarded;

and prints both, their ratio, and the scan's peak memory: the largest total resident set of the
scan's whole process tree (CLI, workers, git), sampled every 20 ms. Rounds alternate floor and
scan so both see the same machine load; the load average is printed with them because other
work on a shared machine moves every figure (the ratio moves least).

Usage: python benchmarks/secrets_real_history.py [--bundle PATH] [--clone DIR] [--runs 3]
       (``LAUNCHGATE_ENGINE=python`` times the pure-Python engine)
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_BUNDLE = ROOT.parent / "shared" / "bench" / "flask-history.bundle"
DEFAULT_CLONE = Path("/tmp/launchgate-bench-flask")


def prepare(bundle: Path, clone: Path) -> None:
    """Clone the bundle with a work tree and every ref of it as a local ref (README's recipe)."""
    if (clone / ".git").is_dir():
        return
    if not bundle.is_file():
        raise SystemExit(f"{bundle}: no such bundle (see ../shared/bench/README.md)")
    subprocess.run(["git", "clone", "-q", str(bundle), str(clone)], check=True)
    refs = "+refs/*:refs/remotes/all/*"
    subprocess.run(["git", "-C", str(clone), "fetch", "-q", "origin", refs], check=True)


def _children(pid: int) -> list[int]:
    """Children of every thread of ``pid`` (workers are started from threads)."""
    out: list[int] = []
    try:
        tasks = list(Path(f"/proc/{pid}/task").glob("*"))
    except OSError:  # the process ended while we looked
        return out
    for task in tasks:
        try:
            out.extend(int(p) for p in (task / "children").read_text().split())
        except OSError:
            continue
    return out


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return 0
    return 0


def tree_rss_kb(pid: int) -> int:
    """Resident memory of ``pid`` and every descendant, in KiB."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        total += _rss_kb(current)
        todo.extend(_children(current))
    return total


@dataclass
class Timing:
    wall: float
    cpu: float  # user + system seconds of the process and every descendant it waited for
    code: int
    peak_kb: int


def timed(cmd: list[str], cwd: Path, env: dict[str, str]) -> Timing:
    """Wall and CPU seconds, exit code and peak resident KiB of the whole process tree."""
    peak = 0
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL)
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.wait(0.02):
            peak = max(peak, tree_rss_kb(proc.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - start
    stop.set()
    sampler.join()
    return Timing(elapsed, usage.ru_utime + usage.ru_stime, proc.returncode, peak)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bundle", type=Path, default=DEFAULT_BUNDLE)
    parser.add_argument("--clone", type=Path, default=DEFAULT_CLONE)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    clone: Path = args.clone.resolve()
    prepare(args.bundle.resolve(), clone)
    env = dict(os.environ, LC_ALL="C", GIT_PAGER="cat")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    sys.path.insert(0, str(ROOT))
    from launchgate.secretscan.engine import keyword_search

    engine = keyword_search(["key"]).name
    floor_cmd = ["git", "log", "-p", "-U0", "--all"]
    scan_cmd = [sys.executable, "-m", "launchgate", "secrets", str(clone)]
    commits = subprocess.run(
        ["git", "rev-list", "--all"], cwd=clone, capture_output=True, check=True
    ).stdout.count(b"\n")
    print(f"history:  {clone} ({commits:,} commits on every ref), engine {engine}")
    print(f"cores:    {os.cpu_count()}, load average before {os.getloadavg()[0]:.2f}")
    floors: list[Timing] = []
    scans: list[Timing] = []
    for run in range(1, args.runs + 1):
        floor = timed(floor_cmd, clone, env)
        if floor.code != 0:
            raise SystemExit(f"git log failed with {floor.code}")
        scan = timed(scan_cmd, clone, env)
        if scan.code not in (0, 1):  # 1: the gate found something (flask's history has URLs)
            raise SystemExit(f"launchgate secrets failed with {scan.code}")
        floors.append(floor)
        scans.append(scan)
        print(
            f"run {run}:    floor {floor.wall:.2f} s ({floor.cpu:.2f} s CPU), "
            f"scan {scan.wall:.2f} s ({scan.cpu:.2f} s CPU), ratio {scan.wall / floor.wall:.2f}x, "
            f"peak {scan.peak_kb / 1024:.0f} MB, load {os.getloadavg()[0]:.2f}"
        )
    ratios = [s.wall / f.wall for f, s in zip(floors, scans, strict=True)]
    best_floor = min(f.wall for f in floors)
    best_scan = min(s.wall for s in scans)
    median_floor = statistics.median(f.wall for f in floors)
    print(
        f"floor:    best {best_floor:.2f} s, median {median_floor:.2f} s"
        "  (git log -p -U0 --all > /dev/null)"
    )
    print(
        f"scan:     best {best_scan:.2f} s, median {statistics.median(s.wall for s in scans):.2f} s"
    )
    print(
        f"ratio:    best {min(ratios):.2f}x, median {statistics.median(ratios):.2f}x, "
        f"best-to-best {best_scan / best_floor:.2f}x (target <= 1.3x)"
    )
    cpu = min(s.cpu for s in scans) / min(f.cpu for f in floors)
    print(f"CPU:      scan/floor {cpu:.2f}x (CPU seconds, least moved by other load)")
    print(
        f"memory:   peak {max(s.peak_kb for s in scans) / 1024:.0f} MB for the scan's process tree "
        "(target < 300)"
    )


if __name__ == "__main__":
    main()
