"""One HTTP exchange, and a redirect chain followed hop by hop, as data the verdicts can read.

Failures (DNS, refused, reset, TLS, timeout) are values, not exceptions: every route gets an
answer or a reason within its time. Redirects are followed here, not by httpx, so each hop is
recorded (loops are shown hop by hop) and credentials go only to the declared host.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpx

from launchgate.smoke.verdict import REDIRECTS, find_loop
from launchgate.web.body import read_body
from launchgate.web.client import RAW_LOCATION, request_deadline


@dataclass(frozen=True)
class Exchange:
    """A request and what came back (or why nothing did)."""

    method: str
    url: str
    status: int | None = None
    headers: httpx.Headers = field(default_factory=httpx.Headers)
    body: bytes = b""
    truncated: bool = False
    undecoded: str | None = None  # a Content-Encoding left as sent (not one we asked for)
    elapsed_ms: float = 0.0
    error_kind: str | None = None  # dns, refused, reset, tls, timeout, protocol, connect
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status is not None

    @property
    def https(self) -> bool:
        return self.url.startswith("https://")

    @property
    def content_type(self) -> str:
        return str(self.headers.get("content-type", "")).split(";")[0].strip().lower()

    @property
    def is_html(self) -> bool:
        return self.content_type in ("text/html", "application/xhtml+xml")

    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def location(self) -> str | None:
        """The absolute redirect target, if this is a redirect."""
        target = self.headers.get("location") or self.headers.get(RAW_LOCATION)
        if self.status not in REDIRECTS or not target:
            return None
        return urljoin(self.url, str(target).strip())


def _failure(exc: httpx.HTTPError) -> tuple[str, str]:
    text = str(exc) or type(exc).__name__
    lowered = text.lower()
    if isinstance(exc, httpx.TimeoutException):
        return "timeout", f"no complete answer in time ({text})"
    if isinstance(exc, httpx.DecodingError):
        return "protocol", f"the server broke HTTP: {text}"
    if "certificate" in lowered or "ssl" in lowered or "tls" in lowered:
        return "tls", f"TLS failed: {text}"
    if "name or service" in lowered or "getaddrinfo" in lowered or "resolve" in lowered:
        return "dns", f"the name does not resolve: {text}"
    if "refused" in lowered:
        return "refused", "the connection was refused"
    if "reset" in lowered or isinstance(exc, httpx.ReadError | httpx.WriteError):
        return "reset", f"the connection was reset: {text}"
    if isinstance(exc, httpx.RemoteProtocolError):
        return "protocol", f"the server broke HTTP: {text}"
    return "connect", text


def exchange(
    client: httpx.Client,
    method: str,
    url: str,
    *,
    headers: Mapping[str, str] | None = None,
    content: str | None = None,
    timeout_s: float,
    deadline: float,
    max_bytes: int,
) -> Exchange:
    """Send one request; read at most ``max_bytes`` of the body; never raise for the network."""
    left = deadline - time.monotonic()
    if left <= 0:
        return Exchange(method, url, error_kind="timeout", error="the check's deadline passed")
    timeout = max(0.05, min(timeout_s, left))
    started = time.perf_counter()
    ends = time.monotonic() + timeout
    try:
        with (
            request_deadline(ends),
            client.stream(
                method, url, headers=dict(headers or {}), content=content, timeout=timeout
            ) as response,
        ):
            body = read_body(response, max_bytes, deadline=ends)
            elapsed = (time.perf_counter() - started) * 1000
            return Exchange(
                method,
                url,
                status=response.status_code,
                headers=response.headers,
                body=body.content,
                truncated=body.truncated,
                undecoded=body.undecoded,
                elapsed_ms=elapsed,
            )
    except httpx.HTTPError as exc:
        kind, reason = _failure(exc)
        elapsed = (time.perf_counter() - started) * 1000
        return Exchange(method, url, elapsed_ms=elapsed, error_kind=kind, error=reason)
    except httpx.InvalidURL as exc:
        return Exchange(method, url, error_kind="connect", error=f"invalid URL: {exc}")


@dataclass(frozen=True)
class Chain:
    """Every hop of a request followed through its redirects; ``final`` is the last answer."""

    hops: tuple[Exchange, ...]
    loop_at: int | None = None  # index of the hop whose target was already visited
    too_many: bool = False

    @property
    def final(self) -> Exchange:
        return self.hops[-1]

    @property
    def redirects(self) -> int:
        return len(self.hops) - 1

    def describe(self) -> str:
        """``http://a/ -301-> https://a/ -302-> https://a/login`` (hop by hop)."""
        parts = [self.hops[0].url]
        for hop in self.hops:
            target = hop.location()
            if target:
                parts.append(f"-{hop.status}-> {target}")
        return " ".join(parts)


