"""Previous runs: perf baselines and DNS snapshots as small JSON files in a state directory.

One file per key so CI caches and artifacts can carry them between runs; writes are atomic so
an interrupted run never leaves a half-written baseline behind.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


class Store:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _file(self, key: str) -> Path:
        if not _KEY.match(key):
            raise ValueError(f"invalid store key {key!r}")
        return self.directory / f"{key}.json"

    def get(self, key: str) -> Any:
        """The stored value, or None when absent or unreadable (a corrupt file is a fresh start)."""
        try:
            return json.loads(self._file(key).read_text("utf-8"))
        except (OSError, ValueError):
            return None

    def put(self, key: str, value: Any) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        target = self._file(key)
        fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=f".{key}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(value, handle, indent=2, sort_keys=True)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
