"""Previous runs: perf baselines and DNS snapshots as small JSON files in a state directory.

One file per key so CI caches and artifacts can carry them between runs; writes are atomic so
an interrupted run never leaves a half-written baseline behind (the temporary file of a writer
killed mid-write is removed by the next write), and :meth:`Store.update` holds a
lock around read-modify-write so two runs sharing a state directory do not lose each other's data.

The lock is ``flock`` on POSIX (Linux, macOS: the action's container and most CLI use) and
``msvcrt.locking`` on Windows. On a platform with neither, :data:`LOCKING` is ``None`` and
updates run unlocked: files are still never half-written, but two runs writing the same key at
the same moment can lose one of their changes (the last writer wins).
"""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")

_Lock = Callable[[IO[bytes]], None]
_lock: _Lock | None = None
_unlock: _Lock | None = None
LOCKING: str | None = None  # how Store.update locks on this platform (None: it cannot)

if sys.platform == "win32":
    import msvcrt

    def _lock(handle: IO[bytes]) -> None:
        handle.seek(0)
        while True:  # LK_LOCK gives up after about 10 s; keep waiting like flock does
            try:
                msvcrt.locking(handle.fileno(), msvcrt.LK_LOCK, 1)
                return
            except OSError:
                continue

    def _unlock(handle: IO[bytes]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

    LOCKING = "msvcrt.locking"
else:
    try:
        import fcntl
    except ImportError:  # neither POSIX nor Windows (e.g. WASI): unlocked, see above
        pass
    else:

        def _lock(handle: IO[bytes]) -> None:
            fcntl.flock(handle, fcntl.LOCK_EX)

        def _unlock(handle: IO[bytes]) -> None:
            fcntl.flock(handle, fcntl.LOCK_UN)

        LOCKING = "flock"


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
        self._remove_orphans(key)
        fd, tmp = tempfile.mkstemp(
            dir=self.directory, prefix=f".{key}.{os.getpid()}.", suffix=".tmp"
        )
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(value, handle, indent=2, sort_keys=True)
                handle.flush()
                os.fsync(handle.fileno())  # on disk before the rename: a crash leaves old or new
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def _remove_orphans(self, key: str) -> None:
        """Delete temporary files of ``key`` whose writer is gone (killed mid-write: SIGKILL
        leaves no chance to clean up). A live writer's file, named with its pid, is left alone."""
        for tmp in self.directory.glob(f".{key}.*.tmp"):
            parts = tmp.name[len(key) + 2 :].split(".")  # pid, mkstemp's letters, "tmp"
            if len(parts) == 3 and parts[0].isdigit() and not _alive(int(parts[0])):
                tmp.unlink(missing_ok=True)

    def update(self, key: str, change: Callable[[Any], Any]) -> Any:
        """Replace the value with ``change(current)`` under an exclusive lock; return the new one.

        The lock is advisory, on a sibling ``.<key>.lock`` file, so concurrent writers (two
        workflows on one runner, parallel test processes) apply their changes one after the
        other instead of the last writer silently dropping the other's. Without a lock on this
        platform (:data:`LOCKING` is ``None``) the change is applied unlocked.
        """
        self.directory.mkdir(parents=True, exist_ok=True)
        lock_path = self.directory / f".{self._file(key).stem}.lock"
        lock, unlock = _lock, _unlock
        with open(lock_path, "a+b") as handle:
            if lock is not None:
                lock(handle)
            try:
                value = change(self.get(key))
                self.put(key, value)
                return value
            finally:
                if unlock is not None:
                    unlock(handle)


def _alive(pid: int) -> bool:
    """Whether process ``pid`` runs (on Windows always assumed: ``os.kill`` would end it)."""
    if sys.platform == "win32":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True
