"""Variables frameworks read implicitly (NextAuth's NEXTAUTH_SECRET, Rails' SECRET_KEY_BASE...).

No line of the app's code names them, so without this knowledge ``env.unused-declaration`` would
report the manifest ``launchgate init`` wrote on its own first run. The knowledge is data:
``checks/env-frameworks.yml``, each framework with marker files that detect it and examples that
the test suite runs.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from launchgate.resources import data_dir

PACK = "env-frameworks.yml"
KIND = "env-frameworks"
MAX_MARKER_BYTES = 1_000_000  # a marker (package.json, Gemfile) is small; never read a huge file


@dataclass(frozen=True)
class Marker:
    """The framework is there when ``file`` (a glob under the root) holds ``contains``."""

    file: str
    contains: str = ""

    def holds(self, root: Path) -> bool:
        for path in sorted(root.glob(self.file))[:20]:
            try:
                if not path.is_file() or path.stat().st_size > MAX_MARKER_BYTES:
                    continue
                if self.contains in path.read_text(encoding="utf-8", errors="replace"):
                    return True
            except OSError:
                continue
        return False


@dataclass(frozen=True)
class Framework:
    id: str
    title: str
    detect: tuple[Marker, ...]
    reads: tuple[str, ...]
    positive: tuple[Mapping[str, str], ...] = ()
    negative: tuple[Mapping[str, str], ...] = ()

    def present(self, root: Path) -> bool:
        return any(marker.holds(root) for marker in self.detect)


def _framework(raw: Mapping[str, Any]) -> Framework:
    examples = raw.get("examples") or {}
    return Framework(
        id=str(raw["id"]),
        title=str(raw["title"]),
        detect=tuple(Marker(str(m["file"]), str(m.get("contains", ""))) for m in raw["detect"]),
        reads=tuple(str(name) for name in raw["reads"]),
        positive=tuple(examples.get("positive") or ()),
        negative=tuple(examples.get("negative") or ()),
    )


@functools.cache
def builtin_frameworks() -> tuple[Framework, ...]:
    data = yaml.safe_load((data_dir("checks") / PACK).read_text(encoding="utf-8"))
    if not isinstance(data, Mapping) or data.get("kind") != KIND:
        raise ValueError(f"checks/{PACK}: expected a mapping with kind: {KIND}")
    return tuple(_framework(raw) for raw in data["frameworks"])


def implicit_reads(root: Path, frameworks: Sequence[Framework] | None = None) -> dict[str, str]:
    """Variable -> the title of a framework detected under ``root`` that reads it by itself."""
    found: dict[str, str] = {}
    for framework in builtin_frameworks() if frameworks is None else frameworks:
        if framework.present(root):
            for name in framework.reads:
                found.setdefault(name, framework.title)
    return found
