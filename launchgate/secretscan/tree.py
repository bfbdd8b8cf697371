"""Scan files on disk: the working tree (tracked + untracked-not-ignored) and build output.

Each file is read once; the detector's prefilter runs over the whole file, so only candidate
lines are decoded and analysed. UTF-16 is decoded and a stray NUL does not make a file binary
(:mod:`~launchgate.secretscan.textsniff`). Binary files and files over the size cap are skipped
and reported, never silently dropped. A big tree is split into contiguous chunks of about equal
bytes and scanned on every core by the history scan's workers (``pool.run_jobs``); the chunks'
results are merged back in path order, so the result is the one a single process gives.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from launchgate.secretscan.detector import NEXTLINE_MARKER, Detector
from launchgate.secretscan.gitrepo import run_git
from launchgate.secretscan.linetext import extend_value, following_lines
from launchgate.secretscan.ownreports import is_own_report
from launchgate.secretscan.pathglobs import path_matches
from launchgate.secretscan.pool import WORKER, Job, default_workers, run_jobs
from launchgate.secretscan.textsniff import as_text

DEFAULT_BUNDLES = ("dist", "build", ".next/static", "out")
BUNDLE_MIN_CAP = 25_000_000  # minified bundles are large; a key in one is the worst leak
# Two workers start in ~0.25 s (interpreter, rules, detector). Measured on 2 cores, they beat
# one process from ~2.5 MB of keyword-dense text (6 MB/s in one process) but only past ~14 MB
# of ordinary code (35 MB/s: few candidate lines); 4 MB bounds the worst loss either way at
# about 0.1 s, while a 75 MB tree scans ~1.9x faster.
IN_PROCESS_MAX_BYTES = 4_000_000
_FILE_COST = 512  # a stat and an open, in bytes of scanning, for balancing chunks
_CHUNKS_PER_WORKER = 8
_NEXTLINE = NEXTLINE_MARKER.encode()
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_LINE_STARTS = re.compile(rb"^(?=[^\n])", re.MULTILINE)


@dataclass(frozen=True)
class FileHit:
    path: str
    line: int
    column: int
    rule: str
    value: str


@dataclass
class TreeResult:
    hits: list[FileHit] = field(default_factory=list)
    files: int = 0
    binary: int = 0
    too_large: list[tuple[str, int]] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    submodules: list[str] = field(default_factory=list)
    inline_suppressed: int = 0
    own_reports: int = 0  # launchgate's own reports, never scanned

    def absorb(self, other: TreeResult) -> None:
        """Append another part's results (parts of one scan, merged in path order)."""
        self.hits.extend(other.hits)
        self.files += other.files
        self.binary += other.binary
        self.too_large.extend(other.too_large)
        self.unreadable.extend(other.unreadable)
        self.submodules.extend(other.submodules)
        self.inline_suppressed += other.inline_suppressed
        self.own_reports += other.own_reports


def excluded(path: str, patterns: Sequence[str]) -> bool:
    """The manifest's ``secrets.exclude``: a pattern excludes a path it matches (see
    :func:`path_matches`) and everything under a directory it matches (``vendor``, ``vendor/``,
    ``vendor/**``, ``**/node_modules`` and a bare ``node_modules`` at any depth)."""
    if not patterns:
        return False
    cleaned = _clean(tuple(patterns))
    if any(path_matches(path, p) for p in cleaned):
        return True
    parent = path.rpartition("/")[0]
    return bool(parent) and _dir_excluded(parent, cleaned)


@lru_cache(maxsize=8)
def _clean(patterns: tuple[str, ...]) -> tuple[str, ...]:
    cleaned = (p.strip().removeprefix("./").rstrip("/") for p in patterns)
    return tuple(p for p in cleaned if p)


@lru_cache(maxsize=65536)
def _dir_excluded(directory: str, patterns: tuple[str, ...]) -> bool:
    """Directories repeat for every file in them: cached, each checked once per pattern set."""
    if any(path_matches(directory, p) for p in patterns):
        return True
    parent = directory.rpartition("/")[0]
    return bool(parent) and _dir_excluded(parent, patterns)


def git_tree_files(toplevel: Path, pathspecs: Sequence[str] = ()) -> list[str]:
    """Tracked files plus untracked files that are not ignored, relative to the top level.

    ``pathspecs`` (exclusions) keep git from even listing excluded directories.
    """
    args = ["ls-files", "-z", "--cached", "--others", "--exclude-standard"]
    proc = run_git(toplevel, *args, *(["--", *pathspecs] if pathspecs else []))
    names = proc.stdout.split(b"\0")
    return list(dict.fromkeys(n.decode("utf-8", "surrogateescape") for n in names if n))


