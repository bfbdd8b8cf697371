"""The registered ``dns`` check: web names, email authentication, certificates and drift.

Findings carry the check word of their rule (``dns``, ``email`` or ``tls``). Lookups that got no
usable answer become ``dns.lookup-failed`` notes and make the check an error: the gate never
passes, and never says "missing", on the strength of a server that did not answer.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Iterable, Sequence

from launchgate.checkapi import CheckContext, CheckError, CheckSpec
from launchgate.dnscheck.catalogue import issue, rule_infos
from launchgate.dnscheck.certs import DEFAULT_MIN_DAYS, check_certificate
from launchgate.dnscheck.drift import SNAPSHOT_KEY, changes, merge, read_snapshot, stored_form
from launchgate.dnscheck.email import check_dmarc, check_spf
from launchgate.dnscheck.issues import Issue, Outcome
from launchgate.dnscheck.mail import check_dkim, check_mx
from launchgate.dnscheck.packs import Knowledge, PackError, load_knowledge
from launchgate.dnscheck.plan import Plan, make_plan
from launchgate.dnscheck.resolver import LookupFailed, Resolver
from launchgate.dnscheck.snapshot import take_snapshot
from launchgate.dnscheck.stsfetch import DEFAULT_MIN_MAX_AGE_DAYS, StsSettings
from launchgate.dnscheck.webnames import NameResult, check_name
from launchgate.findings import CheckResult, Finding, Location, fingerprint_of
from launchgate.leakguard import sealed
from launchgate.manifest import Manifest
from launchgate.web.client import WebSettings

CHECK = "dns"
BUDGET_SHARE = 0.75  # of checks.dns.timeout_s for DNS; the rest is for TLS probes and the snapshot


def to_finding(item: Issue) -> Finding:
    check = item.rule.split(".", 1)[0]
    return Finding(
        check=check,
        rule=item.rule,
        severity=item.severity,
        title=item.title,
        message=item.message,
        location=Location(domain=item.subject),
        remediation=item.remediation,
        fingerprint=fingerprint_of(check, item.rule, item.subject, item.key),
    )


def failure_issues(failures: Iterable[LookupFailed]) -> list[Issue]:
    """One note per question that could not be answered, with the reason."""
    seen: dict[tuple[str, str], LookupFailed] = {}
    for failure in failures:
        seen.setdefault((failure.name, failure.rdtype), failure)
    return [
        issue(
            "dns.lookup-failed",
            name,
            f"Could not check {name} {rdtype}: {failure.reason}. What depends on it was not "
            "judged (neither missing nor fine).",
            title=f"could not check {rdtype}",
            key=rdtype,
        )
        for (name, rdtype), failure in sorted(seen.items())
    ]


async def _certificates(
    plan: Plan, names: Sequence[NameResult], knowledge: Knowledge, web: WebSettings
) -> list[Outcome]:
    """Certificates of every HTTPS name that resolved, read at the address DNS gave."""
    jobs = []
    resolve = dict(web.resolve)
    for spec, result in zip(plan.names, names, strict=True):
        if not spec.https or result.address is None:
            continue
        tls = plan.tls.get(spec.name) or {}
        port = int(tls.get("port", 443))
        resolve.setdefault((spec.name, port), result.address)
        min_days = int(tls.get("min_days_valid", DEFAULT_MIN_DAYS))
        jobs.append((spec.name, port, min_days, result.caa))
    settings = dataclasses.replace(web, resolve=resolve)
    return list(
        await asyncio.gather(
            *(check_certificate(n, p, d, settings, caa, knowledge) for n, p, d, caa in jobs)
        )
    )


async def _run_all(
    plan: Plan, knowledge: Knowledge, web: WebSettings, deadline: float | None
) -> tuple[Outcome, dict[str, list[str]], set[str]]:
    resolver = Resolver(plan.nameservers, plan.timeout_s, deadline)
    policy = plan.policy
    sts = StsSettings(
        web,
        port=int(plan.mta_sts.get("port", 443)),
        min_max_age_s=int(plan.mta_sts.get("min_max_age_days", DEFAULT_MIN_MAX_AGE_DAYS)) * 86400,
    )
    email_jobs = [
        job
        for domain in plan.email_domains
        for job in (
            check_spf(resolver, domain, policy),
            check_dmarc(resolver, domain, policy),
            check_mx(resolver, domain, policy.require_mx, sts),
            *(check_dkim(resolver, domain, s) for s in policy.selectors),
        )
    ]
    names_job = asyncio.gather(*(check_name(resolver, n, knowledge) for n in plan.names))
    names, outcomes = await asyncio.gather(names_job, asyncio.gather(*email_jobs))
    outcomes += await _certificates(plan, names, knowledge, web)
    total = Outcome()
    for item in (*(n.outcome for n in names), *outcomes):
        total.merge(item)
    snapshot, unknown = await take_snapshot(resolver, plan)
    return total, snapshot, unknown


def _summary(plan: Plan, drift: Sequence[str], failed: int) -> str:
    parts = [f"{len(plan.names)} name(s), {len(plan.email_domains)} mail domain(s) checked"]
    if failed:
        parts.append(f"{failed} item(s) could not be checked")
    if drift:
        parts.append(f"{len(drift)} change(s) since the last run: " + "; ".join(drift))
    return "; ".join(parts)


def _deadline(ctx: CheckContext) -> float | None:
    """When DNS questions stop, so the check ends on its own with what it could check (and
    its snapshot) before the runner's ``timeout_s`` cuts it off with nothing."""
    timeout = ctx.manifest.check_options(CHECK).get("timeout_s")
    return None if timeout is None else time.monotonic() + float(timeout) * BUDGET_SHARE


def run(ctx: CheckContext) -> CheckResult:
    plan = make_plan(ctx.manifest, ctx.params)
    packs = [str(p) for p in ctx.section("rules").get("packs") or []]
    try:
        knowledge = load_knowledge(ctx.manifest.root, packs)
        web = WebSettings.from_params(ctx.params)
    except (PackError, ValueError) as exc:
        raise CheckError(str(exc)) from None
    total, snapshot, unknown = asyncio.run(_run_all(plan, knowledge, web, _deadline(ctx)))
    items = list(total.issues)
    drift: list[str] = []
    if plan.drift:
        snapshot = sealed(snapshot, ctx.masker)  # a TXT record may hold a token: never stored
        previous = read_snapshot(ctx.store.get(SNAPSHOT_KEY))
        current = merge(previous, snapshot, unknown)
        drift = changes(previous, current)
        items += [issue("dns.drift", s.split(" ", 1)[0], s + ".", key=s) for s in drift]
        ctx.store.put(SNAPSHOT_KEY, stored_form(current))
    failed = failure_issues(total.failures)
    items += failed
    error = None
    if failed:
        first = failed[0].message.split(". What", 1)[0].removeprefix("Could not check ")
        error = f"could not check {len(failed)} item(s) (first: {first})"
    return CheckResult(
        check=CHECK,
        findings=tuple(to_finding(i) for i in items),
        summary=_summary(plan, drift, len(failed)),
        error=error,
        certificates=tuple(sorted(total.certificates, key=lambda c: (c.host, c.port))),
    )


def _configured(manifest: Manifest) -> bool:
    return manifest.has("domains") or manifest.has("email")


SPEC = CheckSpec(
    id=CHECK,
    title="DNS, email authentication and certificates",
    run=run,
    configured=_configured,
    rules=lambda _m: rule_infos(),
)
