"""Run the smoke check: wait for readiness, then routes, flows and edge hosts concurrently.

One client (one SSL context, one connection pool) for the run; a bounded pool of workers so one
slow route does not starve the rest; one deadline for the judging, after which unfinished work
is reported as timed out rather than waited for.
"""

from __future__ import annotations

import concurrent.futures as cf
import datetime as dt
import functools
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx

from launchgate.findings import CertificateFact, Finding, Location
from launchgate.smoke import edge, flows, posture
from launchgate.smoke.catalogue import CHECK, finding
from launchgate.smoke.config import Route, SmokeConfig, credentials
from launchgate.smoke.expect import judge
from launchgate.smoke.pages import AssetLedger, page_findings
from launchgate.smoke.plan import EdgeTarget, plan_edges
from launchgate.smoke.policy import Policy
from launchgate.smoke.probe import Chain, Exchange, exchange, follow
from launchgate.smoke.ready import Readiness, wait_until_ready
from launchgate.web.client import WebSettings, make_client
from launchgate.web.tls import TLSProbeError, certificate_fact, inspect_certificate


@dataclass
class Outcome:
    findings: list[Finding] = field(default_factory=list)
    readiness: Readiness | None = None
    routes: int = 0
    hosts: int = 0
    unfinished: int = 0
    # Every certificate read, healthy or not, by host and port (facts for the handover).
    certificates: list[CertificateFact] = field(default_factory=list)


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class Smoke:
    """One smoke run. ``environ`` supplies credentials; ``mask`` receives every secret read."""

    def __init__(
        self,
        config: SmokeConfig,
        settings: WebSettings,
        policy: Policy,
        *,
        environ: Mapping[str, str],
        mask: Callable[[str], None],
    ) -> None:
        self.config = config
        self.settings = settings
        self.policy = policy
        self.environ = environ
        self.mask = mask
        self.assets = AssetLedger()
        self.tls_seen = AssetLedger()
        self.client: httpx.Client | None = None
        self.insecure: httpx.Client | None = None
        self.deadline = 0.0
        self.certificates: list[CertificateFact] = []  # appended from the worker threads

    # -- plumbing ---------------------------------------------------------------------------

    def _pick(self, verified: bool) -> httpx.Client:
        client = self.client if verified else self.insecure
        assert client is not None
        return client

    def fetch(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str] | None = None,
        *,
        verified: bool = True,
        timeout_s: float | None = None,
    ) -> Exchange:
        return exchange(
            self._pick(verified),
            method,
            url,
            headers=headers,
            timeout_s=timeout_s or self.config.timeout_s,
            deadline=self.deadline,
            max_bytes=self.settings.max_body_bytes,
        )

    def follow(
        self,
        route: Route,
        url: str,
        creds: Mapping[str, str],
        timeout_s: float | None = None,
        *,
        verified: bool = True,
    ) -> Chain:
        """The route's request, redirects followed unless the route expects a redirect."""
        client = self._pick(verified)
        timeout = timeout_s or self.config.timeout_s
        if route.expect.wants_redirect:
            hop = exchange(
                client,
                route.method,
                url,
                headers={**route.headers, **creds},
                content=route.body,
                timeout_s=timeout,
                deadline=self.deadline,
                max_bytes=self.settings.max_body_bytes,
            )
            return Chain((hop,))
        return follow(
            client,
            route.method,
            url,
            headers=route.headers,
            credentials=creds,
            content=route.body,
            max_redirects=self.settings.max_redirects,
            timeout_s=timeout,
            deadline=self.deadline,
            max_bytes=self.settings.max_body_bytes,
        )

    # -- judging ----------------------------------------------------------------------------

    def answer_findings(self, answer: Exchange, *, verified: bool = True) -> list[Finding]:
        """Headers, cookies and page load of one answer; located on its origin so the same
        header problem on twenty routes of one host is one finding."""
        if not answer.ok:
            return []
        host = Location(url=origin_of(answer.url))
        out = posture.cookie_findings(answer, self.policy, host)
        out += posture.cookie_cache_findings(answer, self.policy, host)
        if self.config.security_headers:
            out += posture.header_findings(answer, self.policy, host)
        out += page_findings(
            answer, lambda u: self.fetch("GET", u, verified=verified), self.assets, host
        )
        return out

    def tls_fallback(self, chain: Chain) -> Finding | None:
        """A chain that failed on TLS: one finding per origin (the certificate findings say
        exactly what is wrong); the route is then judged over an unverified connection."""
        failed = chain.final
        if failed.error_kind != "tls":
            return None
        return finding(
            "smoke.unreachable",
            f"{failed.url}: {failed.error}; browsers refuse this site. The rest was judged "
            "over an unverified connection, without credentials",
            Location(url=origin_of(failed.url)),
            details={"error_kind": "tls"},
        )

    def route_findings(self, route: Route) -> list[Finding]:
        url = route.target(self.config.base_url)
        where = Location(route=route.name, url=url)
        creds = credentials(route.auth, self.environ, self.mask)
        out: list[Finding] = []
        verified = True
        # The route's own timeout bounds each of its requests (the anonymous and CORS probes too).
        route_timeout = route.timeout_ms / 1000 if route.timeout_ms else None
        if creds.missing:
            out.append(
                finding(
                    "smoke.auth-unavailable",
                    f"route {route.name}: {', '.join(creds.missing)} not set, so the route "
                    "was not checked with credentials",
                    where,
                )
            )
        else:
            chain = self.follow(route, url, creds.headers, route_timeout)
            tls_failure = self.tls_fallback(chain)
            if tls_failure is not None:
                out.append(tls_failure)
                verified = False
                chain = self.follow(route, url, {}, route_timeout, verified=False)
            if verified or not creds.headers:
                out += judge(route.expect, chain, where)
            out += edge.chain_findings(chain, where)
            for hop in chain.hops[:-1]:
                out += posture.cookie_findings(hop, self.policy, Location(url=origin_of(hop.url)))
            out += self.answer_findings(chain.final, verified=verified)
            if route.private and chain.final.ok and (verified or not creds.headers):
                out += posture.private_cache_findings(chain.final, where)
            elif route.expect.refusal_ok and not route.private:  # an ad hoc URL: hints only
                out += posture.looks_private_findings(chain.final, self.policy, where)
        if route.private and route.kind == "read":  # a write route is sent once, never replayed
            anonymous = self.fetch(
                route.method, url, route.headers, verified=verified, timeout_s=route_timeout
            )
            out += posture.anonymous_findings(anonymous, where)
        if route.method == "GET" and route.kind == "read":
            origin = {**route.headers, "Origin": posture.FOREIGN_ORIGIN}
            probe = self.fetch("GET", url, origin, verified=verified, timeout_s=route_timeout)
            if probe.ok:
                out += posture.cors_findings(probe, self.config.cors_allowed, where)
        return out

    def edge_findings(self, target: EdgeTarget) -> list[Finding]:
        where = Location(domain=target.host)
        out: list[Finding] = []
        https_origins: set[tuple[str, int]] = set()
        for url in target.entries():
            entry = Route(name="entry", url=url)
            chain = self.follow(entry, url, {})
            verified = self.tls_fallback(chain) is None
            if not verified:  # the certificate findings below say why; judge the rest anyway
                chain = self.follow(entry, url, {}, verified=False)
            place = Location(domain=target.host, url=url)
            out += edge.chain_findings(chain, place)
            if url.startswith("http://") and target.https:
                out += edge.http_entry_findings(chain, place)
            if target.canonical:
                out += edge.canonical_findings(chain, target.canonical, place)
            for hop in chain.hops:
                parts = urlsplit(hop.url)
                if parts.scheme == "https" and parts.hostname:
                    https_origins.add((parts.hostname, parts.port or 443))
            out += self.answer_findings(chain.final, verified=verified)
        if target.https:
            https_origins.add((target.host, target.https_port))
        for host, port in sorted(https_origins):
            if self.tls_seen.claim(f"{host}:{port}"):
                out += self.tls_findings(host, port, target.min_days_valid, where)
        return out

    def tls_findings(self, host: str, port: int, min_days: int, where: Location) -> list[Finding]:
        place = Location(domain=host, url=f"https://{host}:{port}")
        try:
            info = inspect_certificate(host, port, self.settings, self.deadline or None)
        except TLSProbeError as exc:
            return [edge.tls_error_findings(exc, host, port, place)]
        self.certificates.append(certificate_fact(CHECK, info, dt.datetime.now(dt.UTC)))
        return edge.certificate_findings(info, min_days, place)

    # -- the run ----------------------------------------------------------------------------

    def tasks(self) -> list[tuple[str, Callable[[], list[Finding]]]]:
        jobs: list[tuple[str, Callable[[], list[Finding]]]] = []
        for route in self.config.routes:
            jobs.append((f"route {route.name}", functools.partial(self.route_findings, route)))
        for flow in self.config.flows:
            jobs.append((f"flow {flow.name}", functools.partial(flows.run_flow, self, flow)))
        for target in plan_edges(self.config):
            jobs.append((f"host {target.host}", functools.partial(self.edge_findings, target)))
        return jobs

    def run(self) -> Outcome:
        outcome = Outcome()
        connections = max(4, self.config.concurrency)
        with (
            make_client(self.settings, max_connections=connections) as client,
            make_client(self.settings, max_connections=connections, verify=False) as insecure,
        ):
            self.client, self.insecure = client, insecure
            outcome.readiness = wait_until_ready(self, self.config)
            if outcome.readiness is not None and not outcome.readiness.ready:
                outcome.findings.append(outcome.readiness.finding())
                return outcome
            self.deadline = time.monotonic() + self.config.deadline_s
            jobs = self.tasks()
            outcome.routes = len(self.config.routes) + sum(len(f.steps) for f in self.config.flows)
            outcome.hosts = sum(1 for name, _ in jobs if name.startswith("host "))
            pool = cf.ThreadPoolExecutor(max_workers=max(1, self.config.concurrency))
            futures = {pool.submit(job): name for name, job in jobs}
            done, pending = cf.wait(futures, timeout=max(0.0, self.deadline - time.monotonic()))
            # In the manifest's order, not completion order: a host-wide finding (a missing
            # header on every page) then always names the same page, run after run.
            for future in futures:
                if future in done:
                    outcome.findings.extend(future.result())
            for future in (f for f in futures if f in pending):
                outcome.unfinished += 1
                outcome.findings.append(
                    finding(
                        "smoke.timeout",
                        f"{futures[future]} was not finished when the check's deadline "
                        f"({self.config.deadline_s:g} s) passed",
                        Location(route=futures[future]),
                    )
                )
            # Unfinished work stops by itself: every request is bounded by the deadline.
            pool.shutdown(wait=True, cancel_futures=True)
        outcome.certificates = sorted(self.certificates, key=lambda c: (c.host, c.port))
        return outcome
