"""The perf history: compact records, baselines from several runs, pruning, crashes, concurrency."""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
from pathlib import Path

import pytest

from launchgate.perf import history
from launchgate.store import Store

NOW = dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.UTC)
URL = "https://www.example.com/api"


def _record(
    p95_shift: float, when: dt.datetime, n: int = 60, env: str = "default", url: str = URL
) -> history.RunRecord:
    samples = [100.0 + p95_shift + i * 0.5 for i in range(n)]
    return history.record(url, samples, "a" * 40, when, env)


def test_record_is_compact_and_rounded() -> None:
    big = history.record(URL, [i / 3 for i in range(1000)], None, NOW)
    assert len(big.samples) == history.SAMPLES_KEPT
    assert big.samples[0] == 0.0
    assert big.samples[-1] == 333.0
    assert all(round(v, 2) == v for v in big.samples)
    assert big.time == "2026-11-29T12:00:00+00:00"
    # type-7 p95 of all 1000 samples (h = 949.05), not of the kept ones
    assert big.p95_ms == 316.35


def test_baseline_needs_several_runs_in_the_same_environment(tmp_path: Path) -> None:
    store = Store(tmp_path)
    history.append(store, [("api", _record(0, NOW - dt.timedelta(hours=2)))], NOW)
    history.append(store, [("api", _record(50, NOW - dt.timedelta(hours=1)))], NOW)
    assert history.baseline(store, "api", "default") == (None, 2)
    history.append(store, [("api", _record(10, NOW))], NOW)
    base, count = history.baseline(store, "api", "default")
    assert count == 3
    assert base is not None
    assert base.runs == 3
    # median of the three runs' p95s: one odd run (shift 50) does not move it
    assert base.p95_ms == _record(10, NOW).p95_ms
    assert len(base.samples) == 180
    assert base.commits == ("a" * 40,) * 3
    assert base.environment == "default"
    # another environment has no baseline yet
    assert history.baseline(store, "api", "staging") == (None, 0)
    assert history.baseline(store, "api", "default", min_runs=4) == (None, 3)


def test_runs_are_keyed_by_environment_not_url_and_k6_runs_stay_apart(tmp_path: Path) -> None:
    store = Store(tmp_path)
    preview = [f"https://pr-{i}.preview.example.com/api" for i in range(3)]
    for i, url in enumerate(preview):  # a new preview URL for every pull request
        when = NOW - dt.timedelta(minutes=10 - i)
        history.append(store, [("api", _record(0, when, env="preview", url=url))], NOW)
    history.append(store, [("api", _record(300, NOW, env="production"))], NOW)
    k6 = history.RunRecord(history.K6_URL, None, NOW.isoformat(), 500.0, (), "preview")
    history.append(store, [("api", k6)] * 3, NOW)
    base, count = history.baseline(store, "api", "preview")
    assert (count, base is not None) == (3, True)
    assert base is not None and base.p95_ms == _record(0, NOW).p95_ms  # no k6, no production
    assert history.baseline(store, "api", "production") == (None, 1)
    k6_base, k6_count = history.baseline(store, "api", "preview", from_k6=True)
    assert k6_count == 3
    assert k6_base is not None and k6_base.p95_ms == 500.0
    stored = store.get(history.KEY)["routes"]["api"]
    assert {r["environment"] for r in stored} == {"preview", "production"}
    assert [r["url"] for r in stored][:3] == preview


def test_pruning_keeps_the_newest_runs_of_each_environment(tmp_path: Path) -> None:
    store = Store(tmp_path)
    for i in range(7):
        when = NOW - dt.timedelta(minutes=10 - i)
        history.append(store, [("api", _record(i, when, env="preview"))], NOW, runs_kept=3)
    history.append(store, [("api", _record(100, NOW - dt.timedelta(hours=1), env="prod"))], NOW)
    runs = store.get(history.KEY)["routes"]["api"]
    preview = [r["p95_ms"] for r in runs if r["environment"] == "preview"]
    assert preview == [_record(i, NOW).p95_ms for i in range(4, 7)]  # the newest 3 kept
    assert [r["environment"] for r in runs].count("prod") == 1  # older, but its own environment
    pruned = history.prune(store.get(history.KEY), NOW, runs_kept=1)["routes"]["api"]
    assert sorted((r["environment"], r["p95_ms"]) for r in pruned) == [
        ("preview", _record(6, NOW).p95_ms),
        ("prod", _record(100, NOW).p95_ms),
    ]


