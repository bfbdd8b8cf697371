"""Pages load: the subresources an HTML answer references are fetched once each.

A 4xx/5xx or unreachable asset is the classic launch-day blank page; an ``http:`` script on an
HTTPS page is blocked by browsers (mixed content). Same-site assets are fetched first; static
ones (scripts, styles, fonts) must be cacheable and compressed. Credentials are never sent.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from launchgate.findings import Finding, Location, Severity
from launchgate.smoke import verdict
from launchgate.smoke.catalogue import finding
from launchgate.smoke.probe import Exchange
from launchgate.web.html import Subresource, extract_subresources

MAX_ASSETS_PER_PAGE = 40
FETCHED_KINDS = frozenset({"script", "stylesheet", "image", "font", "media"})
STATIC_KINDS = frozenset({"script", "stylesheet", "font"})

Fetch = Callable[[str], Exchange]


@dataclass
class AssetLedger:
    """Assets already fetched in this run (shared by the route threads), so each loads once."""

    _seen: set[str] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def claim(self, url: str) -> bool:
        with self._lock:
            if url in self._seen:
                return False
            self._seen.add(url)
            return True


def _site(host: str) -> str:
    """The registrable-ish part of a host (last two labels), for same-site ordering only."""
    return ".".join(host.split(".")[-2:])


def mixed_content(page: Exchange, resources: list[Subresource], where: Location) -> list[Finding]:
    if not page.https:
        return []
    out = []
    for resource in resources:
        if resource.url.startswith("http://"):
            severity = Severity.HIGH if resource.active else Severity.MEDIUM
            blocked = "browsers block it" if resource.active else "browsers warn or upgrade it"
            out.append(
                finding(
                    "smoke.mixed-content",
                    f"{page.url} loads {resource.kind} {resource.url} over plain HTTP ({blocked})",
                    where,
                    severity=severity,
                    details={"kind": resource.kind},
                    key=resource.url,
                )
            )
    return out


def asset_findings(
    page: Exchange, resource: Subresource, asset: Exchange, where: Location
) -> list[Finding]:
    """Judge one fetched asset of ``page``."""
    if not asset.ok:
        return [
            finding(
                "smoke.broken-asset",
                f"{page.url} references {resource.kind} {resource.url}, which fails: {asset.error}",
                where,
                key=resource.url,
            )
        ]
    assert asset.status is not None
    if asset.status >= 400:
        return [
            finding(
                "smoke.broken-asset",
                f"{page.url} references {resource.kind} {resource.url}, which answers "
                f"{asset.status}",
                where,
                details={"status": asset.status},
                key=resource.url,
            )
        ]
    out = []
    same_site = _site(urlsplit(resource.url).hostname or "") == _site(
        urlsplit(page.url).hostname or ""
    )
    if resource.kind in STATIC_KINDS and same_site:
        cache_control = asset.headers.get("cache-control")
        if not verdict.asset_cacheable(cache_control):
            shown = f"Cache-Control: {cache_control}" if cache_control else "no Cache-Control"
            out.append(
                finding(
                    "smoke.asset-not-cacheable",
                    f"{resource.url} ({resource.kind}) is sent with {shown}",
                    where,
                    key=resource.url,
                )
            )
        if verdict.should_be_compressed(
            asset.headers.get("content-type"),
            len(asset.body),
            asset.headers.get("content-encoding"),
        ):
            out.append(
                finding(
                    "smoke.asset-not-compressed",
                    f"{resource.url} ({len(asset.body)} bytes of "
                    f"{asset.content_type}) is sent without compression",
                    where,
                    key=resource.url,
                )
            )
    return out


def page_findings(
    page: Exchange, fetch: Fetch, ledger: AssetLedger, where: Location
) -> list[Finding]:
    """Mixed content and every not-yet-fetched asset of an HTML answer."""
    if not page.is_html or not page.ok:
        return []
    resources = extract_subresources(page.text(), page.url)
    out = mixed_content(page, resources, where)
    page_site = _site(urlsplit(page.url).hostname or "")
    fetched = [r for r in resources if r.kind in FETCHED_KINDS]
    fetched.sort(key=lambda r: _site(urlsplit(r.url).hostname or "") != page_site)
    for resource in fetched[:MAX_ASSETS_PER_PAGE]:
        if ledger.claim(resource.url):
            out.extend(asset_findings(page, resource, fetch(resource.url), where))
    return out
