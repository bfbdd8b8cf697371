"""Certificates of the declared web names, read with the shared TLS prober (``web.tls``) at the
address this run's DNS gave, and judged here: expiry, hostname, chain, and CAA against the CA
that issued them."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Sequence

from launchgate.dnscheck.catalogue import issue
from launchgate.dnscheck.issues import Issue, Outcome
from launchgate.dnscheck.packs import Knowledge
from launchgate.dnscheck.resolver import LookupFailed
from launchgate.web.client import WebSettings
from launchgate.web.expiry import DEFAULT_WARN_DAYS, expiry_step
from launchgate.web.tls import (
    CertificateInfo,
    TLSProbeError,
    certificate_fact,
    inspect_certificate,
)

DEFAULT_MIN_DAYS = DEFAULT_WARN_DAYS


def expiry_issue(name: str, info: CertificateInfo, min_days: int, now: dt.datetime) -> Issue | None:
    """Expired: blocker; under 7 days high; under 14 medium; under ``min_days`` (30) low."""
    days = info.days_left(now)
    until = info.not_after.strftime("%Y-%m-%d %H:%M UTC")
    if days < 0:
        return issue(
            "tls.expired",
            name,
            f"The certificate of {name}:{info.port} expired on {until} "
            f"({int(-days)} day(s) ago); browsers refuse the site.",
        )
    step = expiry_step(days, min_days)  # the ladder smoke uses too
    if step is None:
        return None
    severity, limit = step
    return issue(
        "tls.expires-soon",
        name,
        f"The certificate of {name}:{info.port} expires on {until}, in "
        f"{days:.1f} days (under {limit}).",
        severity=severity,
    )


def certificate_issues(
    name: str, info: CertificateInfo, min_days: int, now: dt.datetime
) -> list[Issue]:
    out = [i for i in (expiry_issue(name, info, min_days, now),) if i is not None]
    if not info.hostname_match:
        shown = ", ".join(info.sans[:6]) or "no names"
        out.append(
            issue(
                "tls.hostname-mismatch",
                name,
                f"The certificate served for {name}:{info.port} is for {shown}.",
            )
        )
    if not info.chain_verified:
        out.append(
            issue(
                "tls.chain-invalid",
                name,
                f"The certificate chain of {name}:{info.port} does not verify: "
                f"{info.verify_error}.",
            )
        )
    return out


def caa_values(records: Sequence[str], tag: str = "issue") -> set[str] | None:
    """The issuer domains a CAA set allows for ``tag`` (None: no such property, any CA)."""
    allowed: set[str] | None = None
    for record in records:
        parts = record.split(None, 2)
        if len(parts) != 3 or parts[1].lower() != tag:
            continue
        allowed = allowed or set()
        domain = parts[2].strip('"').split(";", 1)[0].strip().lower()
        if domain:
            allowed.add(domain)
    return allowed


def caa_property(name: str, sans: Sequence[str], records: Sequence[str]) -> str:
    """The CAA property that governs renewing the certificate that covers ``name``: for a
    wildcard certificate (it covers the name only through ``*.parent``) ``issuewild`` when the
    set has one, else ``issue`` (RFC 8659 section 4.3: issuewild is ignored for other names)."""
    covered = {s.lower().rstrip(".") for s in sans}
    wildcard = name not in covered and f"*.{name.partition('.')[2]}" in covered
    if wildcard and caa_values(records, "issuewild") is not None:
        return "issuewild"
    return "issue"


def caa_issue(
    name: str, info: CertificateInfo, caa: Sequence[str], knowledge: Knowledge
) -> Issue | None:
    """High when the CAA set names CAs but not the one that issued the certificate."""
    tag = caa_property(name, info.sans, caa)
    allowed = caa_values(caa, tag)
    authority = knowledge.issuer_of(info.issuer)
    if allowed is None or authority is None or allowed & set(authority.caa):
        return None
    named = ", ".join(sorted(allowed)) or "no CA at all"
    return issue(
        "dns.caa-forbids-issuer",
        name,
        f"The certificate of {name} comes from {authority.ca} ({', '.join(authority.caa)}"
        f"), but CAA {tag} allows only {named}: the next renewal will be refused.",
    )


async def check_certificate(
    name: str,
    port: int,
    min_days: int,
    settings: WebSettings,
    caa: Sequence[str] | None,
    knowledge: Knowledge,
) -> Outcome:
    out = Outcome()
    try:
        info = await asyncio.to_thread(inspect_certificate, name, port, settings)
    except TLSProbeError as exc:
        out.failures.append(LookupFailed(name, f"certificate on port {port}", exc.reason))
        return out
    now = dt.datetime.now(dt.UTC)
    out.certificates.append(certificate_fact("dns", info, now))
    out.add(*certificate_issues(name, info, min_days, now))
    if caa is not None:
        found = caa_issue(name, info, caa, knowledge)
        if found is not None:
            out.add(found)
    return out
