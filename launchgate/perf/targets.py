"""Which routes perf times, and how: from the manifest's routes or from URLs on the command line.

Read routes are timed; a write route only when the manifest marks it ``repeat_safe: true`` (a
booking endpoint must not be called sixty times by a gate). Credentials come from environment
variables and are registered with the masker before any request is made.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from launchgate.checkapi import CheckError, Masker
from launchgate.findings import Severity
from launchgate.perf.sampler import RouteRequest
from launchgate.perf.verdict import Budget, budget_for


@dataclass(frozen=True)
class Target:
    name: str
    kind: str
    request: RouteRequest
    budget: Budget
    timeout_s: float | None = None
    label: str = ""


@dataclass(frozen=True)
class Targets:
    timed: tuple[Target, ...]
    # Write routes not marked safe to repeat: named in the summary so nobody thinks they passed.
    not_repeatable: tuple[str, ...] = field(default_factory=tuple)


def _auth_headers(route: Mapping[str, Any], masker: Masker) -> dict[str, str]:
    auth = route.get("auth")
    if not isinstance(auth, Mapping):
        return {}

    def read(var: str) -> str:
        value = os.environ.get(var)
        if not value:
            raise CheckError(f"route {route.get('name')!r}: environment variable {var} is not set")
        masker.add(value)
        return value

    if auth.get("bearer_env"):
        return {"Authorization": f"Bearer {read(auth['bearer_env'])}"}
    if auth.get("header_env"):
        return {str(auth.get("header", "Authorization")): read(auth["header_env"])}
    if auth.get("basic_user_env") and auth.get("basic_password_env"):
        pair = f"{read(auth['basic_user_env'])}:{read(auth['basic_password_env'])}"
        token = base64.b64encode(pair.encode()).decode()
        masker.add(token)
        return {"Authorization": f"Basic {token}"}
    return {}


def _expected(route: Mapping[str, Any]) -> tuple[int, ...]:
    status = (
        route.get("expect", {}).get("status") if isinstance(route.get("expect"), Mapping) else None
    )
    if isinstance(status, int):
        return (status,)
    if isinstance(status, list):
        return tuple(int(s) for s in status)
    return ()


def budget_of(route: Mapping[str, Any], override_p95: float | None = None) -> Budget:
    """A route's budget from the manifest (``--budget-p95`` overrides p95), or the default."""
    raw = route.get("budget")
    declared: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
    return budget_for(
        str(route.get("kind", "read")),
        override_p95 if override_p95 is not None else declared.get("p95_ms"),
        declared.get("p50_ms"),
        Severity.parse(str(declared.get("severity", "high"))),
    )


def _manifest_target(
    route: Mapping[str, Any], base_url: str | None, masker: Masker, budget_p95: float | None
) -> Target:
    name = str(route["name"])
    if route.get("url"):
        url = str(route["url"])
    elif base_url:
        url = urljoin(base_url.rstrip("/") + "/", str(route["path"]).lstrip("/"))
    else:
        raise CheckError(
            f"route {name!r} has a path but no base URL: pass --base-url or declare the "
            "environment's base_url"
        )
    kind = str(route.get("kind", "read"))
    body = route.get("body")
    timeout = route.get("timeout_ms")
    method = str(route.get("method", "GET"))
    return Target(
        name=name,
        kind=kind,
        request=RouteRequest(
            method=method,
            url=url,
            headers={**dict(route.get("headers") or {}), **_auth_headers(route, masker)},
            body=body.encode() if isinstance(body, str) else None,
            expected_status=_expected(route),
        ),
        budget=budget_of(route, budget_p95),
        timeout_s=timeout / 1000 if isinstance(timeout, int | float) else None,
        label=f"{method} {urlsplit(url).path or '/'}",
    )


def url_name(url: str) -> str:
    """A stable route name for an ad hoc URL: host and path (with the environment, the history
    key). A path given with ``--base-url`` is named by the path alone, so the same path on
    another preview URL extends the same history."""
    parts = urlsplit(url)
    return f"{parts.netloc}{parts.path or '/'}"


def targets_from(
    routes: Sequence[Mapping[str, Any]],
    urls: Sequence[str],
    base_url: str | None,
    masker: Masker,
    budget_p95: float | None = None,
) -> Targets:
    """Ad hoc URLs when given (each a read route), else the manifest's routes."""
    if urls:
        timed = []
        for given in urls:
            url, name = given, url_name(given)
            if not given.startswith(("http://", "https://")):
                if not base_url:
                    raise CheckError(f"{given!r} is not an http(s) URL and no --base-url was given")
                url = urljoin(base_url.rstrip("/") + "/", given.lstrip("/"))
                name = "/" + given.lstrip("/")
            timed.append(
                Target(
                    name=name,
                    kind="read",
                    request=RouteRequest("GET", url),
                    budget=budget_for("read", budget_p95),
                    label=f"GET {url}",
                )
            )
        return Targets(timed=tuple(timed))
    chosen, skipped = [], []
    for route in routes:
        if route.get("kind") == "write" and not route.get("repeat_safe"):
            skipped.append(str(route["name"]))
            continue
        chosen.append(_manifest_target(route, base_url, masker, budget_p95))
    return Targets(timed=tuple(chosen), not_repeatable=tuple(skipped))
