"""The registered ``smoke`` check: post-deploy proof that routes and the public edge work.

``ctx.params``: ``environment``, ``base_url``, ``urls`` (ad hoc URLs, no manifest needed),
``resolve`` and ``ca_bundle`` (see :class:`~launchgate.web.client.WebSettings`), ``wait_s``
(readiness wait for ad hoc URLs).
"""

from __future__ import annotations

import os
import time
from dataclasses import replace

from launchgate.checkapi import CheckContext, CheckError, CheckSpec
from launchgate.findings import CheckResult, dedupe, sort_findings
from launchgate.manifest import Manifest
from launchgate.smoke.catalogue import CHECK, RULES
from launchgate.smoke.config import Expect, Route, SmokeConfig, Wait, load_config
from launchgate.smoke.engine import Outcome, Smoke
from launchgate.smoke.policy import load_policy
from launchgate.web.client import ResolveError, WebSettings


def configured(manifest: Manifest) -> bool:
    """``launchgate run`` smokes when the manifest declares routes, flows or domains."""
    return bool(
        manifest.data.get("routes")
        or manifest.section("smoke").get("flows")
        or manifest.data.get("domains")
    )


def build_config(ctx: CheckContext) -> SmokeConfig:
    urls = tuple(ctx.param("urls", ()))
    private = set(ctx.param("private_urls", ()))
    config = load_config(
        ctx.manifest,
        environment=ctx.param("environment"),
        base_url=ctx.param("base_url"),
        urls=urls,
    )
    unknown = private - set(urls)
    if unknown:
        raise CheckError(f"--private {sorted(unknown)[0]} is not one of the URLs to smoke")
    adhoc = tuple(
        Route(name=url, url=url, private=url in private, expect=Expect(refusal_ok=True))
        for url in urls
    )
    config = replace(config, routes=config.routes + adhoc)
    wait_s = ctx.param("wait_s")
    if wait_s is not None:
        path = config.wait.path if config.wait else None
        config = replace(config, wait=Wait(path, float(wait_s), 1.0))
    if not (config.routes or config.flows or config.domains or config.urls or config.base_url):
        raise CheckError(
            "nothing to smoke: give URLs (launchgate smoke https://...), --base-url, or declare "
            "routes or domains in launchready.yml"
        )
    for route in config.routes:
        route.target(config.base_url)  # no base URL for a path: a clear error, before any work
    for flow in config.flows:
        for step in flow.steps:
            step.target(config.base_url)
    return config


def summary(outcome: Outcome, elapsed_s: float) -> str:
    parts = [f"{outcome.routes} route(s)", f"{outcome.hosts} host(s)"]
    if outcome.readiness is not None:
        state = "ready" if outcome.readiness.ready else "never ready"
        parts.append(f"{state} after {outcome.readiness.waited_ms / 1000:.1f} s")
    if outcome.unfinished:
        parts.append(f"{outcome.unfinished} unfinished at the deadline")
    return f"{', '.join(parts)} in {elapsed_s:.1f} s"


def _run(ctx: CheckContext) -> CheckResult:
    started = time.monotonic()
    config = build_config(ctx)
    try:
        settings = WebSettings.from_params(ctx.params, read_timeout_s=config.timeout_s)
    except (ResolveError, ValueError) as exc:
        raise CheckError(str(exc)) from None
    smoke = Smoke(config, settings, load_policy(), environ=os.environ, mask=ctx.masker.add)
    outcome = smoke.run()
    return CheckResult(
        check=CHECK,
        findings=tuple(sort_findings(dedupe(outcome.findings))),
        summary=summary(outcome, time.monotonic() - started),
        certificates=tuple(outcome.certificates),
    )


SPEC = CheckSpec(
    id=CHECK,
    title="Smoke: routes, pages and the public edge",
    run=_run,
    configured=configured,
    rules=lambda _manifest: tuple(RULES.values()),
)
