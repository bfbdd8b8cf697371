"""Findings and reports as the JSON contract has them, for the deliverable tests."""

from __future__ import annotations

from typing import Any

from launchgate.findings import fingerprint_of


def finding(
    rule: str,
    severity: str = "medium",
    *,
    url: str | None = None,
    domain: str | None = None,
    route: str | None = None,
    path: str | None = None,
    message: str = "",
    remediation: str = "fix it",
    details: dict[str, Any] | None = None,
    check: str | None = None,
) -> dict[str, Any]:
    location = {
        k: v
        for k, v in {"url": url, "domain": domain, "route": route, "path": path}.items()
        if v is not None
    }
    out: dict[str, Any] = {
        "check": check or rule.split(".", 1)[0],
        "rule": rule,
        "severity": severity,
        "title": rule,
        "message": message or f"{rule} at {url or domain or route or path}",
        "location": location,
        "fingerprint": fingerprint_of(rule, url, domain, route, path, message, str(details)),
        "remediation": remediation,
    }
    if details:
        out["details"] = details
    return out


def report(
    findings: list[dict[str, Any]],
    checks: dict[str, str] | None = None,
    fail_on: str = "high",
    routes: list[dict[str, Any]] | None = None,
    certificates: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    counts = dict.fromkeys(("blocker", "high", "medium", "low", "info"), 0)
    for f in findings:
        counts[f["severity"]] += 1
    ids = checks or {f["check"]: "fail" for f in findings}
    return {
        "schema_version": 1,
        "tool": {"name": "launchgate", "version": "0"},
        "status": "fail",
        "fail_on": fail_on,
        "verdict": "",
        "counts": counts,
        "checks": [
            {"id": i, "status": s, "duration_ms": 1, "summary": f"{i} ran"} for i, s in ids.items()
        ],
        "findings": findings,
        "suppressed": [],
        "metrics": {"routes": routes or [], "certificates": certificates or []},
    }


def certificate(
    host: str,
    issuer: str = "CN=R11,O=Let's Encrypt,C=US",
    *,
    not_before: str = "2026-11-03T00:00:00+00:00",
    not_after: str = "2027-02-01T00:00:00+00:00",
    days_left: float = 64.0,
    names: list[str] | None = None,
    check: str = "dns",
    port: int = 443,
) -> dict[str, Any]:
    """A certificate fact as ``metrics.certificates`` has it."""
    return {
        "check": check,
        "host": host,
        "port": port,
        "issuer": issuer,
        "not_before": not_before,
        "not_after": not_after,
        "days_left": days_left,
        "names": names or [host],
        "chain_verified": True,
        "hostname_match": True,
        "tls_version": "TLSv1.3",
        "sha256": "ab" * 32,
    }
