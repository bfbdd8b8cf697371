"""A whole history scanned as its distinct file versions: each blob read once, on every core.

``git log -p`` diffs every file of every commit against its parent; on flask's history that is
2.3 s of git alone, more than the whole scan may take. The same history holds 15,000 distinct
file versions (280 MB), which ``git cat-file --batch`` streams in 0.7 s. So a scan of every
ref lists the versions (:mod:`~launchgate.secretscan.versions`: ids only), reads each one once,
scans it like a file of the tree, and reports a hit at each path that version was added at,
in the oldest commit that added it there.

Every line of every version is read, so nothing the patch scanner finds is missed: a line a
commit added is in the version it wrote. A secret kept through several versions is still one
finding per path (findings keep the oldest commit). Rules scoped to paths (``.pgpass``) read a
version once per path they apply to, and allowlists by path are applied per path.

Ranges (``--since``), partial clones (blobs are missing by design) and a git too old to list
merges by first parent use the patch scanner (:mod:`~launchgate.secretscan.history`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from launchgate.secretscan.bigblobs import BigFile, oversized_blobs
from launchgate.secretscan.blobs import cat_blobs
from launchgate.secretscan.detector import Detector
from launchgate.secretscan.gitwalk import RawHit
from launchgate.secretscan.history import IN_PROCESS_MAX_COMMITS, HistoryResult
from launchgate.secretscan.ownreports import is_own_report
from launchgate.secretscan.pool import Job, default_workers, run_jobs
from launchgate.secretscan.textsniff import as_text
from launchgate.secretscan.tree import TreeResult, scan_buffer
from launchgate.secretscan.versions import Versions, list_versions

Item = tuple[str, str]  # (blob, path its scoped rules apply as; "" for path-free rules)
_JOBS_PER_WORKER = 3
# Fewer versions than this (in few commits) are read here: a worker's start-up (~0.3 s) would
# cost more than it saves. 100,000 files in one commit are not few.
IN_PROCESS_MAX_VERSIONS = 5_000


@dataclass
class VersionBatch:
    """What scanning some versions found; hits are ``(blob, path key, hit)``."""

    hits: list[tuple[str, str, int, int, str, str]] = field(default_factory=list)
    bytes_read: int = 0
    binary: int = 0
    # what inline markers allowed, by line: a line kept through many versions counts once
    allowed_lines: dict[bytes, int] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)


def scan_versions(
    root: Path,
    commits: Sequence[str],
    detector: Detector,
    packs: Sequence[Path] = (),
    pathspecs: Sequence[str] = (),
    max_bytes: int = 2_000_000,
    workers: int | None = None,
    progress: Callable[[str], None] = lambda _m: None,
    listed: tuple[Versions, dict[str, int]] | None = None,
) -> HistoryResult | None:
    """Scan what ``commits`` added, version by version; None when git cannot list them (the
    caller then uses the patch scanner). ``listed``: the versions and oversized blobs, when
    already listed (``listing.EarlyListing``)."""
    versions = list_versions(root, commits, pathspecs) if listed is None else listed[0]
    if versions.failed is not None:
        return None
    out = HistoryResult(commits=len(commits), submodule_changes=versions.submodule_changes)
    if listed is not None:
        big = listed[1]
    else:
        big = oversized_blobs(root, max_bytes) if versions.added else {}
    items: list[Item] = []
    for blob, paths in versions.added.items():
        if blob in big:
            for path, index in paths.items():
                out.too_large.append(BigFile(versions.meta(index).sha, path, blob, big[blob]))
            continue
        items.extend((blob, key) for key in _path_keys(detector, paths))
    n = workers or default_workers()
    found = VersionBatch()
    few = len(commits) <= IN_PROCESS_MAX_COMMITS and len(items) <= IN_PROCESS_MAX_VERSIONS
    if n == 1 or (workers is None and few):
        _absorb(found, read_versions(root, items, detector))
    else:
        parts = _split(items, n * _JOBS_PER_WORKER)
        jobs: list[Job] = [("blobs", part) for part in parts]

        def here(index: int) -> VersionBatch:
            return read_versions(root, parts[index], detector)

        done = 0
        for index, batch in run_jobs(
            jobs, VersionBatch, n, root, packs, None, pathspecs, local=here
        ):
            if batch is None:  # its worker died: read those versions here
                batch = read_versions(root, parts[index], detector)
            _absorb(found, batch)
            done += len(parts[index])
            progress(f"secrets: history {done}/{len(items)} file versions")
    _report(found, versions, detector, out)
    out.file_versions = len({blob for blob, _key in items} - set(found.missing))
    return out


def _path_keys(detector: Detector, paths: dict[str, int]) -> list[str]:
    """How often a version must be read: once for rules that ignore the path (key ""), and
    once per path that rules scoped to paths apply to."""
    scoped = [p for p in paths if detector.scoped(p)]
    return ([""] if len(scoped) < len(paths) else []) + scoped


def _split(items: list[Item], parts: int) -> list[list[Item]]:
    size = max(1, -(-len(items) // max(1, parts)))
    return [items[i : i + size] for i in range(0, len(items), size)]


def _absorb(into: VersionBatch, batch: VersionBatch) -> None:
    into.hits.extend(batch.hits)
    into.bytes_read += batch.bytes_read
    into.binary += batch.binary
    into.allowed_lines.update(batch.allowed_lines)
    into.missing.extend(batch.missing)


def read_versions(root: Path, items: Sequence[Item], detector: Detector) -> VersionBatch:
    """Read each ``(blob, path key)`` with one ``git cat-file --batch`` and scan it."""
    out = VersionBatch()
    if not items:
        return out
    with cat_blobs(root, [blob for blob, _key in items]) as stream:
        for blob, key in items:
            header = stream.readline().split()
            if len(header) != 3 or header[1] != b"blob":
                out.missing.append(blob)  # "<id> missing": a damaged clone
                if not header:
                    break
                continue
            size = int(header[2])
            data = stream.read(size + 1)[:size]
            out.bytes_read += size
            text = as_text(data)
            if text is None:
                out.binary += 1
                continue
            if is_own_report(data):
                continue
            found = TreeResult()
            scan_buffer(text, key, detector, found, out.allowed_lines)
            out.hits.extend((blob, key, h.line, h.column, h.rule, h.value) for h in found.hits)
    return out


def _report(
    found: VersionBatch, versions: Versions, detector: Detector, out: HistoryResult
) -> None:
    """Hits at the paths their versions were added at, in the oldest commit that did."""
    out.bytes_read = found.bytes_read
    out.binary_files = found.binary
    out.inline_suppressed = sum(found.allowed_lines.values())
    for blob, key, line, column, rule, value in found.hits:
        paths = versions.added[blob]
        targets = [key] if key else [p for p in paths if not detector.scoped(p)]
        for path in targets:
            if detector.path_allowed(rule, value, path):
                continue
            meta = versions.meta(paths[path])
            out.metas.setdefault(meta.sha, meta)
            out.hits.append(RawHit(meta.sha, path, line, column, rule, value))
    skipped = sorted({i for blob in found.missing for i in versions.added[blob].values()})
    if skipped:
        out.skipped_commits = [versions.meta(i).sha for i in skipped]
        out.skip_reason = f"{len(found.missing)} file versions are missing from this clone"
