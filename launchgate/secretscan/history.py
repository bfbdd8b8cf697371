"""Scan many commits on every core: shards of commits, one ``git log`` per shard, in workers.

Small histories stay in this process (starting workers costs more than it saves). A shard whose
git run fails (a partial clone's missing objects) is finished commit by commit, and the commits
git cannot show are skipped and counted rather than failing the scan. Files over the per-file cap
are kept out of git's patches altogether (:mod:`~launchgate.secretscan.bigblobs`) and reported.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from launchgate.secretscan.bigblobs import BigFile, literal_excludes, plan_big_files
from launchgate.secretscan.blobs import scan_blobs
from launchgate.secretscan.detector import Detector
from launchgate.secretscan.gitrepo import merge_commits
from launchgate.secretscan.gitwalk import BatchResult, CommitMeta, RawHit, scan_commits
from launchgate.secretscan.pool import Job, default_workers, run_jobs

IN_PROCESS_MAX_COMMITS = 400
DEFAULT_MAX_BLOB_BYTES = 2_000_000  # as the tree's default cap (secrets.max_file_bytes)
__all__ = ["HistoryResult", "default_workers", "plan_shards", "scan_history"]


@dataclass
class HistoryResult:
    hits: list[RawHit] = field(default_factory=list)
    metas: dict[str, CommitMeta] = field(default_factory=dict)
    commits: int = 0
    added_lines: int = 0
    bytes_read: int = 0
    binary_files: int = 0
    submodule_changes: int = 0
    inline_suppressed: int = 0
    cut_lines: int = 0
    cut_bytes: int = 0
    skipped_commits: list[str] = field(default_factory=list)
    skip_reason: str = ""
    binary_blobs: list[tuple[str, str, str]] = field(default_factory=list)
    too_large: list[BigFile] = field(default_factory=list)  # over the per-file cap: not read
    file_versions: int = 0  # read as whole versions (versionscan), not as added lines

    def absorb(self, batch: BatchResult) -> None:
        self.hits.extend(batch.hits)
        self.metas.update(batch.metas)
        self.added_lines += batch.added_lines
        self.bytes_read += batch.bytes_read
        self.binary_files += batch.binary_files
        self.submodule_changes += batch.submodule_changes
        self.inline_suppressed += batch.inline_suppressed
        self.cut_lines += batch.cut_lines
        self.cut_bytes += batch.cut_bytes
        self.binary_blobs.extend(batch.binary_blobs)

    def scan_binary(
        self, root: Path, detector: Detector, max_bytes: int, promisor: str | None
    ) -> None:
        """Read back what git called binary; UTF-16 or stray-NUL text is scanned after all."""
        found = scan_blobs(root, self.binary_blobs, detector, max_bytes, promisor)
        self.hits.extend(found.hits)
        self.binary_files -= found.text_files
        self.too_large.extend(found.too_large)


def plan_shards(commits: Sequence[str], workers: int) -> list[list[str]]:
    """Contiguous runs (neighbouring commits share objects), ~3 per process for load balance:
    each run is one ``git log`` that reloads packs and delta bases (16 runs on flask's history
    cost git ~10% more CPU than 6), and this process takes runs too, so none waits idle."""
    size = max(50, min(2000, len(commits) // max(1, workers * 3) + 1))
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
    max_bytes: int = DEFAULT_MAX_BLOB_BYTES,
) -> HistoryResult:
    """Scan what each of ``commits`` added; ``workers=1`` keeps everything in this process.

    ``pathspecs`` (the manifest's excludes, see ``exclude_pathspecs``) go to ``git log`` itself,
    so excluded files are never diffed. Merge commits run in shards of their own, because git
    reads them best with other options (see ``gitwalk._log_args``).
    """
    out = HistoryResult(commits=len(commits))
    if not commits:
        return out
    big = plan_big_files(root, commits, max_bytes, promisor, pathspecs)
    out.too_large = big.too_large
    out.metas.update(big.metas)

    def scan_big_commits() -> None:
        for group, paths in big.groups():  # the few commits that touch an oversized file
            specs = [*pathspecs, *literal_excludes(paths)]
            for shard in plan_shards(group, 1):
                part = scan_commits(root, shard, detector, promisor, specs)
                _settle(root, shard, part, detector, promisor, specs, out, False)

    out.binary_blobs.extend(big.whole)  # read back by id like a binary file, so counted as one
    out.binary_files += len(big.whole)
    if big.skip:
        commits = [c for c in commits if c not in big.skip]
    merges = merge_commits(root, commits) if len(commits) > 1 else set()
    plain = [c for c in commits if c not in merges]
    merged = [c for c in commits if c in merges]
    n = workers or default_workers()
    if n == 1 or (workers is None and len(commits) <= IN_PROCESS_MAX_COMMITS):
        scan_big_commits()
        for part, are_merges in ((plain, False), (merged, True)):
            for shard in plan_shards(part, 1):
                one = scan_commits(root, shard, detector, promisor, pathspecs, are_merges)
                _settle(root, shard, one, detector, promisor, pathspecs, out, are_merges)
        out.scan_binary(root, detector, max_bytes, promisor)
        return out
    shards = [(s, False) for s in plan_shards(plain, n)]
    shards += [(s, True) for s in plan_shards(merged, n)]
    jobs: list[Job] = [("merges" if m else "log", s) for s, m in shards]
    done = 0

    def here(index: int) -> BatchResult:
        shard, are_merges = shards[index]
        return scan_commits(root, shard, detector, promisor, pathspecs, are_merges)

    # The commits with an oversized file run here first, while the workers start.
    for index, batch in run_jobs(
        jobs, BatchResult, n, root, packs, promisor, pathspecs, local=here, first=scan_big_commits
    ):
        shard, are_merges = shards[index]
        if batch is None:  # its worker died: do that shard here rather than lose it
            batch = scan_commits(root, shard, detector, promisor, pathspecs, are_merges)
        _settle(root, shard, batch, detector, promisor, pathspecs, out, are_merges)
        done += len(shard)
        progress(f"secrets: history {done}/{len(commits)} commits")
    out.scan_binary(root, detector, max_bytes, promisor)
    return out


def _settle(
    root: Path,
    shard: list[str],
    batch: BatchResult,
    detector: Detector,
    promisor: str | None,
    pathspecs: Sequence[str],
    out: HistoryResult,
    merges: bool,
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
        single = scan_commits(root, [commit], detector, promisor, pathspecs, merges)
        if single.failed is None:
            out.absorb(single)
        else:
            out.skipped_commits.append(commit)
            out.skip_reason = single.failed
