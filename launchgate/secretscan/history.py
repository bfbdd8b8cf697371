"""Scan many commits on every core: shards of commits, one ``git log`` per shard, in workers.

Small histories stay in this process (starting workers costs more than it saves). A shard whose
git run fails (a partial clone's missing objects) is finished commit by commit, and the commits
git cannot show are skipped and counted rather than failing the scan.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import queue
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from launchgate.secretscan.detector import Detector
from launchgate.secretscan.gitwalk import BatchResult, CommitMeta, RawHit, scan_commits

IN_PROCESS_MAX_COMMITS = 400
_PACKAGE_PARENT = str(Path(__file__).resolve().parents[2])


@dataclass
class HistoryResult:
    hits: list[RawHit] = field(default_factory=list)
    metas: dict[str, CommitMeta] = field(default_factory=dict)
    commits: int = 0
    added_lines: int = 0
    bytes_read: int = 0
    binary_files: int = 0
    submodule_changes: int = 0
    long_lines: int = 0
    inline_suppressed: int = 0
    skipped_commits: list[str] = field(default_factory=list)
    skip_reason: str = ""

    def absorb(self, batch: BatchResult) -> None:
        self.hits.extend(batch.hits)
        self.metas.update(batch.metas)
        self.added_lines += batch.added_lines
        self.bytes_read += batch.bytes_read
        self.binary_files += batch.binary_files
        self.submodule_changes += batch.submodule_changes
        self.long_lines += batch.long_lines
        self.inline_suppressed += batch.inline_suppressed


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def plan_shards(commits: Sequence[str], workers: int) -> list[list[str]]:
    """Contiguous runs (neighbouring commits share objects), ~8 per worker for load balance."""
    size = max(50, min(2000, len(commits) // max(1, workers * 8) + 1))
    return [list(commits[i : i + size]) for i in range(0, len(commits), size)]


def scan_history(
    root: Path,
    commits: Sequence[str],
    detector: Detector,
    packs: Sequence[Path] = (),
    promisor: str | None = None,
    workers: int | None = None,
    progress: Callable[[str], None] = lambda _m: None,
    pathspecs: Sequence[str] = (),
) -> HistoryResult:
    """Scan what each of ``commits`` added; ``workers=1`` keeps everything in this process.

    ``pathspecs`` (the manifest's excludes, see ``exclude_pathspecs``) go to ``git log`` itself,
    so excluded files are never diffed.
    """
    out = HistoryResult(commits=len(commits))
    if not commits:
        return out
    n = workers or default_workers()
    if n == 1 or (workers is None and len(commits) <= IN_PROCESS_MAX_COMMITS):
        for shard in plan_shards(commits, 1):
            one = scan_commits(root, shard, detector, promisor, pathspecs)
            _settle(root, shard, one, detector, promisor, pathspecs, out)
        return out
    shards = plan_shards(commits, n)
    done = 0
    for shard, batch in _run_workers(root, shards, n, packs, promisor, pathspecs):
        if batch is None:  # its worker died: do that shard here rather than lose it
            batch = scan_commits(root, shard, detector, promisor, pathspecs)
        _settle(root, shard, batch, detector, promisor, pathspecs, out)
        done += len(shard)
        progress(f"secrets: history {done}/{len(commits)} commits")
    return out


def _run_workers(
    root: Path,
    shards: list[list[str]],
    n: int,
    packs: Sequence[Path],
    promisor: str | None,
    pathspecs: Sequence[str],
) -> Iterator[tuple[list[str], BatchResult | None]]:
    """Feed shards to ``n`` worker processes (one feeding thread each); yield as they finish."""
    todo: queue.Queue[list[str]] = queue.Queue()
    for shard in shards:
        todo.put(shard)
    done: queue.Queue[tuple[list[str], BatchResult | None]] = queue.Queue()
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [_PACKAGE_PARENT, env.get("PYTHONPATH")]))
    cmd = [sys.executable, "-m", "launchgate.secretscan.worker", str(root), promisor or ""]
    cmd += [str(p) for p in packs]
    cmd += ["--", *pathspecs]

    def drive() -> None:
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
        assert proc.stdin is not None
        assert proc.stdout is not None
        try:
            while True:
                try:
                    shard = todo.get_nowait()
                except queue.Empty:
                    return
                try:
                    pickle.dump(shard, proc.stdin)
                    proc.stdin.flush()
                    batch: BatchResult = pickle.load(proc.stdout)  # noqa: S301 - our child
                except (OSError, EOFError, pickle.UnpicklingError):
                    done.put((shard, None))
                    return
                done.put((shard, batch))
        finally:
            with contextlib.suppress(OSError):
                proc.stdin.close()
            proc.stdout.close()
            proc.wait()

    threads = [threading.Thread(target=drive, daemon=True) for _ in range(min(n, len(shards)))]
    for thread in threads:
        thread.start()
    received = 0
    while received < len(shards):
        try:
            item = done.get(timeout=0.5)
        except queue.Empty:
            if not any(t.is_alive() for t in threads) and done.empty():
                break
            continue
        received += 1
        yield item
    # Shards no worker took (every worker died early) are done here, in this process.
    while not todo.empty():
        yield todo.get_nowait(), None
    for thread in threads:
        thread.join()


def _settle(
    root: Path,
    shard: list[str],
    batch: BatchResult,
    detector: Detector,
    promisor: str | None,
    pathspecs: Sequence[str],
    out: HistoryResult,
) -> None:
    """Keep a shard's results; if git stopped early, finish it one commit at a time."""
    out.absorb(batch)
    if batch.failed is None:
        return
    # Resume at the last commit git showed (it may be incomplete). Not a count: with exclude
    # pathspecs git skips commits that touch only excluded files.
    index = {sha: i for i, sha in enumerate(shard)}
    start = max((index.get(sha, -1) for sha in batch.commits_seen), default=0)
    for commit in shard[max(start, 0) :]:
        single = scan_commits(root, [commit], detector, promisor, pathspecs)
        if single.failed is None:
            out.absorb(single)
        else:
            out.skipped_commits.append(commit)
            out.skip_reason = single.failed
