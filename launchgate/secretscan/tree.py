"""Scan files on disk: the working tree (tracked + untracked-not-ignored) and build output.

Each file is read once; the detector's prefilter runs over the whole lowercased file, so only
candidate lines are decoded and analysed. Binary files and files over the size cap are skipped
and reported, never silently dropped.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from launchgate.secretscan.detector import (
    NEXTLINE_MARKER,
    Detector,
    extend_value,
    following_lines,
    path_matches,
)
from launchgate.secretscan.gitwalk import run_git

DEFAULT_BUNDLES = ("dist", "build", ".next/static", "out")
BUNDLE_MIN_CAP = 25_000_000  # minified bundles are large; a key in one is the worst leak
_BINARY_SNIFF = 8192
_NEXTLINE = NEXTLINE_MARKER.encode()


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
    long_lines: int = 0


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
) -> TreeResult:
    out = TreeResult()
    for i, rel in enumerate(paths):
        shown = display_path(rel)
        if excluded(shown, exclude):
            continue
        full = base / rel
        if full.is_symlink():
            continue
        if full.is_dir():
            if (full / ".git").exists():
                out.submodules.append(shown)  # a submodule: not followed (its own repository)
            continue
        try:
            size = full.stat().st_size
            if size > max_bytes:
                out.too_large.append((shown, size))
                continue
            data = full.read_bytes()
        except OSError:
            out.unreadable.append(shown)
            continue
        out.files += 1
        if b"\0" in data[:_BINARY_SNIFF]:
            out.binary += 1
            continue
        scan_buffer(data, shown, detector, out)
        if i % 500 == 499:
            progress(f"secrets: {label} {i + 1} files")
    return out


def scan_buffer(data: bytes, path: str, detector: Detector, out: TreeResult) -> None:
    """Candidates via the prefilter over the whole file; line numbers counted incrementally."""
    last_start = -1
    counted_to = 0
    line_no = 1
    for m in detector.prefilter.finditer(data.lower()):
        pos = m.start()
        ls = data.rfind(b"\n", 0, pos) + 1
        if ls == last_start:
            continue
        last_start = ls
        line_no += data.count(b"\n", counted_to, ls)
        counted_to = ls
        le = data.find(b"\n", pos)
        le = len(data) if le < 0 else le
        raw = data[ls:le]
        if len(raw) > 4096:
            out.long_lines += 1
        prev = data[data.rfind(b"\n", 0, max(ls - 1, 0)) + 1 : max(ls - 1, 0)] if ls else b""
        previous = prev.decode("utf-8", "replace") if _NEXTLINE in prev else None
        text = raw.decode("utf-8", "replace").rstrip("\r")
        hits, suppressed = detector.scan(text, path, previous)
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
