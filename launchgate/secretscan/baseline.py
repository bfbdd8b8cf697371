"""Baseline of accepted secrets, keyed on (path, rule, hash of the secret) — never line numbers.

Line numbers in a baseline cause merge conflicts (detect-secrets) and let a new secret hide on an
old line (gitleaks). Our key survives edits around the secret and matches nothing else. An
existing detect-secrets ``.secrets.baseline`` is also read: its entries match on (file, SHA-1 of
the secret), and entries audited as real secrets (``is_secret: true``) are not accepted.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from launchgate.redact import value_hash

DEFAULT_BASELINE = ".launchgate-secrets.json"
# About 200 bytes an entry: 20 MB is 100,000 accepted secrets. Past that the file is refused
# before it is read, so a baseline in a pull request cannot exhaust the runner's memory.
MAX_BASELINE_BYTES = 20_000_000
DETECT_SECRETS_BASELINE = ".secrets.baseline"
FORMAT = "launchgate-secrets-baseline"
VERSION = 1


class BaselineError(Exception):
    """The baseline file exists but cannot be used."""


@dataclass
class Baseline:
    keys: set[tuple[str, str, str]] = field(default_factory=set)  # (path, rule, value_hash)
    ds_keys: set[tuple[str, str]] = field(default_factory=set)  # (path, sha1 of value)
    sources: list[str] = field(default_factory=list)

    def accepts(self, path: str, rule: str, value: str) -> bool:
        if (path, rule, value_hash(value)) in self.keys:
            return True
        if not self.ds_keys:
            return False
        sha1 = hashlib.sha1(value.encode("utf-8"), usedforsecurity=False).hexdigest()
        return (path, sha1) in self.ds_keys

    def __len__(self) -> int:
        return len(self.keys) + len(self.ds_keys)


def load_baseline(paths: Iterable[Path]) -> Baseline:
    """Merge every baseline file that exists (ours or detect-secrets')."""
    out = Baseline()
    for path in paths:
        if not path.is_file():
            continue
        try:
            size = path.stat().st_size
            if size > MAX_BASELINE_BYTES:
                raise BaselineError(
                    f"{path}: baseline is {size:,} bytes, over the {MAX_BASELINE_BYTES:,}-byte cap"
                )
            data = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise BaselineError(f"{path}: cannot read baseline: {exc}") from None
        if not isinstance(data, dict):
            raise BaselineError(f"{path}: a baseline is a JSON object")
        if data.get("format") == FORMAT:
            _ours(data, path, out)
        elif "results" in data and "plugins_used" in data:
            _detect_secrets(data, path, out)
        else:
            raise BaselineError(
                f"{path}: not a launchgate or detect-secrets baseline "
                f"(write one with launchgate secrets --write-baseline)"
            )
        out.sources.append(str(path))
    return out


def _ours(data: dict[str, Any], path: Path, out: Baseline) -> None:
    # A newer launchgate may hash or key entries differently: reading its file as version 1 would
    # silently accept nothing (or the wrong things), so an unknown version is an error.
    if data.get("version") != VERSION:
        raise BaselineError(
            f"{path}: baseline version {data.get('version')!r} is not supported "
            f"(this launchgate reads version {VERSION}; upgrade launchgate or rewrite it with "
            "launchgate secrets --write-baseline)"
        )
    entries = data.get("entries")
    if not isinstance(entries, list):
        raise BaselineError(f"{path}: 'entries' must be a list")
    for entry in entries:
        try:
            out.keys.add((str(entry["path"]), str(entry["rule"]), str(entry["secret_hash"])))
        except (KeyError, TypeError):
            raise BaselineError(f"{path}: each entry needs path, rule and secret_hash") from None


def _detect_secrets(data: dict[str, Any], path: Path, out: Baseline) -> None:
    results = data.get("results")
    if not isinstance(results, dict):
        raise BaselineError(f"{path}: detect-secrets 'results' must be an object")
    for filename, items in results.items():
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict) and item.get("hashed_secret") and not item.get("is_secret"):
                out.ds_keys.add((str(filename), str(item["hashed_secret"])))


def write_baseline(path: Path, keys: Iterable[tuple[str, str, str]]) -> int:
    """Write (atomically) one entry per (path, rule, value_hash); returns the entry count.

    Sorted and without a timestamp: rewriting an unchanged baseline changes nothing, so it never
    causes a diff or a merge conflict on its own.
    """
    entries = [{"path": p, "rule": r, "secret_hash": h} for p, r, h in sorted(set(keys))]
    doc = {
        "format": FORMAT,
        "version": VERSION,
        "hash": "hmac-sha256 (launchgate.redact.value_hash)",
        "entries": entries,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(doc, handle, indent=2)
            handle.write("\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return len(entries)
