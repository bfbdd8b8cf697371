"""Where a run is: the repository root, the manifest that applies, and paths between them.

One rule everywhere: findings are relative to the manifest's directory (the directory the run is
about), and every report GitHub reads (annotations, SARIF, the job summary) is re-based to the
repository root, where GitHub places files.
"""

from __future__ import annotations

import os
from pathlib import Path

from launchgate.manifest import MANIFEST_NAME

# Directories never worth descending into when listing manifests below a directory.
_PRUNE = frozenset({".git", "node_modules", ".venv", "venv", "__pycache__", "dist", "build"})


def repository_root(start: Path) -> Path | None:
    """The nearest directory at or above ``start`` holding ``.git`` (a directory or a file)."""
    here = start.resolve()
    for directory in (here, *here.parents):
        if (directory / ".git").exists():
            return directory
    return None


def find_manifest(start: Path) -> Path | None:
    """The manifest in ``start`` or the nearest parent, as git, ruff and pytest find theirs.

    The walk stops at the repository root (a manifest above the repository belongs to something
    else) or, outside any repository, at the filesystem root.
    """
    here = start.resolve()
    top = repository_root(here)
    for directory in (here, *here.parents):
        candidate = directory / MANIFEST_NAME
        if candidate.is_file():
            return candidate
        if top is not None and directory == top:
            return None
    return None


def manifests_below(root: Path, limit: int = 10) -> list[str]:
    """Up to ``limit`` manifests under ``root`` (relative, sorted), for "which one did you mean"."""
    found: list[str] = []
    for top, dirs, files in os.walk(root):
        if MANIFEST_NAME in files:
            found.append(Path(top, MANIFEST_NAME).relative_to(root).as_posix())
            if len(found) >= limit:
                break
        dirs[:] = sorted(d for d in dirs if d not in _PRUNE and not d.startswith("."))
    return sorted(found)


def prefix_in_repository(directory: Path) -> str:
    """``directory`` relative to its repository root (``""`` at the root or outside a repo)."""
    top = repository_root(directory)
    if top is None:
        return ""
    prefix = directory.resolve().relative_to(top).as_posix()
    return "" if prefix == "." else prefix
