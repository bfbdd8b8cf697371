"""Import k6 end-of-test summaries so budgets and baselines judge k6 runs the same way.

Two shapes are read (both are what k6 writes, no k6 code involved):

* ``k6 run --summary-export FILE``: ``{"metrics": {"http_req_duration": {"avg": .., "med": ..,
  "p(95)": .., "max": ..}, "http_req_failed": {"passes": .., "fails": .., "value": ..},
  "http_reqs": {"count": .., "rate": ..}}}`` — statistics directly on each metric;
* ``handleSummary`` (``JSON.stringify(data)``): the same statistics under ``values``, with the
  metric's ``type`` (trend, rate, counter).

Each ``http_req_duration`` trend becomes a route: the whole run as ``k6``, and a sub-metric such
as ``http_req_duration{name:home}`` as route ``home`` (so it meets the manifest route of that name
and its budget). A trend with no samples (count 0, or no statistics at all) is an error: k6 itself
passes thresholds on such metrics, which is how a broken script ships green.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from launchgate.perf.stats import lower_rank

DURATION = "http_req_duration"
_SUBMETRIC = re.compile(r"^http_req_duration\{(?P<tags>[^}]*)\}$")
# Sub-metrics k6 adds on its own; they duplicate the whole-run trend.
_IGNORED_TAGS = {"expected_response:true"}


class K6Error(ValueError):
    """The file is not a k6 summary we can judge (or judges nothing)."""


@dataclass(frozen=True)
class K6Route:
    """Latency statistics k6 computed for one route (type-7 percentiles, like ours)."""

    route: str
    count: int | None
    p50: float
    p90: float | None
    p95: float
    p99: float | None
    max: float | None

    def p95_lower_bound(self) -> float | None:
        """A conservative 95% lower bound for p95 without the samples.

        When the order statistic that bounds p95 from below sits at or above the p90 position
        (true from about 100 samples on), k6's p90 is at most that bound. Unknown count: None.
        """
        if self.count is None or self.p90 is None:
            return None
        rank = lower_rank(self.count, 0.95, 0.95)
        if rank is None or rank - 1 < math.ceil(0.9 * (self.count - 1)):
            return None
        return self.p90


@dataclass(frozen=True)
class K6Summary:
    routes: tuple[K6Route, ...]
    requests: int | None
    failed: int | None


def _stats(metric: Mapping[str, Any]) -> Mapping[str, Any]:
    values = metric.get("values")
    return values if isinstance(values, Mapping) else metric


def _number(stats: Mapping[str, Any], key: str) -> float | None:
    value = stats.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


def _route_name(metric: str) -> str | None:
    if metric == DURATION:
        return "k6"
    match = _SUBMETRIC.match(metric)
    if not match or match["tags"] in _IGNORED_TAGS:
        return None
    tags = dict(t.split(":", 1) for t in match["tags"].split(",") if ":" in t)
    return tags.get("name") or tags.get("url") or match["tags"]


def _route(name: str, metric: str, raw: Any, requests: int | None) -> K6Route:
    if not isinstance(raw, Mapping):
        raise K6Error(f"{metric}: expected an object of statistics")
    stats = _stats(raw)
    count_value = _number(stats, "count")
    count = int(count_value) if count_value is not None else None
    if count is None and name == "k6":
        count = requests
    p50, p95 = _number(stats, "med"), _number(stats, "p(95)")
    if count == 0 or (p50 is None and p95 is None):
        raise K6Error(f"{metric} has no samples: nothing was measured, so nothing can pass")
    if p50 is None or p95 is None:
        raise K6Error(f"{metric} lacks med or p(95); add them to summaryTrendStats")
    if count is None and all(_number(stats, k) in (None, 0.0) for k in ("min", "max", "avg")):
        raise K6Error(f"{metric} has no samples (every statistic is zero)")
    return K6Route(
        route=name,
        count=count,
        p50=p50,
        p90=_number(stats, "p(90)"),
        p95=p95,
        p99=_number(stats, "p(99)"),
        max=_number(stats, "max"),
    )


def _counts(metrics: Mapping[str, Any]) -> tuple[int | None, int | None]:
    reqs = metrics.get("http_reqs")
    total = _number(_stats(reqs), "count") if isinstance(reqs, Mapping) else None
    failed_metric = metrics.get("http_req_failed")
    failed = None
    if isinstance(failed_metric, Mapping):
        # For http_req_failed a "pass" of the rate is a failed request.
        failed = _number(_stats(failed_metric), "passes")
    return (
        None if total is None else int(total),
        None if failed is None else int(failed),
    )


def parse_summary(document: Any) -> K6Summary:
    """Routes and request counts from a parsed k6 summary (either shape)."""
    metrics = document.get("metrics") if isinstance(document, Mapping) else None
    if not isinstance(metrics, Mapping):
        raise K6Error("not a k6 summary: no 'metrics' object")
    requests, failed = _counts(metrics)
    routes = []
    for metric in sorted(m for m in metrics if isinstance(m, str)):
        name = _route_name(metric)
        if name is not None:
            routes.append(_route(name, metric, metrics[metric], requests))
    if not routes:
        raise K6Error(f"no {DURATION} metric: the k6 run made no HTTP requests to judge")
    return K6Summary(routes=tuple(routes), requests=requests, failed=failed)


def load_summary(path: Path) -> K6Summary:
    """Read and parse a k6 summary file; every problem is a :class:`K6Error` naming the file."""
    try:
        document = json.loads(path.read_text("utf-8"))
    except OSError as exc:
        raise K6Error(f"{path}: cannot read ({exc.strerror or exc})") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise K6Error(f"{path}: not JSON ({exc})") from None
    try:
        return parse_summary(document)
    except K6Error as exc:
        raise K6Error(f"{path}: {exc}") from None
