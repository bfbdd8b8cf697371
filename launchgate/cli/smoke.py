"""`launchgate smoke`: routes, pages and the public edge of a deployed release."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click

from launchgate.cli.execute import execute
from launchgate.cli.options import (
    ExitError,
    common_options,
    guard,
    load_for_command,
    release_options,
    web_options,
)
from launchgate.manifest import Manifest


def _urls(_ctx: click.Context, _param: click.Parameter, value: tuple[str, ...]) -> tuple[str, ...]:
    for url in value:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise click.BadParameter(f"{url!r} is not an http:// or https:// URL")
    return value


@click.command(name="smoke")
@click.argument("urls", nargs=-1, callback=_urls)
@common_options
@web_options
@release_options
@click.option(
    "--private",
    "private_urls",
    multiple=True,
    help="One of the URLs needs a login: it must refuse anonymous requests and never be "
    "publicly cacheable (repeatable).",
)
@click.option(
    "--wait",
    "wait_s",
    type=click.FloatRange(min=0),
    help="Wait up to this many seconds for the first URL to answer (cold starts).",
)
@guard
def smoke_command(
    urls: tuple[str, ...],
    environment: str | None,
    base_url: str | None,
    resolve: tuple[str, ...],
    ca_bundle: str | None,
    private_urls: tuple[str, ...],
    wait_s: float | None,
    manifest: Path | None,
    **common: Any,
) -> None:
    """Smoke a release: the manifest's routes and flows, or the URLs given (no manifest needed).

    Every route and URL is checked for its answer, its page's assets and mixed content, and its
    host's edge: HTTP to HTTPS, redirects (loops shown hop by hop), the certificate, TLS
    version, HSTS and security headers, caching, CORS and cookies.
    """
    unknown = set(private_urls) - set(urls)
    if unknown:
        raise ExitError(f"--private {sorted(unknown)[0]} is not one of the URLs given")
    if urls and manifest is None:
        loaded = Manifest.empty(Path(".").resolve())  # ad hoc: the URLs are the whole plan
    else:
        loaded = load_for_command(manifest, Path("."), required=not urls)
    params = {
        "urls": list(urls),
        "private_urls": list(private_urls),
        "environment": environment,
        "base_url": base_url,
        "resolve": list(resolve),
        "ca_bundle": ca_bundle,
        "wait_s": wait_s,
    }
    code = execute(
        root=loaded.root, manifest=loaded, only=("smoke",), skip=(), params=params, **common
    )
    sys.exit(code)
