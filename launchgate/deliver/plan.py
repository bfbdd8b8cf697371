"""The launch plan as the deliverables need it: routes with their URLs, monitor coverage, hosts.

Small pure helpers over the validated manifest data, shared by the audit (gaps), the handover
and the monitor generators, so all three agree on which routes are critical and watched.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

DEFAULT_INTERVAL = "1m"
_DURATION = re.compile(r"^([1-9][0-9]*)(s|m|h)$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600}


@dataclass(frozen=True)
class RoutePlan:
    """One manifest route resolved against the monitored environment's base URL."""

    name: str
    url: str | None  # None when the route has a path but no base URL is known
    method: str
    kind: str
    spec: Mapping[str, Any]


def section(data: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = data.get(name)
    return value if isinstance(value, Mapping) else {}


def items(data: Mapping[str, Any], name: str) -> list[Mapping[str, Any]]:
    value = data.get(name)
    return [v for v in value if isinstance(v, Mapping)] if isinstance(value, list) else []


def monitored_environment(data: Mapping[str, Any]) -> str | None:
    """``operations.monitors.environment``, else production (by name or flag), else the first."""
    envs = section(data, "environments")
    chosen = section(section(data, "operations"), "monitors").get("environment")
    if isinstance(chosen, str):
        return chosen
    for name, spec in envs.items():
        if isinstance(spec, Mapping) and spec.get("production") is True:
            return str(name)
    for name in ("production", "prod"):
        if name in envs:
            return name
    return next(iter(envs), None)


def base_url(data: Mapping[str, Any]) -> str | None:
    env = monitored_environment(data)
    spec = section(section(data, "environments"), env) if env else {}
    value = spec.get("base_url")
    return value.rstrip("/") if isinstance(value, str) else None


def routes(data: Mapping[str, Any]) -> list[RoutePlan]:
    base = base_url(data)
    out = []
    for spec in items(data, "routes"):
        url = spec.get("url")
        if not isinstance(url, str):
            path = spec.get("path")
            url = base + str(path) if base and isinstance(path, str) else None
        out.append(
            RoutePlan(
                name=str(spec.get("name")),
                url=url,
                method=str(spec.get("method", "GET")),
                kind=str(spec.get("kind", "read")),
                spec=spec,
            )
        )
    return out


def watched_routes(data: Mapping[str, Any]) -> list[RoutePlan]:
    """Routes the uptime monitors cover: the listed ones, or every read route by default.

    Write routes are never probed on a schedule (each probe would create an order or a booking),
    even when listed; the handover says so.
    """
    monitors = section(section(data, "operations"), "monitors")
    if not monitors:
        return []
    listed = monitors.get("routes")
    chosen = [r for r in routes(data) if r.kind != "write"]
    if isinstance(listed, list):
        names = {str(n) for n in listed}
        chosen = [r for r in chosen if r.name in names]
    return chosen


def unwatched_routes(data: Mapping[str, Any]) -> list[RoutePlan]:
    """Read routes that no declared monitor covers (write routes are not expected to be)."""
    watched = {r.name for r in watched_routes(data)}
    return [r for r in routes(data) if r.kind != "write" and r.name not in watched]


def interval_seconds(text: str) -> int:
    match = _DURATION.match(text)
    if not match:
        raise ValueError(f"not a duration: {text!r} (expected e.g. 30s, 1m, 5m)")
    return int(match.group(1)) * _UNIT_SECONDS[match.group(2)]


def monitor_interval(data: Mapping[str, Any]) -> str:
    value = section(section(data, "operations"), "monitors").get("interval")
    return value if isinstance(value, str) else DEFAULT_INTERVAL


def host_of(url: str | None) -> str | None:
    if not url:
        return None
    try:
        return urlsplit(url).hostname
    except ValueError:
        return None


def web_hosts(data: Mapping[str, Any]) -> list[str]:
    """Every name that serves HTTPS: declared domains (unless https: false), base URLs, routes."""
    names: list[str] = []
    for domain in items(data, "domains"):
        if domain.get("https", True) is not False and isinstance(domain.get("name"), str):
            names.append(str(domain["name"]).rstrip(".").lower())
    for spec in section(data, "environments").values():
        host = host_of(spec.get("base_url")) if isinstance(spec, Mapping) else None
        if host:
            names.append(host.lower())
    for route in routes(data):
        host = host_of(route.url)
        if host and route.url and route.url.startswith("https:"):
            names.append(host.lower())
    return sorted(set(names))


def covers(patterns: list[str], host: str) -> bool:
    """``example.com`` covers itself; ``*.example.com`` covers every subdomain of it."""
    host = host.lower().rstrip(".")
    for pattern in patterns:
        pattern = pattern.lower().rstrip(".")
        if pattern == host or (pattern.startswith("*.") and fnmatch.fnmatchcase(host, pattern)):
            return True
    return False
