"""The public edge of a host: plain HTTP sent to HTTPS, the canonical host, redirect chains,
and the certificate and TLS version.

Entry points are followed hop by hop (:func:`~launchgate.smoke.probe.follow`); a loop is shown
with every hop. Certificates are read even when they fail verification, so an expired one for
the wrong host reports both facts.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from launchgate.findings import Finding, Location
from launchgate.smoke import verdict
from launchgate.smoke.catalogue import finding
from launchgate.smoke.expect import failure_finding
from launchgate.smoke.probe import Chain
from launchgate.web.tls import CertificateInfo, TLSProbeError

LONG_CHAIN = 2  # more redirects than this from an entry point is slow for every first visit


def chain_findings(chain: Chain, where: Location) -> list[Finding]:
    """Loops, endless chains and long chains of one entry point: one finding per URL, whether a
    route, a host's entry point or both reached it."""
    if chain.loop_at is not None:
        hops = [f"{h.url} -{h.status}-> {h.location()}" for h in chain.hops]
        listing = "; ".join(f"hop {i + 1}: {hop}" for i, hop in enumerate(hops))
        return [
            finding(
                "smoke.redirect-loop",
                f"{chain.hops[0].url} redirects in a loop: {listing}",
                where,
                details={"hops": hops},
                of_url=True,
            )
        ]
    if chain.too_many:
        return [
            finding(
                "smoke.too-many-redirects",
                f"{chain.hops[0].url} still redirects after {chain.redirects} hops: "
                f"{chain.describe()}",
                where,
                of_url=True,
            )
        ]
    if chain.redirects > LONG_CHAIN:
        return [
            finding(
                "smoke.redirect-chain-long",
                f"{chain.redirects} redirects: {chain.describe()}",
                where,
                details={"redirects": chain.redirects},
                of_url=True,
            )
        ]
    return []


def http_entry_findings(chain: Chain, where: Location) -> list[Finding]:
    """``http://host/`` must redirect permanently to ``https://``."""
    first = chain.hops[0]
    if not first.ok:
        return [failure_finding(first, where)]
    assert first.status is not None
    target = first.location()
    rule = verdict.http_entry_verdict(first.status, urlsplit(target).scheme if target else None)
    if rule is None:
        return []
    message = {
        "smoke.http-not-redirected": f"{first.url} answers {first.status} over plain HTTP "
        "instead of redirecting to https://",
        "smoke.http-redirect-insecure": f"{first.url} redirects to {target}, not to https://",
        "smoke.http-redirect-temporary": f"{first.url} redirects to {target} with "
        f"{first.status}; use 301 or 308",
    }[rule]
    return [finding(rule, message, where, details={"status": first.status})]


def canonical_findings(chain: Chain, canonical: str, where: Location) -> list[Finding]:
    """An entry point must end on the canonical origin (``domains[].redirect_to``)."""
    final = chain.final
    want = urlsplit(canonical)
    got = urlsplit(final.url)
    if final.ok and (got.scheme, got.netloc.lower()) == (want.scheme, want.netloc.lower()):
        return []
    if chain.loop_at is not None or chain.too_many or not final.ok:
        return []  # reported as a loop or a failure already
    return [
        finding(
            "smoke.canonical-host",
            f"{chain.hops[0].url} ends at {final.url}, not on {canonical} ({chain.describe()})",
            where,
        )
    ]


def certificate_findings(
    info: CertificateInfo, min_days_valid: int, where: Location, now: dt.datetime | None = None
) -> list[Finding]:
    now = now or dt.datetime.now(dt.UTC)
    name = f"{info.host}:{info.port}"
    out = []
    days = info.days_left(now)
    expires = info.not_after.strftime("%Y-%m-%d %H:%M UTC")
    details = {"not_after": info.not_after.isoformat(), "days_left": round(days, 1)}
    if days < 0:
        out.append(
            finding(
                "smoke.tls-expired",
                f"the certificate of {name} expired on {expires} ({-days:.0f} days ago)",
                where,
                details=details,
            )
        )
    else:
        severity = verdict.expiry_severity(days, min_days_valid)
        if severity is not None:
            out.append(
                finding(
                    "smoke.tls-expiring",
                    f"the certificate of {name} expires on {expires}, in {days:.1f} days "
                    f"(min_days_valid {min_days_valid})",
                    where,
                    severity=severity,
                    details=details,
                )
            )
    if info.not_yet_valid(now):
        out.append(
            finding(
                "smoke.tls-not-yet-valid",
                f"the certificate of {name} is valid only from {info.not_before.isoformat()}",
                where,
            )
        )
    if not info.hostname_match:
        out.append(
            finding(
                "smoke.tls-hostname-mismatch",
                f"the certificate of {name} names {', '.join(info.sans) or info.subject}, "
                f"not {info.host}",
                where,
                details={"sans": list(info.sans)},
            )
        )
    if not info.chain_verified:
        out.append(
            finding(
                "smoke.tls-chain",
                f"the certificate chain of {name} does not verify: {info.verify_error} "
                f"(issuer {info.issuer})",
                where,
            )
        )
    if not verdict.tls_version_ok(info.tls_version):
        out.append(finding("smoke.tls-old-version", f"{name} negotiated {info.tls_version}", where))
    return out


def tls_error_findings(error: TLSProbeError, host: str, port: int, where: Location) -> Finding:
    """No certificate could be read at all."""
    if error.kind == "handshake" and "PROTOCOL" in error.reason.upper():
        return finding(
            "smoke.tls-old-version",
            f"{host}:{port} offers no TLS 1.2 or newer: {error.reason}",
            where,
        )
    if error.kind == "lookup-timeout":  # could not check: never "not served", never a pass
        return finding(
            "smoke.tls-unchecked", error.reason, where, details={"error_kind": error.kind}
        )
    return finding(
        "smoke.https-unavailable",
        f"HTTPS on {host}:{port} cannot be used: {error.reason}",
        where,
        details={"error_kind": error.kind},
    )
