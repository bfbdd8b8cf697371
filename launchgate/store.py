"""Previous runs: perf baselines and DNS snapshots as small JSON files in a state directory.

One file per key so CI caches and artifacts can carry them between runs; writes are atomic so
an interrupted run never leaves a half-written baseline behind, and :meth:`Store.update` holds a
lock around read-modify-write so two runs sharing a state directory do not lose each other's data.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import tempfile
from collections.abc import Callable
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

    def update(self, key: str, change: Callable[[Any], Any]) -> Any:
        """Replace the value with ``change(current)`` under an exclusive lock; return the new one.

        The lock is an advisory ``flock`` on a sibling ``.<key>.lock`` file, so concurrent writers
        (two workflows on one runner, parallel test processes) apply their changes one after the
        other instead of the last writer silently dropping the other's.
        """
        self.directory.mkdir(parents=True, exist_ok=True)
        lock_path = self.directory / f".{self._file(key).stem}.lock"
        with open(lock_path, "a+b") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                value = change(self.get(key))
                self.put(key, value)
                return value
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
