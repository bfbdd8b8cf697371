"""The dangling-CNAME service fingerprints (``checks/*.yml`` packs of ``kind: dns-takeover``)."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from launchgate.resources import rule_pack_paths

KIND = "dns-takeover"


@dataclass(frozen=True)
class Fingerprint:
    id: str
    service: str
    cnames: tuple[str, ...]
    positive: tuple[str, ...] = ()
    negative: tuple[str, ...] = ()

    def matches(self, target: str) -> bool:
        name = target.rstrip(".").lower()
        return any(fnmatch.fnmatchcase(name, pattern.lower()) for pattern in self.cnames)


def _fingerprints(data: Mapping[str, Any], source: Path) -> list[Fingerprint]:
    out = []
    for rule in data.get("rules") or []:
        try:
            examples = rule.get("examples") or {}
            out.append(
                Fingerprint(
                    id=str(rule["id"]),
                    service=str(rule["service"]),
                    cnames=tuple(str(c) for c in rule["cnames"]),
                    positive=tuple(str(e) for e in examples.get("positive") or ()),
                    negative=tuple(str(e) for e in examples.get("negative") or ()),
                )
            )
        except (KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"{source}: malformed dns-takeover rule {rule!r} ({exc})") from None
    return out


def load_fingerprints(paths: Iterable[Path]) -> tuple[Fingerprint, ...]:
    """Fingerprints from every pack of this kind among ``paths`` (other kinds are skipped)."""
    found: list[Fingerprint] = []
    for path in paths:
        data = yaml.safe_load(path.read_text("utf-8"))
        if isinstance(data, Mapping) and data.get("kind") == KIND:
            found.extend(_fingerprints(data, path))
    return tuple(found)


@lru_cache(maxsize=1)
def builtin_fingerprints() -> tuple[Fingerprint, ...]:
    return load_fingerprints(rule_pack_paths())


def service_of(target: str, fingerprints: Iterable[Fingerprint]) -> Fingerprint | None:
    return next((f for f in fingerprints if f.matches(target)), None)
