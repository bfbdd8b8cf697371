"""What one answer's headers say about the edge: security headers, cookies, caching, CORS.

Each function turns an :class:`~launchgate.smoke.probe.Exchange` into findings, using the pure
verdicts of :mod:`launchgate.smoke.verdict` and the header policy pack.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

from launchgate.findings import Finding, Location, Severity
from launchgate.smoke import verdict
from launchgate.smoke.catalogue import finding
from launchgate.smoke.policy import Policy
from launchgate.smoke.probe import Exchange

# A foreign origin for CORS probes: .invalid can never be a real site (RFC 6761).
FOREIGN_ORIGIN = "https://launchgate-probe.invalid"


def header_findings(answer: Exchange, policy: Policy, where: Location) -> list[Finding]:
    headers = dict(answer.headers.items())
    out = []
    for rule in policy.headers:
        if rule.applies(html=answer.is_html, https=answer.https, headers=headers) and rule.fires(
            headers
        ):
            out.append(
                finding(
                    rule.rule,
                    f"{answer.url}: {rule.message}",
                    where,
                    severity=rule.severity,
                    details={"header_rule": rule.id},
                    key=rule.id,
                    remediation=rule.fix,
                )
            )
    return out


def cookie_findings(answer: Exchange, policy: Policy, where: Location) -> list[Finding]:
    out = []
    for header in answer.headers.get_list("set-cookie"):
        cookie = verdict.parse_set_cookie(header)
        if cookie is None or not policy.is_session_cookie(cookie.name):
            continue
        for rule in verdict.cookie_problems(cookie, answer.https):
            missing = {
                "smoke.cookie-not-secure": "Secure",
                "smoke.cookie-not-httponly": "HttpOnly",
                "smoke.cookie-no-samesite": "SameSite=Lax or Strict",
            }[rule]
            out.append(
                finding(
                    rule,
                    f"session cookie {cookie.name!r} set by {answer.url} lacks {missing}",
                    where,
                    key=cookie.name,
                )
            )
    return out


def private_cache_findings(answer: Exchange, where: Location) -> list[Finding]:
    """A private route's answer (its content, 2xx) must forbid shared caches."""
    if answer.status is None or not 200 <= answer.status < 300:
        return []
    cache_control = answer.headers.get("cache-control")
    scope = verdict.cache_scope(cache_control)
    if scope == "public":
        return [
            finding(
                "smoke.private-cacheable",
                f"{answer.url} is private but answers Cache-Control: {cache_control}: a CDN or "
                "proxy may serve one user's page to another",
                where,
            )
        ]
    if scope == "unspecified":
        shown = f"Cache-Control: {cache_control}" if cache_control else "no Cache-Control"
        return [
            finding(
                "smoke.private-cache-unspecified",
                f"{answer.url} is private but sends {shown}; shared caches may store it",
                where,
            )
        ]
    return []


def cookie_cache_findings(answer: Exchange, policy: Policy, where: Location) -> list[Finding]:
    """An answer that sets a session cookie must not be publicly cacheable: a shared cache
    would hand the same session to every visitor."""
    names = [
        c.name
        for c in map(verdict.parse_set_cookie, answer.headers.get_list("set-cookie"))
        if c is not None and policy.is_session_cookie(c.name)
    ]
    cache_control = answer.headers.get("cache-control")
    if not names or verdict.cache_scope(cache_control) != "public":
        return []
    return [
        finding(
            "smoke.private-cacheable",
            f"{answer.url} sets the session cookie {names[0]!r} but is publicly cacheable "
            f"(Cache-Control: {cache_control}): a shared cache would give it to every visitor",
            where,
            key="set-cookie",
        )
    ]


def looks_private_findings(answer: Exchange, policy: Policy, where: Location) -> list[Finding]:
    """An ad hoc URL whose path holds one user's data (``/account``...) answering publicly
    cacheable content: high, not a blocker, because the path is only a hint."""
    path = urlsplit(answer.url).path or "/"
    if answer.status is None or not 200 <= answer.status < 300 or not policy.looks_private(path):
        return []
    cache_control = answer.headers.get("cache-control")
    if verdict.cache_scope(cache_control) != "public":
        return []
    return [
        finding(
            "smoke.private-cacheable",
            f"{answer.url} looks private ({path}) but answers Cache-Control: {cache_control}; "
            "a shared cache may serve it to everyone (declare the route private, or pass "
            "--private, to check it with and without credentials)",
            where,
            severity=Severity.HIGH,
        )
    ]


def anonymous_findings(answer: Exchange, where: Location) -> list[Finding]:
    """A private route asked without credentials must refuse (401/403) or send to a login."""
    if answer.status is not None and 200 <= answer.status < 300:
        return [
            finding(
                "smoke.private-anonymous",
                f"{answer.method} {answer.url} answered {answer.status} without credentials",
                where,
            )
        ]
    return []


def cors_findings(answer: Exchange, allowed: Sequence[str], where: Location) -> list[Finding]:
    """Judge the answer to a request that carried ``Origin: FOREIGN_ORIGIN``."""
    found = verdict.cors_verdict(
        FOREIGN_ORIGIN,
        allowed,
        answer.headers.get("access-control-allow-origin"),
        answer.headers.get("access-control-allow-credentials"),
    )
    if found is None:
        return []
    return [finding(found.rule, f"{answer.url}: {found.message}", where)]