def same_host(url: str, host: str) -> bool:
    return (urlsplit(url).hostname or "").lower().rstrip(".") == host.lower().rstrip(".")


# Headers that carry who the user is: never sent to a host the redirect chain moved to.
PRIVATE_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie"})
WEB_SCHEMES = ("http", "https")


def without_userinfo(url: str) -> str:
    """``https://user:pw@host/`` -> ``https://host/`` (httpx would send them as Basic auth)."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]).geturl()


def other_scheme(hop: Exchange, target: str) -> Exchange | None:
    """A redirect to ``file:``, ``ftp:``, ``javascript:``... is not fetched: the hop that would
    have followed it fails with the reason."""
    scheme = urlsplit(target).scheme.lower()
    if scheme in WEB_SCHEMES:
        return None
    shown = target if len(target) <= 80 else target[:77] + "..."
    return Exchange(
        hop.method,
        hop.url,
        error_kind="scheme",
        error=f"redirects ({hop.status}) to {shown}, a {scheme or 'relative'}: URL that is not "
        "a web page (launchgate follows only http: and https:)",
    )


def follow(
    client: httpx.Client,
    method: str,
    url: str,
    *,
    headers: Mapping[str, str] | None = None,
    credentials: Mapping[str, str] | None = None,
    content: str | None = None,
    max_redirects: int,
    timeout_s: float,
    deadline: float,
    max_bytes: int,
) -> Chain:
    """Follow redirects hop by hop. ``credentials`` (auth headers, captured cookies) are sent
    only while the hop's host is the first URL's host: a redirect to another host never gets them,
    nor the ``Authorization``/``Cookie`` of ``headers``, nor user:password written in a URL.
    Only http(s) targets are followed. After a 301/302/303 a POST becomes a GET without body,
    as browsers do."""
    declared = urlsplit(url).hostname or ""
    hops: list[Exchange] = []
    visited: list[str] = []
    current, current_method, body = url, method, content
    while True:
        home = same_host(current, declared)
        sent = {
            k: v for k, v in (headers or {}).items() if home or k.lower() not in PRIVATE_HEADERS
        }
        if credentials and home:
            sent.update(credentials)
        hop = exchange(
            client,
            current_method,
            current,
            headers=sent,
            content=body,
            timeout_s=timeout_s,
            deadline=deadline,
            max_bytes=max_bytes,
        )
        hops.append(hop)
        visited.append(current)
        target = hop.location()
        if target is None:
            return Chain(tuple(hops))
        refused = other_scheme(hop, target)
        if refused is not None:
            hops.append(refused)
            return Chain(tuple(hops))
        if not same_host(target, declared):
            target = without_userinfo(target)
        if find_loop([*visited, target]) is not None:
            return Chain(tuple(hops), loop_at=len(hops) - 1)
        if len(hops) > max_redirects:
            return Chain(tuple(hops), too_many=True)
        if hop.status in (301, 302, 303) and current_method not in ("GET", "HEAD"):
            current_method, body = "GET", None
        current = target
