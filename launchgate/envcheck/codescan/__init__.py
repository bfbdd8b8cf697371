"""Find the variables code reads: walk the tree, hand each file to its language's reader.

Vendored and generated directories (node_modules, .git, vendor, virtualenvs, build output) are
pruned so the scan reflects the project's own code and stays fast.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from launchgate.envcheck.codescan.javascript import component_reads, javascript_reads
from launchgate.envcheck.codescan.model import EnvRead
from launchgate.envcheck.codescan.python import python_reads
from launchgate.envcheck.codescan.ruby import ruby_reads
from launchgate.envcheck.codescan.workflows import workflow_reads

__all__ = ["EnvRead", "ScanResult", "reader_for", "scan_tree"]

Reader = Callable[[str, str], list[EnvRead]]

SKIP_DIRS = frozenset(
    {
        ".git", ".hg", ".svn", "node_modules", "bower_components", "jspm_packages", "vendor",
        ".venv", "venv", "virtualenv", ".tox", ".nox", "__pycache__", ".mypy_cache",
        ".pytest_cache", ".ruff_cache", ".hypothesis", "site-packages", "dist", "build",
        ".next", ".nuxt", ".svelte-kit", ".output", ".vercel", ".netlify", "coverage",
        ".terraform", ".cache", ".launchgate", ".bundle", "tmp", ".yarn", ".pnpm-store",
    }
)  # fmt: skip
MAX_BYTES = 2_000_000
_BY_SUFFIX: dict[str, Reader] = {
    ".py": python_reads,
    ".js": javascript_reads,
    ".jsx": javascript_reads,
    ".mjs": javascript_reads,
    ".cjs": javascript_reads,
    ".ts": javascript_reads,
    ".tsx": javascript_reads,
    ".mts": javascript_reads,
    ".cts": javascript_reads,
    ".vue": component_reads,
    ".svelte": component_reads,
    ".astro": component_reads,
    ".rb": ruby_reads,
    ".rake": ruby_reads,
    ".ru": ruby_reads,
}
_RUBY_NAMES = frozenset({"Gemfile", "Rakefile", "Guardfile", "Capfile"})


@dataclass
class ScanResult:
    reads: list[EnvRead] = field(default_factory=list)
    files: int = 0


def reader_for(relative: str) -> Reader | None:
    """The reader for a repository-relative posix path, or None when it is not code we read."""
    name = relative.rsplit("/", 1)[-1]
    if name.endswith((".min.js", ".bundle.js", ".d.ts")):
        return None
    if relative.startswith(".github/workflows/") and name.endswith((".yml", ".yaml")):
        return workflow_reads
    if name in _RUBY_NAMES:
        return ruby_reads
    return _BY_SUFFIX.get(os.path.splitext(name)[1])


def _walk(top: Path) -> Iterator[Path]:
    if top.is_file():
        yield top
        return
    for directory, dirs, files in os.walk(top):
        dirs[:] = sorted(
            d
            for d in dirs
            if d not in SKIP_DIRS and not (Path(directory, d) / "pyvenv.cfg").exists()
        )
        for name in sorted(files):
            yield Path(directory, name)


def _targets(root: Path, code_paths: Sequence[str]) -> Iterator[Path]:
    if not code_paths:
        yield from _walk(root)
        return
    for entry in code_paths:
        candidate = root / entry
        if candidate.exists():
            yield from _walk(candidate)
        else:
            for match in sorted(root.glob(entry)):
                yield from _walk(match)


def scan_tree(root: Path, code_paths: Sequence[str] = ()) -> ScanResult:
    """Reads found under ``root`` (or only under ``code_paths``: directories, files or globs)."""
    root = root.resolve()
    result = ScanResult()
    seen: set[Path] = set()
    for path in _targets(root, code_paths):
        try:
            relative = path.resolve().relative_to(root).as_posix()
        except ValueError:
            continue  # a symlink out of the repository
        reader = reader_for(relative)
        if reader is None or path in seen:
            continue
        seen.add(path)
        try:
            if path.stat().st_size > MAX_BYTES:
                continue
            text = path.read_bytes().decode("utf-8", "replace")
        except OSError:
            continue
        result.files += 1
        result.reads.extend(reader(text, relative))
    return result
