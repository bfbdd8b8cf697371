"""What to smoke: the manifest's routes, flows, wait, domains and options as typed values.

Credentials come only from environment variables named in ``auth`` (never from the manifest);
every value read is handed to the masker before anything can print it.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlsplit

from launchgate.checkapi import CheckError
from launchgate.manifest import Manifest
from launchgate.web.expiry import DEFAULT_WARN_DAYS

_VARIABLE = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


@dataclass(frozen=True)
class Expect:
    status: tuple[int, ...] | None = None
    contains: str | None = None
    not_contains: str | None = None
    matches: str | None = None
    redirect_to: str | None = None
    content_type: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    json: Mapping[str, Any] = field(default_factory=dict)
    max_ms: float | None = None
    # Ad hoc URLs: a 401/403 is a healthy answer of a page that needs a login.
    refusal_ok: bool = False

    @property
    def wants_redirect(self) -> bool:
        """The route is itself a redirect: judge the first answer, do not follow."""
        return self.status is not None and all(300 <= s < 400 for s in self.status)


@dataclass(frozen=True)
class Capture:
    name: str
    source: str  # json, header, cookie
    expr: str


@dataclass(frozen=True)
class Route:
    name: str
    path: str | None = None
    url: str | None = None
    method: str = "GET"
    kind: str = "read"
    headers: Mapping[str, str] = field(default_factory=dict)
    body: str | None = None
    auth: Mapping[str, str] = field(default_factory=dict)
    private: bool = False
    expect: Expect = field(default_factory=Expect)
    timeout_ms: int | None = None
    captures: tuple[Capture, ...] = ()

    def target(self, base_url: str | None) -> str:
        if self.url:
            return self.url
        if not base_url:
            raise CheckError(
                f"route {self.name!r} has a path but there is no base URL: pass --base-url or "
                "--environment (with a base_url in the manifest)"
            )
        return base_url.rstrip("/") + (self.path or "/")


@dataclass(frozen=True)
class Flow:
    name: str
    steps: tuple[Route, ...]


@dataclass(frozen=True)
class Wait:
    path: str | None
    timeout_s: float
    interval_s: float


@dataclass(frozen=True)
class Domain:
    name: str
    redirect_to: str | None
    https: bool
    min_days_valid: int


@dataclass(frozen=True)
class SmokeConfig:
    base_url: str | None
    routes: tuple[Route, ...] = ()
    flows: tuple[Flow, ...] = ()
    domains: tuple[Domain, ...] = ()
    urls: tuple[str, ...] = ()  # ad hoc URLs: edge posture and page load
    wait: Wait | None = None
    security_headers: bool = True
    cors_allowed: tuple[str, ...] = ()
    timeout_s: float = 10.0
    concurrency: int = 8
    deadline_s: float = 120.0
    min_days_valid: int = DEFAULT_WARN_DAYS


def _expect(raw: Mapping[str, Any]) -> Expect:
    status = raw.get("status")
    statuses = (status,) if isinstance(status, int) else tuple(status) if status else None
    return Expect(
        status=statuses,
        contains=raw.get("contains"),
        not_contains=raw.get("not_contains"),
        matches=raw.get("matches"),
        redirect_to=raw.get("redirect_to"),
        content_type=raw.get("content_type"),
        headers=dict(raw.get("headers") or {}),
        json=dict(raw.get("json") or {}),
        max_ms=raw.get("max_ms"),
    )


def _captures(raw: Mapping[str, Any]) -> tuple[Capture, ...]:
    out = []
    for name, spec in (raw or {}).items():
        ((source, expr),) = dict(spec).items()  # the schema allows exactly one source
        out.append(Capture(str(name), str(source), str(expr)))
    return tuple(out)


def parse_route(raw: Mapping[str, Any]) -> Route:
    return Route(
        name=raw["name"],
        path=raw.get("path"),
        url=raw.get("url"),
        method=raw.get("method", "GET"),
        kind=raw.get("kind", "read"),
        headers=dict(raw.get("headers") or {}),
        body=raw.get("body"),
        auth=dict(raw.get("auth") or {}),
        private=bool(raw.get("private", False)),
        expect=_expect(raw.get("expect") or {}),
        timeout_ms=raw.get("timeout_ms"),
        captures=_captures(raw.get("capture") or {}),
    )


def base_url_for(manifest: Manifest, environment: str | None, base_url: str | None) -> str | None:
    """``--base-url`` wins; else the named environment's; else the only (or production) one."""
    if base_url:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise CheckError(f"--base-url {base_url!r} is not an http(s) URL")
        return base_url
    envs = manifest.environments
    if environment:
        if environment not in envs:
            known = ", ".join(sorted(envs)) or "none"
            raise CheckError(f"unknown environment {environment!r}; the manifest declares: {known}")
        return envs[environment].base_url
    with_url = [e for e in envs.values() if e.base_url]
    if len(with_url) == 1:
        return with_url[0].base_url
    production = [e for e in with_url if e.production]
    return production[0].base_url if len(production) == 1 else None


