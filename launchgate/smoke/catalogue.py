"""Every rule the smoke check reports: id, title, default severity, what it means, what to do.

One table, so findings, SARIF rule help and ``launchgate rules`` agree. A finding takes its title,
severity and remediation from here (:func:`finding`); only the rules whose severity depends on a
measured value (certificate expiry, mixed content kind) pass their own.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from launchgate.findings import Finding, Location, RuleInfo, Severity, fingerprint_of

CHECK = "smoke"
B, H, M, L = Severity.BLOCKER, Severity.HIGH, Severity.MEDIUM, Severity.LOW

_TABLE: tuple[tuple[str, Severity, str, str], ...] = (
    # id, severity, title, remediation
    (
        "smoke.not-ready",
        B,
        "The release never became ready",
        "Check the deploy: the new release did not answer before smoke.wait.timeout_s.",
    ),
    (
        "smoke.unreachable",
        B,
        "Route could not be reached",
        "Fix DNS, the listener or TLS so the route answers; the message says which failed.",
    ),
    (
        "smoke.timeout",
        H,
        "Route did not answer in time",
        "Find what blocks the route, or raise its timeout_ms if it is slow by design.",
    ),
    (
        "smoke.server-error",
        B,
        "Route answers with a server error (5xx)",
        "Read the server's logs for this request; a 5xx after a deploy is a launch blocker.",
    ),
    (
        "smoke.unexpected-status",
        H,
        "Route answers with an unexpected status",
        "Fix the route, or its expect.status if the new status is intended.",
    ),
    (
        "smoke.body-missing-text",
        H,
        "Body lacks the expected text",
        "The page no longer shows what expect.contains requires: check the release.",
    ),
    (
        "smoke.body-forbidden-text",
        H,
        "Body contains forbidden text",
        "The body shows what expect.not_contains forbids (an error page, a stack trace).",
    ),
    (
        "smoke.body-pattern",
        H,
        "Body does not match the expected pattern",
        "The body no longer matches expect.matches: check the release.",
    ),
    (
        "smoke.json-mismatch",
        H,
        "JSON value differs from the expected one",
        "The JSON answer's value at the path differs from expect.json.",
    ),
    (
        "smoke.content-type",
        M,
        "Unexpected content type",
        "Serve the media type expect.content_type names.",
    ),
    (
        "smoke.header-mismatch",
        M,
        "Expected response header missing or different",
        "Send the header expect.headers requires.",
    ),
    (
        "smoke.redirect-mismatch",
        H,
        "Route redirects somewhere else",
        "Point the redirect at expect.redirect_to.",
    ),
    (
        "smoke.slow-request",
        M,
        "Single request slower than allowed",
        "Make the route faster, or raise expect.max_ms if the limit is too strict.",
    ),
    (
        "smoke.body-too-large",
        M,
        "Body larger than the read cap",
        "An endless or huge answer: check the route (the check read only the first bytes).",
    ),
    (
        "smoke.body-not-decoded",
        M,
        "Body sent with a compression that was not asked for",
        "Send only the Content-Encoding the client accepts (gzip, deflate here); the body "
        "could not be checked.",
    ),
    (
        "smoke.auth-unavailable",
        H,
        "Credentials for a route are not set",
        "Set the environment variable the route's auth names; the route could not be checked.",
    ),
    (
        "smoke.private-anonymous",
        B,
        "Private route answers anonymous requests",
        "Require authentication on this route: without credentials it must answer 401/403 "
        "or redirect to a login page.",
    ),
    (
        "smoke.private-cacheable",
        B,
        "Private route is publicly cacheable",
        "Send Cache-Control: private, no-store on authenticated answers: a shared cache (CDN) "
        "would otherwise serve one user's data to others.",
    ),
    (
        "smoke.private-cache-unspecified",
        M,
        "Private route does not forbid shared caching",
        "Send Cache-Control: private (or no-store) on authenticated answers.",
    ),
    (
        "smoke.flow-step-failed",
        H,
        "Flow step failed",
        "The step's answer did not meet its expectations; later steps were not run.",
    ),
    (
        "smoke.flow-capture-failed",
        H,
        "Flow could not capture a value",
        "The step's answer lacks the JSON path, header or cookie named in its capture.",
    ),
    (
        "smoke.broken-asset",
        H,
        "Page asset fails to load",
        "Deploy the asset the page references (a broken bundle is the classic blank page).",
    ),
    (
        "smoke.mixed-content",
        H,
        "HTTPS page loads content over plain HTTP",
        "Reference the resource over https: (browsers block active mixed content).",
    ),
    (
        "smoke.asset-not-cacheable",
        L,
        "Static asset is not cacheable",
        "Serve fingerprinted static assets with Cache-Control: max-age=31536000, immutable.",
    ),
    (
        "smoke.asset-not-compressed",
        L,
        "Text asset is served uncompressed",
        "Enable gzip or brotli for text assets (JavaScript, CSS, SVG, JSON).",
    ),
    (
        "smoke.http-not-redirected",
        H,
        "Plain HTTP is served instead of redirected to HTTPS",
        "Redirect every http:// request to https:// with 301 or 308.",
    ),
    (
        "smoke.http-redirect-temporary",
        L,
        "HTTP to HTTPS redirect is temporary",
        "Use 301 or 308 so browsers and crawlers remember the HTTPS address.",
    ),
    (
        "smoke.http-redirect-insecure",
        H,
        "Plain HTTP redirects to another plain HTTP address",
        "Redirect http:// straight to the https:// address.",
    ),
    (
        "smoke.https-unavailable",
        B,
        "HTTPS is not served",
        "Serve HTTPS on port 443 with a valid certificate.",
    ),
    (
        "smoke.tls-unchecked",
        B,
        "HTTPS could not be checked",
        "The host name did not resolve in time from where the check ran: check the DNS "
        "servers that machine uses (or pin the address with --resolve) and run again. Nothing "
        "about the certificate was judged.",
    ),
    (
        "smoke.canonical-host",
        M,
        "Entry point does not reach the canonical host",
        "Redirect this name to the canonical URL in domains[].redirect_to.",
    ),
    (
        "smoke.redirect-chain-long",
        L,
        "Redirect chain is long",
        "Redirect entry points to the final URL in one or two hops.",
    ),
    (
        "smoke.redirect-loop",
        B,
        "Redirect loop",
        "Break the loop: the hops below redirect back to an address already visited.",
    ),
    (
        "smoke.too-many-redirects",
        H,
        "Too many redirects",
        "Redirect to the final URL in a few hops.",
    ),
    (
        "smoke.tls-expired",
        B,
        "Certificate has expired",
        "Renew the certificate now and check the renewal automation.",
    ),
    (
        "smoke.tls-not-yet-valid",
        B,
        "Certificate is not valid yet",
        "Install a certificate whose validity has begun (check the server clock).",
    ),
    (
        "smoke.tls-expiring",
        M,
        "Certificate expires soon",
        "Renew the certificate; severity rises as the date nears (domains[].tls.min_days_valid).",
    ),
    (
        "smoke.tls-hostname-mismatch",
        B,
        "Certificate does not name this host",
        "Issue a certificate whose subject alternative names include this host.",
    ),
    (
        "smoke.tls-chain",
        H,
        "Certificate chain does not verify",
        "Serve the full chain (leaf and intermediates) from a trusted CA.",
    ),
    (
        "smoke.tls-old-version",
        H,
        "TLS older than 1.2",
        "Enable TLS 1.2 and 1.3 and disable older versions.",
    ),
    (
        "smoke.hsts-missing",
        M,
        "No HSTS header",
        "Send Strict-Transport-Security: max-age=31536000; includeSubDomains on HTTPS answers.",
    ),
    (
        "smoke.hsts-short",
        L,
        "HSTS max-age shorter than a year",
        "Raise Strict-Transport-Security max-age to at least 31536000.",
    ),
    (
        "smoke.security-header",
        L,
        "Security header missing or weak",
        "Send the missing security header from the web server or framework on every page.",
    ),
    (
        "smoke.cors-reflected-credentials",
        B,
        "CORS reflects any origin with credentials",
        "Allow only known origins: reflecting Origin with Allow-Credentials lets any site read "
        "users' data.",
    ),
    (
        "smoke.cors-wildcard-credentials",
        H,
        "CORS allows every origin with credentials",
        "Never combine Access-Control-Allow-Origin: * with Allow-Credentials: true.",
    ),
    (
        "smoke.cors-origin-not-allowed",
        M,
        "CORS allows an origin outside the allowed list",
        "Allow only the origins in smoke.cors.allowed_origins.",
    ),
    (
        "smoke.cookie-not-secure",
        H,
        "Session cookie without Secure",
        "Set the Secure attribute so the cookie never travels over plain HTTP.",
    ),
    (
        "smoke.cookie-not-httponly",
        M,
        "Session cookie without HttpOnly",
        "Set HttpOnly so page scripts (and injected ones) cannot read the session.",
    ),
    (
        "smoke.cookie-no-samesite",
        L,
        "Session cookie without SameSite",
        "Set SameSite=Lax (or Strict) against cross-site request forgery.",
    ),
)

RULES: dict[str, RuleInfo] = {
    rule_id: RuleInfo(rule_id, title, "", remediation, severity)
    for rule_id, severity, title, remediation in _TABLE
}


def finding(
    rule: str,
    message: str,
    location: Location,
    *,
    severity: Severity | None = None,
    title: str | None = None,
    details: Mapping[str, Any] | None = None,
    key: object = None,
    of_url: bool = False,
    remediation: str = "",
) -> Finding:
    """A smoke finding with the catalogue's title, severity and remediation.

    ``key`` separates findings of one rule at one place (an asset URL, a header name), so the
    fingerprint is stable run to run and distinct between them. ``of_url``: the problem belongs
    to the URL whichever route or host entry reached it (a redirect loop), so its fingerprint
    leaves the route out and the run reports it once. ``remediation`` replaces the catalogue's
    when the caller knows the exact fix (a header rule's ``fix``).
    """
    info = RULES[rule]
    assert info.severity is not None
    return Finding(
        check=CHECK,
        rule=rule,
        severity=severity or info.severity,
        title=title or info.title,
        message=message,
        location=location,
        remediation=remediation or info.remediation,
        fingerprint=fingerprint_of(
            CHECK, rule, None if of_url else location.route, location.url, key
        ),
        details=dict(details or {}),
    )