def test_a_run_stored_before_environments_counts_as_the_default_environment() -> None:
    raw = _record(0, NOW).to_dict()
    del raw["environment"]
    old = history.RunRecord.from_dict(raw)
    assert old is not None and old.environment == "default"
    assert history.RunRecord.from_dict({**raw, "environment": 7}) == old


def test_pruning_keeps_the_newest_runs_and_drops_old_and_broken_ones(tmp_path: Path) -> None:
    store = Store(tmp_path)
    for i in range(8):
        history.append(store, [("api", _record(i, NOW - dt.timedelta(minutes=10 - i)))], NOW)
    runs = store.get(history.KEY)["routes"]["api"]
    assert len(runs) == history.DEFAULT_RUNS_KEPT == 5
    assert [r["p95_ms"] for r in runs] == [_record(i, NOW).p95_ms for i in range(3, 8)]

    document = store.get(history.KEY)
    document["routes"]["old"] = [_record(0, NOW - dt.timedelta(days=91)).to_dict()]
    document["routes"]["broken"] = [{"url": URL, "samples": "nope"}, 42]
    pruned = history.prune(document, NOW)
    assert sorted(pruned["routes"]) == ["api"]
    assert (
        history.prune(document, NOW, runs_kept=2)["routes"]["api"][0]["p95_ms"] == runs[3]["p95_ms"]
    )
    assert list(history.prune(document, NOW, max_routes=1)["routes"]) == ["api"]


def test_most_recent_routes_are_kept_when_there_are_too_many(tmp_path: Path) -> None:
    document = {
        "format": history.FORMAT,
        "routes": {
            f"r{i}": [_record(0, NOW - dt.timedelta(minutes=i)).to_dict()] for i in range(5)
        },
    }
    assert sorted(history.prune(document, NOW, max_routes=2)["routes"]) == ["r0", "r1"]


def test_file_stays_small_enough_for_a_cache(tmp_path: Path) -> None:
    store = Store(tmp_path)
    for i in range(6):
        runs = [
            (f"route-{r}", _record(i, NOW - dt.timedelta(minutes=6 - i), n=600)) for r in range(20)
        ]
        history.append(store, runs, NOW)
    size = (tmp_path / f"{history.KEY}.json").stat().st_size
    assert size < 1_500_000  # 20 routes x 5 runs x 120 samples


def test_unknown_format_and_garbage_are_a_fresh_start(tmp_path: Path) -> None:
    (tmp_path / f"{history.KEY}.json").write_text(json.dumps({"format": 99, "routes": {"api": []}}))
    store = Store(tmp_path)
    assert history.baseline(store, "api", "default") == (None, 0)
    history.append(store, [("api", _record(0, NOW))], NOW)
    assert store.get(history.KEY)["format"] == history.FORMAT
    (tmp_path / f"{history.KEY}.json").write_text("{half a fil")
    assert history.baseline(store, "api", "default") == (None, 0)


def test_a_crash_mid_write_leaves_the_previous_history(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(tmp_path)
    history.append(store, [("api", _record(0, NOW))], NOW)
    before = (tmp_path / f"{history.KEY}.json").read_bytes()

    def crash(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt  # the runner is cancelled while the new file is being written

    monkeypatch.setattr(json, "dump", crash)
    with pytest.raises(KeyboardInterrupt):
        history.append(store, [("api", _record(5, NOW))], NOW)
    monkeypatch.undo()
    assert (tmp_path / f"{history.KEY}.json").read_bytes() == before
    assert not list(tmp_path.glob("*.tmp"))


def _writer(directory: str, index: int) -> None:
    store = Store(Path(directory))
    for j in range(5):
        when = NOW - dt.timedelta(seconds=100 - j)
        history.append(store, [(f"w{index}", _record(j, when))], NOW)


def test_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(str(tmp_path), i)) for i in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    routes = Store(tmp_path).get(history.KEY)["routes"]
    assert sorted(routes) == ["w0", "w1", "w2", "w3"]
    assert all(len(runs) == 5 for runs in routes.values())
    assert sorted(os.listdir(tmp_path)) == [f".{history.KEY}.lock", f"{history.KEY}.json"]
