"""Path globs of rules and allowlists: how they match, and the cheap tests that come first."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Sequence


def header_literal(glob: str) -> str:
    """Lowercase text that every ``diff --git`` header of a file ``glob`` matches contains:
    ``/.pgpass`` for ``**/.pgpass``, ``config/credentials/`` for ``**/config/credentials/*.key``."""
    last = glob.rsplit("/", 1)[-1]
    if not any(c in last for c in "*?["):
        return "/" + last.lower()
    runs = [r for r in re.split(r"\*\*/|[*?]|\[[^\]]*\]", glob) if r]
    return max(runs, key=len).lower() if runs else glob.lower()


def paths_prefilter(patterns: Sequence[str]) -> re.Pattern[str]:
    """One regex that matches every path :func:`path_matches` matches for any of ``patterns``
    (and maybe a few more): the cheap no for the many paths no path-scoped rule is about."""
    variants: list[str] = []
    for pattern in patterns:
        variants.append(fnmatch.translate(pattern))
        if pattern.startswith("**/"):
            variants.append(fnmatch.translate(pattern[3:]))
        if "/" not in pattern:
            variants.append("(?s:.*/)?" + fnmatch.translate(pattern))
    return re.compile("|".join(f"(?:{v})" for v in variants) or r"(?!)")


def path_matches(path: str, pattern: str) -> bool:
    """``**/x`` also matches top-level ``x``; a pattern without ``/`` matches any basename."""
    if fnmatch.fnmatchcase(path, pattern):
        return True
    if pattern.startswith("**/") and fnmatch.fnmatchcase(path, pattern[3:]):
        return True
    return "/" not in pattern and fnmatch.fnmatchcase(path.rsplit("/", 1)[-1], pattern)
