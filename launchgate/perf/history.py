"""The perf history: the last good runs per route, from which baselines are built.

Stored through :class:`~launchgate.store.Store` as one JSON file (``perf-history.json``) in the
state directory, so an Actions cache carries it from run to run. Only passing runs are appended
(a regression must never become the next baseline). Each run keeps at most ``SAMPLES_KEPT``
evenly spaced order statistics of its samples, rounded to 0.01 ms, plus commit and time: enough
for rank tests, small enough (a few kB per route) for a cache. A k6 import has no samples: its
record keeps p95 only (URL ``k6``), and k6 runs and launchgate's own are never mixed in a baseline.

Runs are keyed by **route name and environment** (the manifest environment the run measured, or
``default``), not by URL: a preview deployment on a new URL for every pull request still compares
with the previews before it, while production keeps its own baseline. The URL is kept for reading.

The baseline uses several runs, never one: its p95 is the median of the runs' p95s (one odd run
cannot move it) and the rank tests compare against the runs' pooled samples.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from launchgate.perf.stats import downsample, quantile
from launchgate.store import Store

KEY = "perf-history"
FORMAT = 1
DEFAULT_ENVIRONMENT = "default"
K6_URL = "k6"
SAMPLES_KEPT = 120
DEFAULT_RUNS_KEPT = 5
DEFAULT_MIN_RUNS = 3
MAX_ROUTES = 200
MAX_AGE = dt.timedelta(days=90)


@dataclass(frozen=True)
class RunRecord:
    """One good run of one route in one environment."""

    url: str
    commit: str | None
    time: str
    p95_ms: float
    samples: tuple[float, ...]
    environment: str = DEFAULT_ENVIRONMENT

    def to_dict(self) -> dict[str, Any]:
        return {
            "environment": self.environment,
            "url": self.url,
            "commit": self.commit,
            "time": self.time,
            "p95_ms": self.p95_ms,
            "samples": list(self.samples),
        }

    @classmethod
    def from_dict(cls, raw: Any) -> RunRecord | None:
        """A stored run, or None when it is malformed (a damaged entry is dropped, not fatal)."""
        if not isinstance(raw, Mapping):
            return None
        samples = raw.get("samples")
        p95 = raw.get("p95_ms")
        if (
            not isinstance(raw.get("url"), str)
            or not isinstance(raw.get("time"), str)
            or not isinstance(p95, int | float)
            or not isinstance(samples, list)
            or not all(isinstance(v, int | float) and v >= 0 for v in samples)
        ):
            return None
        try:
            dt.datetime.fromisoformat(raw["time"])
        except ValueError:
            return None
        commit = raw.get("commit")
        environment = raw.get("environment")
        return cls(
            environment=environment if isinstance(environment, str) else DEFAULT_ENVIRONMENT,
            url=raw["url"],
            commit=commit if isinstance(commit, str) else None,
            time=raw["time"],
            p95_ms=float(p95),
            samples=tuple(float(v) for v in samples),
        )


def record(
    url: str,
    samples: Sequence[float],
    commit: str | None,
    when: dt.datetime,
    environment: str = DEFAULT_ENVIRONMENT,
) -> RunRecord:
    """A compact record of a run's samples (see the module docstring)."""
    ordered = sorted(samples)
    kept = tuple(round(v, 2) for v in downsample(ordered, SAMPLES_KEPT))
    return RunRecord(
        environment=environment,
        url=url,
        commit=commit,
        time=when.astimezone(dt.UTC).isoformat(timespec="seconds"),
        p95_ms=round(quantile(ordered, 0.95), 2),
        samples=kept,
    )


@dataclass(frozen=True)
class Baseline:
    """What the current run is compared with."""

    runs: int
    p95_ms: float
    samples: tuple[float, ...]
    commits: tuple[str | None, ...]
    environment: str = DEFAULT_ENVIRONMENT


def _runs(document: Any, route: str) -> list[RunRecord]:
    if not isinstance(document, Mapping) or document.get("format") != FORMAT:
        return []
    routes = document.get("routes")
    entries = routes.get(route) if isinstance(routes, Mapping) else None
    if not isinstance(entries, list):
        return []
    return [r for r in (RunRecord.from_dict(e) for e in entries) if r is not None]


def baseline(
    store: Store,
    route: str,
    environment: str,
    min_runs: int = DEFAULT_MIN_RUNS,
    from_k6: bool = False,
) -> tuple[Baseline | None, int]:
    """The baseline for a route in an environment and the number of usable runs.

    None until ``min_runs`` good runs of the route in that environment (and from the same engine:
    k6 or launchgate) are stored, whatever URLs they measured.
    """
    runs = [
        r
        for r in _runs(store.get(KEY), route)
        if r.environment == environment and (r.url == K6_URL) == from_k6
    ]
    if len(runs) < max(1, min_runs):
        return None, len(runs)
    pooled = tuple(v for r in runs for v in r.samples)
    return (
        Baseline(
            runs=len(runs),
            p95_ms=statistics.median(r.p95_ms for r in runs),
            samples=pooled,
            commits=tuple(r.commit for r in runs),
            environment=environment,
        ),
        len(runs),
    )


def prune(
    document: Any,
    now: dt.datetime,
    runs_kept: int = DEFAULT_RUNS_KEPT,
    max_routes: int = MAX_ROUTES,
    max_age: dt.timedelta = MAX_AGE,
) -> dict[str, Any]:
    """Keep the newest ``runs_kept`` valid runs per route, environment and engine (launchgate or
    k6: separate baselines), drop runs older than ``max_age`` and keep the ``max_routes`` most
    recently measured routes. Malformed entries disappear."""
    oldest = (now - max_age).astimezone(dt.UTC).isoformat(timespec="seconds")
    routes: dict[str, list[RunRecord]] = {}
    raw_routes = document.get("routes") if isinstance(document, Mapping) else None
    names = list(raw_routes) if isinstance(raw_routes, Mapping) else []
    for name in names:
        if not isinstance(name, str):
            continue
        fresh = sorted((r for r in _runs(document, name) if r.time >= oldest), key=lambda r: r.time)
        series: dict[tuple[str, bool], list[RunRecord]] = {}
        for run in fresh:  # oldest first
            series.setdefault((run.environment, run.url == K6_URL), []).append(run)
        kept = [run for runs in series.values() for run in runs[-runs_kept:]]
        if kept:
            routes[name] = sorted(kept, key=lambda r: (r.time, r.environment))
    newest_first = sorted(routes, key=lambda n: routes[n][-1].time, reverse=True)[:max_routes]
    return {
        "format": FORMAT,
        "routes": {n: [r.to_dict() for r in routes[n]] for n in sorted(newest_first)},
    }


def append(
    store: Store,
    runs: Iterable[tuple[str, RunRecord]],
    now: dt.datetime,
    runs_kept: int = DEFAULT_RUNS_KEPT,
) -> dict[str, Any]:
    """Add good runs (route name, record) and prune, under the store's lock."""
    new = list(runs)

    def change(current: Any) -> dict[str, Any]:
        document: dict[str, Any] = (
            prune(current, now, runs_kept) if current else {"format": FORMAT, "routes": {}}
        )
        routes: dict[str, list[dict[str, Any]]] = document["routes"]
        for name, run in new:
            routes.setdefault(name, []).append(run.to_dict())
        return prune(document, now, runs_kept)

    result: dict[str, Any] = store.update(KEY, change)
    return result