def load_config(
    manifest: Manifest,
    *,
    environment: str | None = None,
    base_url: str | None = None,
    urls: Sequence[str] = (),
) -> SmokeConfig:
    smoke = manifest.section("smoke")
    raw_routes = manifest.data.get("routes") or []
    wait_raw = smoke.get("wait")
    wait_raw = wait_raw if isinstance(wait_raw, Mapping) else {}
    # Declared routes are always waited for (a cold start is not a failure); ad hoc URLs only
    # when the command line asks (--wait).
    wait = (
        Wait(
            wait_raw.get("path"),
            float(wait_raw.get("timeout_s", 120)),
            float(wait_raw.get("interval_s", 2)),
        )
        if raw_routes or wait_raw
        else None
    )
    domains = tuple(
        Domain(
            name=d["name"].rstrip("."),
            redirect_to=d.get("redirect_to"),
            https=bool(d.get("https", True)),
            min_days_valid=int((d.get("tls") or {}).get("min_days_valid", DEFAULT_WARN_DAYS)),
        )
        for d in manifest.data.get("domains") or []
        if not d["name"].startswith("*.")
    )
    flows = tuple(
        Flow(f["name"], tuple(parse_route(s) for s in f["steps"])) for f in smoke.get("flows") or []
    )
    return SmokeConfig(
        base_url=base_url_for(manifest, environment, base_url),
        routes=tuple(parse_route(r) for r in raw_routes),
        flows=flows,
        domains=domains,
        urls=tuple(urls),
        wait=wait,
        security_headers=bool(smoke.get("security_headers", True)),
        cors_allowed=tuple((smoke.get("cors") or {}).get("allowed_origins") or ()),
        timeout_s=float(smoke.get("timeout_ms", 10000)) / 1000,
        concurrency=int(smoke.get("concurrency", 8)),
        deadline_s=float(smoke.get("deadline_s", 120)),
    )


@dataclass(frozen=True)
class Credentials:
    headers: Mapping[str, str]
    missing: tuple[str, ...]


def credentials(
    auth: Mapping[str, str], environ: Mapping[str, str], mask: Callable[[str], None]
) -> Credentials:
    """Request headers for a route's ``auth``; names of unset variables in ``missing``."""
    missing: list[str] = []

    def read(var: str) -> str:
        value = environ.get(var, "")
        if not value:
            missing.append(var)
        mask(value)
        return value

    headers: dict[str, str] = {}
    if "bearer_env" in auth:
        headers["Authorization"] = f"Bearer {read(auth['bearer_env'])}"
    if "header_env" in auth:
        headers[auth.get("header", "Authorization")] = read(auth["header_env"])
    if "basic_user_env" in auth or "basic_password_env" in auth:
        user = read(auth["basic_user_env"]) if "basic_user_env" in auth else ""
        password = read(auth["basic_password_env"]) if "basic_password_env" in auth else ""
        token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        mask(token)
        headers["Authorization"] = f"Basic {token}"
    for value in headers.values():
        mask(value)
    return Credentials(headers, tuple(missing))


def substitute(text: str, variables: Mapping[str, str]) -> str:
    """Replace ``{{name}}`` with captured values; unknown names stay as written."""
    return _VARIABLE.sub(lambda m: variables.get(m.group(1), m.group(0)), text)


def with_variables(route: Route, variables: Mapping[str, str]) -> Route:
    """A flow step with captured values substituted into its URL, path, headers and body."""
    if not variables:
        return route
    return replace(
        route,
        path=substitute(route.path, variables) if route.path else None,
        url=substitute(route.url, variables) if route.url else None,
        headers={k: substitute(v, variables) for k, v in route.headers.items()},
        body=substitute(route.body, variables) if route.body is not None else None,
    )
