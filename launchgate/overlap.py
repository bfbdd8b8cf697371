"""One finding per problem across checks.

The env check and the secrets check both read dotenv files, so the same Stripe test key in
``.env.production`` would be reported twice (env: test value in production, secrets: Stripe key).
When findings of different checks sit on the same file and line of the tree, the worst is kept and
says what the others found; each other check's summary refers to it instead of repeating it.

Certificates are the other overlap: smoke (after a deploy, warning under 14 days) and dns (every
night, under 30) both judge the certificate of each web host, and each must keep doing so when it
runs alone. When both run and find the same problem with the same host's certificate (expiry,
wrong name, broken chain), it is one finding in the same way.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from urllib.parse import urlsplit

from launchgate.findings import CheckResult, Finding

Place = tuple[str, str, str]  # (kind of place, where, which problem there)

# Rules of different checks that describe the same problem with one host's certificate.
CERTIFICATE_PROBLEMS: dict[str, str] = {
    "smoke.tls-expired": "expiry",
    "smoke.tls-expiring": "expiry",
    "tls.expired": "expiry",
    "tls.expires-soon": "expiry",
    "smoke.tls-hostname-mismatch": "hostname",
    "tls.hostname-mismatch": "hostname",
    "smoke.tls-chain": "chain",
    "tls.chain-invalid": "chain",
}
_WORDS = {"line": "on this line", "certificate": "for this certificate"}


def _host(finding: Finding) -> str | None:
    loc = finding.location
    if loc.domain:
        return loc.domain.rstrip(".").lower()
    try:
        host = urlsplit(loc.url).hostname if loc.url else None
    except ValueError:
        return None
    return host.rstrip(".").lower() if host else None


def _place(finding: Finding) -> Place | None:
    """Where a finding is: a file and line of the tree (history findings, with a commit, are
    about the past), or a host's certificate and what is wrong with it."""
    loc = finding.location
    problem = CERTIFICATE_PROBLEMS.get(finding.rule)
    if problem is not None:
        host = _host(finding)
        return ("certificate", host, problem) if host else None
    if not loc.path or not loc.line or loc.commit:
        return None
    return ("line", loc.path, str(loc.line))


def merge_overlaps(results: Sequence[CheckResult]) -> list[CheckResult]:
    """The results with each place's findings from several checks merged into the worst one."""
    by_place: dict[Place, list[Finding]] = {}
    for result in results:
        for finding in result.findings:
            place = _place(finding)
            if place is not None:
                by_place.setdefault(place, []).append(finding)
    keep: dict[int, Finding] = {}  # id of the worst finding -> it, with the others named
    drop: dict[int, Finding] = {}  # id of a merged-away finding -> the finding that has it
    for place, found in by_place.items():
        if len({f.check for f in found}) < 2:
            continue
        # The worst; on a tie, the first check in run order (max keeps the first maximum).
        worst = max(found, key=lambda f: f.severity.rank)
        # The same fingerprint is the same finding: the report's de-duplication keeps one.
        others = [f for f in found if f.check != worst.check and f.fingerprint != worst.fingerprint]
        if not others:
            continue
        also = "; ".join(f"{f.check}: {f.rule} ({f.severity.value})" for f in others)
        where = _WORDS[place[0]]
        keep[id(worst)] = dataclasses.replace(
            worst,
            message=f"{worst.message} Also found {where} by {also}; reported once, here.",
            details={**worst.details, "also": [f.rule for f in others]},
        )
        for other in others:
            drop[id(other)] = worst
    if not keep:
        return list(results)
    merged: list[CheckResult] = []
    for result in results:
        findings = tuple(keep.get(id(f), f) for f in result.findings if id(f) not in drop)
        gone = [drop[id(f)] for f in result.findings if id(f) in drop]
        summary = result.summary
        if gone:
            where = ", ".join(sorted({f"{f.rule} at {f.location.describe()}" for f in gone}))
            note = f"{len(gone)} finding(s) reported once under {where}"
            summary = f"{summary}; {note}" if summary else note
        merged.append(dataclasses.replace(result, findings=findings, summary=summary))
    return merged
