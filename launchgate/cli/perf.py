"""`launchgate perf`: p95 per route against budgets and the last good runs (or a k6 summary)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from launchgate.cli.execute import execute
from launchgate.cli.options import (
    ExitError,
    common_options,
    guard,
    load_for_command,
    web_options,
)
from launchgate.manifest import Manifest


@click.command(name="perf")
@click.argument("urls", nargs=-1)
@common_options
@web_options
@click.option(
    "--samples",
    "-n",
    type=click.IntRange(1, 10_000),
    help="Timed requests per route after warm-up [default: 60; fewer cannot bound p95].",
)
@click.option(
    "--concurrency",
    "-c",
    type=click.IntRange(1, 100),
    help="Requests in flight per route, one thread and client each [default: 5].",
)
@click.option(
    "--budget-p95",
    type=click.FloatRange(min=0, min_open=True),
    help="p95 budget in ms for every route (default: the manifest's, else 500 reads, 900 writes).",
)
@click.option(
    "--from-k6",
    "k6_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Judge a k6 --summary-export or handleSummary JSON file instead of measuring.",
)
@click.option(
    "--environment",
    "-e",
    envvar="LAUNCHGATE_ENVIRONMENT",
    help="Environment whose base_url the routes run against.  env: LAUNCHGATE_ENVIRONMENT",
)
@click.option(
    "--base-url",
    envvar="LAUNCHGATE_BASE_URL",
    help="Base URL of the deployed release (overrides the environment's base_url); "
    "URLs given as paths are resolved against it.",
)
@guard
def perf_command(
    urls: tuple[str, ...],
    samples: int | None,
    concurrency: int | None,
    budget_p95: float | None,
    k6_file: Path | None,
    environment: str | None,
    base_url: str | None,
    resolve: tuple[str, ...],
    ca_bundle: str | None,
    manifest: Path | None,
    **common: Any,
) -> None:
    """Time routes: warm-up, then N samples each; p50/p95 (with 95% bounds) of total time.

    A route is over budget when even p95's lower bound is; a regression needs a rank test, the
    p95 ratio and the p95 increase against the last good runs in --state-dir, and a confirming
    re-measure. Without a manifest, give URLs (or paths with --base-url).
    """
    if urls and k6_file is not None:
        raise ExitError("give URLs or --from-k6, not both")
    for url in urls:
        if not url.startswith(("http://", "https://", "/")):
            raise ExitError(f"{url!r} is not an http(s) URL or a /path")
        if url.startswith("/") and not base_url:
            raise ExitError(f"{url!r} is a path: pass --base-url")
    ad_hoc = bool(urls) or k6_file is not None
    if ad_hoc and manifest is None and not Path("launchready.yml").is_file():
        loaded = Manifest.empty(Path(".").resolve())
    else:
        loaded = load_for_command(manifest, Path("."), required=not ad_hoc)
    params = {
        "urls": list(urls),
        "samples": samples,
        "concurrency": concurrency,
        "budget_p95": budget_p95,
        "k6_file": str(k6_file) if k6_file is not None else None,
        "environment": environment,
        "base_url": base_url,
        "resolve": list(resolve),
        "ca_bundle": ca_bundle,
    }
    code = execute(
        root=loaded.root, manifest=loaded, only=("perf",), skip=(), params=params, **common
    )
    sys.exit(code)
