"""Scan many commits on every core: shards of commits, one ``git log`` per shard, in processes.

Small histories stay in this process (starting workers costs more than it saves). A shard whose
git run fails (a partial clone's missing objects) is finished commit by commit, and the commits
git cannot show are skipped and counted rather than failing the scan.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from launchgate.secretscan.detector import Detector
from launchgate.secretscan.gitwalk import BatchResult, CommitMeta, RawHit, scan_commits
from launchgate.secretscan.rules import load_rules

IN_PROCESS_MAX_COMMITS = 400

_WORKER_DETECTOR: Detector | None = None


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


def _init_worker(packs: tuple[str, ...]) -> None:
    global _WORKER_DETECTOR
    _WORKER_DETECTOR = Detector(load_rules([Path(p) for p in packs]))


def _scan_shard(root: str, commits: list[str], promisor: str | None) -> BatchResult:
    assert _WORKER_DETECTOR is not None
    return scan_commits(Path(root), commits, _WORKER_DETECTOR, promisor)


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
) -> HistoryResult:
    """Scan what each of ``commits`` added; ``workers=1`` keeps everything in this process."""
    out = HistoryResult(commits=len(commits))
    if not commits:
        return out
    n = workers or default_workers()
    if n == 1 or (workers is None and len(commits) <= IN_PROCESS_MAX_COMMITS):
        for shard in plan_shards(commits, 1):
            _settle(
                root, shard, scan_commits(root, shard, detector, promisor), detector, promisor, out
            )
        return out
    shards = plan_shards(commits, n)
    context = multiprocessing.get_context("forkserver")
    done = 0
    with concurrent.futures.ProcessPoolExecutor(
        max_workers=n,
        mp_context=context,
        initializer=_init_worker,
        initargs=(tuple(str(p) for p in packs),),
    ) as pool:
        futures = {pool.submit(_scan_shard, str(root), shard, promisor): shard for shard in shards}
        for future in concurrent.futures.as_completed(futures):
            shard = futures[future]
            _settle(root, shard, future.result(), detector, promisor, out)
            done += len(shard)
            progress(f"secrets: history {done}/{len(commits)} commits")
    return out


def _settle(
    root: Path,
    shard: list[str],
    batch: BatchResult,
    detector: Detector,
    promisor: str | None,
    out: HistoryResult,
) -> None:
    """Keep a shard's results; if git stopped early, finish it one commit at a time."""
    out.absorb(batch)
    if batch.failed is None:
        return
    start = max(0, len(batch.commits_seen) - 1)
    for commit in shard[start:]:
        single = scan_commits(root, [commit], detector, promisor)
        if single.failed is None:
            out.absorb(single)
        else:
            out.skipped_commits.append(commit)
            out.skip_reason = single.failed
