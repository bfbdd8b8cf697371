from pathlib import Path

import pytest

from launchgate import store as store_module
from launchgate.store import Store


def test_round_trip_and_atomic_files(tmp_path: Path) -> None:
    store = Store(tmp_path / "state")
    assert store.get("perf-baseline") is None
    store.put("perf-baseline", {"home": {"p95_ms": 120.5}})
    assert store.get("perf-baseline") == {"home": {"p95_ms": 120.5}}
    assert [p.name for p in (tmp_path / "state").iterdir()] == ["perf-baseline.json"]


def test_corrupt_file_is_a_fresh_start(tmp_path: Path) -> None:
    (tmp_path / "dns-snapshot.json").write_text("{not json")
    assert Store(tmp_path).get("dns-snapshot") is None


def test_keys_cannot_escape_the_directory(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="invalid store key"):
        Store(tmp_path).put("../evil", {})


def test_updates_are_locked_with_flock_on_posix(tmp_path: Path) -> None:
    import fcntl
    import threading

    assert store_module.LOCKING == "flock"
    store = Store(tmp_path)
    store.put("k", 0)
    inside = threading.Event()
    release = threading.Event()

    def slow(current: int) -> int:
        inside.set()
        release.wait(10)
        return current + 1

    writer = threading.Thread(target=store.update, args=("k", slow))
    writer.start()
    assert inside.wait(10)
    with open(tmp_path / ".k.lock", "a+b") as other:
        with pytest.raises(BlockingIOError):  # held by the update in progress
            fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
        release.set()
        writer.join(10)
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)  # released afterwards
    assert store.get("k") == 1


def test_without_a_lock_updates_still_apply_atomically(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A platform with neither flock nor msvcrt.locking: updates run unlocked, still atomic.
    monkeypatch.setattr(store_module, "_lock", None)
    monkeypatch.setattr(store_module, "_unlock", None)
    store = Store(tmp_path)
    assert store.update("k", lambda current: (current or 0) + 1) == 1
    assert store.update("k", lambda current: current + 1) == 2
    assert store.get("k") == 2
