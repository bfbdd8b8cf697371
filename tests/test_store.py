from pathlib import Path

import pytest

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