def head_files(repo: Path) -> set[str]:
    """Paths in HEAD's tree (for a bare clone, where there is no work tree to read)."""
    proc = run_git(repo, "ls-tree", "-r", "-z", "--name-only", "HEAD")
    names = proc.stdout.split(b"\0") if proc.returncode == 0 else []
    return {n.decode("utf-8", "surrogateescape") for n in names if n}


def walk_files(base: Path, under: Path, exclude: Sequence[str] = ()) -> list[str]:
    """Every file below ``under`` (not following symlinks), relative to ``base``; skips .git
    and never descends into an excluded directory."""
    out: list[str] = []
    for dirpath, dirnames, filenames in os.walk(under):
        rel = Path(dirpath).relative_to(base).as_posix()
        rel = "" if rel == "." else rel + "/"
        dirnames[:] = [
            d for d in dirnames if d != ".git" and not excluded(display_path(rel + d), exclude)
        ]
        for name in filenames:
            out.append(rel + name)
    return out


def display_path(path: str) -> str:
    """File names from disk may hold undecodable bytes; show them escaped, never crash."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def scan_files(
    base: Path,
    paths: Iterable[str],
    detector: Detector,
    max_bytes: int,
    exclude: Sequence[str] = (),
    progress: Callable[[str], None] = lambda _m: None,
    label: str = "tree",
    *,
    workers: int | None = None,
    packs: Sequence[Path] = (),
    worker_command: Sequence[str] = WORKER,
) -> TreeResult:
    """Scan ``paths`` (relative to ``base``) that ``exclude`` does not exclude.

    ``workers=1`` scans in this process; ``None`` uses every core once the files to read weigh
    more than ``IN_PROCESS_MAX_BYTES`` (below that, starting workers costs more than it saves);
    a number forces that many workers. ``packs`` are the user's rule packs, for the workers'
    detectors; ``worker_command`` lets tests start workers that fail. The result is the same
    either way, in the same order.
    """
    kept = [rel for rel in paths if not excluded(display_path(rel), exclude)]
    n = workers or default_workers()
    if n > 1:
        weights = _weights(base, kept, max_bytes)
        if workers is not None or sum(weights) > IN_PROCESS_MAX_BYTES:
            chunks = plan_chunks(kept, weights, n)
            return _scan_on_workers(
                base, chunks, detector, max_bytes, n, packs, worker_command, progress, label
            )
    return _scan_here(base, kept, detector, max_bytes, progress, label)


def _weights(base: Path, paths: Sequence[str], max_bytes: int) -> list[int]:
    """What each file costs to scan, in bytes: its size if it will be read, plus a constant
    for the stat and open every file costs (``lstat`` only; a failure weighs the constant)."""
    top = os.fsencode(base)
    out = []
    for rel in paths:
        try:
            size = os.lstat(os.path.join(top, os.fsencode(rel))).st_size
        except OSError:
            size = 0
        out.append(_FILE_COST + (size if size <= max_bytes else 0))
    return out


def plan_chunks(paths: Sequence[str], weights: Sequence[int], workers: int) -> list[list[str]]:
    """Contiguous runs of about equal weight, ~8 per worker so one dense directory does not
    leave the other cores idle at the end; contiguous so results merge back in order."""
    target = sum(weights) // (workers * _CHUNKS_PER_WORKER) + 1
    chunks: list[list[str]] = []
    current: list[str] = []
    weight = 0
    for rel, w in zip(paths, weights, strict=True):
        current.append(rel)
        weight += w
        if weight >= target:
            chunks.append(current)
            current, weight = [], 0
    if current:
        chunks.append(current)
    return chunks


def _scan_on_workers(
    base: Path,
    chunks: list[list[str]],
    detector: Detector,
    max_bytes: int,
    n: int,
    packs: Sequence[Path],
    command: Sequence[str],
    progress: Callable[[str], None],
    label: str,
) -> TreeResult:
    """Chunks on this process and ``n - 1`` workers, merged in chunk order (so in path order, as
    in one process); a chunk whose worker died is scanned here instead."""
    jobs: list[Job] = [("files", chunk, max_bytes) for chunk in chunks]
    parts: dict[int, TreeResult] = {}
    total = sum(len(chunk) for chunk in chunks)
    done = 0

    def here(index: int) -> TreeResult:
        return _scan_here(base, chunks[index], detector, max_bytes)

    for index, part in run_jobs(jobs, TreeResult, n, base, packs, command=command, local=here):
        if part is None:
            part = _scan_here(base, chunks[index], detector, max_bytes)
        parts[index] = part
        done += len(chunks[index])
        progress(f"secrets: {label} {done}/{total} files")
    out = TreeResult()
    for index in range(len(chunks)):
        out.absorb(parts[index])
    return out


def _scan_here(
    base: Path,
    paths: Sequence[str],
    detector: Detector,
    max_bytes: int,
    progress: Callable[[str], None] = lambda _m: None,
    label: str = "tree",
) -> TreeResult:
    out = TreeResult()
    top = os.fsencode(base)
    for i, rel in enumerate(paths):
        shown = display_path(rel)
        full = os.path.join(top, os.fsencode(rel))
        try:
            # One lstat says link, directory or size; the open refuses a link swapped in since.
            st = os.lstat(full)
            if stat.S_ISLNK(st.st_mode):
                continue
            if stat.S_ISDIR(st.st_mode):
                if os.path.lexists(os.path.join(full, b".git")):
                    out.submodules.append(shown)  # a submodule: not followed (own repository)
                continue
            if st.st_size > max_bytes:
                out.too_large.append((shown, st.st_size))
                continue
            data = _read(full, max_bytes)
        except OSError:
            out.unreadable.append(shown)
            continue
        out.files += 1
        text = as_text(data)
        if text is None:
            out.binary += 1
            continue
        if is_own_report(data):
            out.own_reports += 1
            continue
        scan_buffer(text, shown, detector, out)
        if i % 500 == 499:
            progress(f"secrets: {label} {i + 1} files")
    return out


def _read(path: bytes, max_bytes: int) -> bytes:
    """At most ``max_bytes`` (+1, so growth past the cap shows) of a file, never through a link."""
    fd = os.open(path, os.O_RDONLY | _NOFOLLOW)
    try:
        chunks = []
        left = max_bytes + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)  # one chunk: the same object, no copy
    finally:
        os.close(fd)


def scan_buffer(
    data: bytes,
    path: str,
    detector: Detector,
    out: TreeResult,
    allowed_lines: dict[bytes, int] | None = None,
) -> None:
    """Candidates via the prefilter over the whole file; line numbers counted incrementally.

    Files whose format a keywordless rule knows (``.pgpass``, ``master.key``) are read whole.
    ``allowed_lines`` collects what inline markers allowed by line (a digest of its text)
    instead of counting it, for callers that read the same line in many file versions."""
    counted_to = 0
    line_no = 1
    le = -1
    if detector.whole_file(path):
        starts: Iterable[int] = (m.start() for m in _LINE_STARTS.finditer(data))
    else:
        starts = detector.candidates(data)
    for pos in starts:
        if pos < le:
            continue  # another keyword on the line just scanned (never search back again)
        ls = data.rfind(b"\n", 0, pos) + 1
        line_no += data.count(b"\n", counted_to, ls)
        counted_to = ls
        le = data.find(b"\n", pos)
        le = len(data) if le < 0 else le
        raw = data[ls:le]
        prev = data[data.rfind(b"\n", 0, max(ls - 1, 0)) + 1 : max(ls - 1, 0)] if ls else b""
        previous = prev.decode("utf-8", "replace") if _NEXTLINE in prev else None
        text = raw.decode("utf-8", "replace").rstrip("\r")
        hits, suppressed = detector.scan(text, path, previous)
        if suppressed and allowed_lines is not None:
            allowed_lines[hashlib.blake2b(raw, digest_size=16).digest()] = suppressed
        else:
            out.inline_suppressed += suppressed
        for hit in hits:
            value = hit.value
            if hit.extend:
                extended = extend_value(value, following_lines(data, le))
                if extended is None:
                    continue
                value = extended
            out.hits.append(FileHit(path, line_no, hit.column, hit.rule, value))


def bundle_files(root: Path, dirs: Sequence[str], exclude: Sequence[str] = ()) -> list[str]:
    """Files under the build-output directories that exist (relative to ``root``)."""
    files: list[str] = []
    for d in dirs:
        target = (root / d).resolve()
        if target.is_dir() and target.is_relative_to(root.resolve()):
            files.extend(walk_files(root.resolve(), target, exclude))
    return list(dict.fromkeys(files))
