"""Which hosts' edges to judge, and through which entry points (pure: tests pin it).

Every host the manifest names (domains, the base URL, absolute route URLs) and every ad hoc URL
is one :class:`EdgeTarget`. Its entry points are ``https://host/`` and ``http://host/`` on the
default ports; a URL with an explicit port is an entry point as given (a non-default port is not
where browsers arrive, so no other entry is invented for it).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

from launchgate.smoke.config import SmokeConfig
from launchgate.web.expiry import DEFAULT_WARN_DAYS


@dataclass(frozen=True)
class EdgeTarget:
    host: str
    https: bool = True
    https_port: int = 443
    canonical: str | None = None
    min_days_valid: int = DEFAULT_WARN_DAYS
    urls: tuple[str, ...] = field(default_factory=tuple)

    def entries(self) -> Iterator[str]:
        """The entry points, plain HTTP first."""
        yield from sorted(set(self.urls), key=lambda u: (not u.startswith("http://"), u))


def _origin_entries(url: str) -> tuple[str, int, tuple[str, ...]]:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().rstrip(".")
    if parts.port is None:
        name = f"[{host}]" if ":" in host else host  # an IPv6 address keeps its brackets
        return host, 443, (f"http://{name}/", f"https://{name}/")
    return (
        host,
        parts.port if parts.scheme == "https" else 443,
        (f"{parts.scheme}://{parts.netloc}/",),
    )


def plan_edges(config: SmokeConfig) -> list[EdgeTarget]:
    targets: dict[str, EdgeTarget] = {}
    for domain in config.domains:
        host = domain.name.lower()
        entries: tuple[str, ...] = (f"http://{host}/",)
        if domain.https:
            entries += (f"https://{host}/",)
        targets[host] = EdgeTarget(
            host, domain.https, 443, domain.redirect_to, domain.min_days_valid, tuple(entries)
        )
    urls = [*config.urls, *(r.url for r in config.routes if r.url)]
    if config.base_url:
        urls.append(config.base_url)
    for url in urls:
        host, port, entries = _origin_entries(url)
        if not host:
            continue
        known = targets.get(host)
        if known is None:
            https = urlsplit(url).scheme == "https" or urlsplit(url).port is None
            targets[host] = EdgeTarget(host, https, port, None, config.min_days_valid, entries)
        else:
            port = port if urlsplit(url).scheme == "https" else known.https_port
            https = known.https or urlsplit(url).scheme == "https"
            targets[host] = replace(
                known, https=https, https_port=port, urls=(*known.urls, *entries)
            )
    return list(targets.values())
